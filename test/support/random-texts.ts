/**
 * `count` texts of up to `maxPieces` pieces drawn from `pieces`, the same ones on every run (a fixed
 * linear congruential sequence from `seed`): for comparing a fast scanner with a plain reference
 * on inputs built from the shapes that matter to it.
 */
export function randomTexts(pieces: readonly string[], count: number, maxPieces: number, seed: number): string[] {
  const rand = (n: number) => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n);
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    let text = '';
    for (let j = rand(maxPieces); j > 0; j--) text += pieces[rand(pieces.length)];
    texts.push(text);
  }
  return texts;
}
