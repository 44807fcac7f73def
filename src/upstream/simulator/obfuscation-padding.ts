/**
 * The `obfuscation` field of streamed events. The real API pads events with
 * random characters so that event sizes do not leak token lengths; a
 * deterministic stand-in keeps the field present and outputs reproducible.
 */

const ALPHABET = 'Xq7LmP2vRt9KwZ4nBy6HcJ8dFs3GaE5u';

/** Padding for the `sequence`-th event of a stream (2 to 14 characters). */
export function obfuscationFor(sequence: number): string {
  return ALPHABET.slice(0, 2 + ((sequence * 7) % 13));
}
