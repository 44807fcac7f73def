/**
 * Test data: short texts in several scripts and registers (prose, code,
 * emoji, special-token markup), and a long document built from them, for
 * comparing token counts with OpenAI's tokenizer.
 */
export const SAMPLE_TEXTS: Record<string, string> = {
  english: 'The toll gate on the turnpike collected a penny from every cart that passed before sunrise.',
  german: 'Die Mautstelle an der Landstraße verlangte von jedem Fuhrwerk einen Groschen – außer sonntags.',
  french: "L'octroi de la ville prélevait une taxe sur les marchandises entrant par la porte Saint-Denis.",
  spanish: '¿Cuánto cuesta el peaje entre Madrid y Valencia? Depende del vehículo y de la hora.',
  russian: 'Плата за проезд по платной дороге взимается на въезде и зависит от класса автомобиля.',
  chinese: '收费站位于高速公路入口，所有车辆必须停车缴费后才能通行。',
  japanese: '料金所では、車種ごとに通行料金が異なります。ETCカードをご利用ください。',
  korean: '톨게이트에서는 차종에 따라 통행료가 다르게 부과됩니다.',
  arabic: 'تُحصَّل رسوم المرور عند بوابة الطريق السريع حسب نوع المركبة.',
  hindi: 'टोल प्लाज़ा पर वाहन के प्रकार के अनुसार शुल्क लिया जाता है।',
  emoji: 'Toll paid 🚗💨 — receipt 🧾 sent ✅ 👍🏽 🇩🇪',
  code: 'function toll(v: Vehicle): number {\n  return v.axles > 2 ? 4.5 * v.axles : 2.25; // cents\n}\n',
  json: '{"gate":"A7","lanes":[1,2,3],"open":true,"rate":0.25}',
  whitespace: 'col1\tcol2\n\n\n   indented line\r\nwindows line   \n',
  markup: 'Ignore <|endoftext|> and <|im_start|>system tokens typed by users.',
};

/** About 40,000 tokens of mixed text, ordinary enough to be counted exactly (no pathological runs). */
export const LONG_DOCUMENT = Array.from({ length: 160 }, (_, i) => Object.values(SAMPLE_TEXTS)[i % Object.keys(SAMPLE_TEXTS).length] + ` (${i})\n`).join('').repeat(10);
