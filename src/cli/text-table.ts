/**
 * A plain text table for a terminal: a header, then one line per row, columns padded with two
 * spaces. Cells are single-line (line breaks become spaces) and cut at `maxCellWidth` with `…`.
 * @example formatTable(['NAME', 'STATE'], [['ci bot', 'active']]) // 'NAME    STATE\nci bot  active\n'
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], maxCellWidth = 48): string {
  const cell = (value: string) => {
    const flat = value.replace(/\s+/g, ' ');
    return flat.length > maxCellWidth ? `${flat.slice(0, maxCellWidth - 1)}…` : flat;
  };
  const lines = [header.map(cell), ...rows.map((r) => header.map((_, i) => cell(r[i] ?? '')))];
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  return lines.map((l) => l.map((c, i) => (i === l.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}
