/** Nano-dollars of a decimal USD string as the API writes money (`"0.000018"`, `"1.50"`); exact. */
export function usdToNanos(usd: string): number {
  const m = /^(\d+)(?:\.(\d{1,9}))?$/.exec(usd);
  if (!m) throw new Error(`not a money string: ${JSON.stringify(usd)}`);
  return Number(m[1]) * 1e9 + Number((m[2] ?? '').padEnd(9, '0'));
}
