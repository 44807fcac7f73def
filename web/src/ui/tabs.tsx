import { Tabs as T } from 'radix-ui';
import type { ReactNode } from 'react';
import { cx } from './cx.ts';

export interface TabItem {
  value: string;
  label: ReactNode;
  content: ReactNode;
}

/** Tabs (Radix: arrow keys move between tabs). */
export function Tabs({ items, value, onValueChange, label, className }: { items: TabItem[]; value?: string; onValueChange?: (v: string) => void; label: string; className?: string }) {
  const controlled = value !== undefined ? { value, ...(onValueChange ? { onValueChange } : {}) } : { defaultValue: items[0]?.value };
  return (
    <T.Root {...controlled} className={cx('flex flex-col', className)}>
      <T.List aria-label={label} className="flex gap-1 border-b border-line">
        {items.map((t) => (
          <T.Trigger
            key={t.value}
            value={t.value}
            className="-mb-px border-b-2 border-transparent px-2.5 py-1.5 text-sm text-fg-muted hover:text-fg data-[state=active]:border-accent data-[state=active]:text-fg"
          >
            {t.label}
          </T.Trigger>
        ))}
      </T.List>
      {items.map((t) => (
        <T.Content key={t.value} value={t.value} className="min-h-0 flex-1 pt-2 outline-none">
          {t.content}
        </T.Content>
      ))}
    </T.Root>
  );
}
