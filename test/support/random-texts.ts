/**
 * `count` texts of up to `maxPieces` pieces drawn from `pieces`, the same ones on every run (a fixed
 * linear congruential sequence from `seed`): for comparing a fast scanner with a plain reference
 * on inputs built from the shapes that matter to it.
 */
export function randomTexts(pieces: readonly string[], count: number, maxPieces: number, seed: number): string[] {
  // 32-bit arithmetic (Math.imul): a plain multiply would pass 2^53 and lose the low bits, which made
  // most draws 0 (4,000 "random" texts held fewer than 30 distinct ones). The high bits are the random ones.
  let state = seed >>> 0;
  const rand = (n: number) => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return (state >>> 8) % n;
  };
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    let text = '';
    for (let j = rand(maxPieces); j > 0; j--) text += pieces[rand(pieces.length)];
    texts.push(text);
  }
  return texts;
}
