import { DropdownMenu as M } from 'radix-ui';
import type { ReactNode } from 'react';
import { cx } from './cx.ts';

/** A dropdown menu (Radix: arrow keys, typeahead, Escape). */
export function Menu({ trigger, children, align = 'end' }: { trigger: ReactNode; children: ReactNode; align?: 'start' | 'end' }) {
  return (
    <M.Root>
      <M.Trigger asChild>{trigger}</M.Trigger>
      <M.Portal>
        <M.Content align={align} sideOffset={4} className="z-50 min-w-44 rounded-md border border-line bg-bg p-1 shadow-lg">
          {children}
        </M.Content>
      </M.Portal>
    </M.Root>
  );
}

export function MenuItem({ onSelect, children, danger, disabled }: { onSelect: () => void; children: ReactNode; danger?: boolean; disabled?: boolean }) {
  return (
    <M.Item
      onSelect={onSelect}
      {...(disabled ? { disabled } : {})}
      className={cx(
        'flex cursor-default items-center gap-2 rounded px-2 py-1.5 text-sm outline-none select-none data-[disabled]:opacity-50 data-[highlighted]:bg-muted',
        danger && 'text-danger',
      )}
    >
      {children}
    </M.Item>
  );
}

export function MenuSeparator() {
  return <M.Separator className="my-1 h-px bg-line" />;
}

export function MenuLabel({ children }: { children: ReactNode }) {
  return <M.Label className="px-2 py-1 text-xs text-fg-muted">{children}</M.Label>;
}
