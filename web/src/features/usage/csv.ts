/**
 * CSV (RFC 4180) for spreadsheets. Cells that a spreadsheet would run as a formula (starting with
 * =, +, -, @, tab or carriage return) are prefixed with a quote, so an id or a model name chosen by
 * someone else cannot become a formula on the admin's machine.
 */
export function toCsv(header: string[], rows: (string | number | bigint | null | undefined)[][]): string {
  const cell = (v: string | number | bigint | null | undefined): string => {
    if (v === null || v === undefined) return '';
    let s = String(v);
    if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
