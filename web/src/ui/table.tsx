import type { ReactNode } from 'react';
import { cx } from './cx.ts';

export interface Column<T> {
  header: ReactNode;
  cell: (row: T) => ReactNode;
  className?: string;
  /** Right-align numbers. */
  numeric?: boolean;
}

/** A plain, accessible data table with a caption (visually hidden unless shown). */
export function Table<T>({ caption, columns, rows, rowKey, showCaption = false }: { caption: string; columns: Column<T>[]; rows: T[]; rowKey: (row: T) => string; showCaption?: boolean }) {
  return (
    <div className="overflow-x-auto rounded-md border border-line">
      <table className="w-full border-collapse text-sm">
        <caption className={showCaption ? 'px-3 py-2 text-left font-medium' : 'sr-only'}>{caption}</caption>
        <thead className="bg-subtle text-left text-xs text-fg-muted">
          <tr>
            {columns.map((c, i) => (
              <th key={i} scope="col" className={cx('px-3 py-2 font-medium', c.numeric && 'text-right', c.className)}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)} className="border-t border-line align-top">
              {columns.map((c, i) => (
                <td key={i} className={cx('px-3 py-2', c.numeric && 'text-right tabular-nums', c.className)}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
