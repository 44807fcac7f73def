import { AlertTriangle, Inbox, RefreshCw } from 'lucide-react';
import type { ReactNode } from 'react';
import { describeError } from '../lib/error-text.ts';
import { Button } from './button.tsx';
import { cx } from './cx.ts';
import { Spinner } from './spinner.tsx';

/** Shown while something loads: a calm line, announced politely. */
export function LoadingState({ label = 'Loading…', className }: { label?: string; className?: string }) {
  return (
    <div role="status" aria-live="polite" className={cx('flex items-center gap-2 p-4 text-sm text-fg-muted', className)}>
      <Spinner />
      {label}
    </div>
  );
}

/** Shown when there is nothing yet, with what to do about it. */
export function EmptyState({ title, children, action, icon, className }: { title: string; children?: ReactNode; action?: ReactNode; icon?: ReactNode; className?: string }) {
  return (
    <div className={cx('flex flex-col items-center gap-2 px-4 py-8 text-center', className)}>
      <span className="text-fg-muted">{icon ?? <Inbox className="size-6" aria-hidden />}</span>
      <p className="font-medium">{title}</p>
      {children && <div className="max-w-sm text-sm text-fg-muted">{children}</div>}
      {action}
    </div>
  );
}

/** Shown when loading failed: the error in plain words and a way to try again. */
export function ErrorState({ error, onRetry, title = 'This could not be loaded', className }: { error: unknown; onRetry?: () => void; title?: string; className?: string }) {
  return (
    <div role="alert" className={cx('flex flex-col items-start gap-2 rounded-md border border-danger/40 bg-danger-soft p-3 text-sm', className)}>
      <p className="flex items-center gap-2 font-medium text-danger">
        <AlertTriangle className="size-4" aria-hidden />
        {title}
      </p>
      <p>{describeError(error)}</p>
      {onRetry && (
        <Button size="sm" onClick={onRetry}>
          <RefreshCw className="size-3.5" aria-hidden /> Try again
        </Button>
      )}
    </div>
  );
}

/** An error or notice inside a form or dialog. */
export function Notice({ tone = 'danger', children, className }: { tone?: 'danger' | 'warn' | 'ok' | 'info'; children: ReactNode; className?: string }) {
  const tones = {
    danger: 'border-danger/40 bg-danger-soft text-fg',
    warn: 'border-warn/40 bg-warn-soft text-fg',
    ok: 'border-ok/40 bg-ok-soft text-fg',
    info: 'border-line bg-subtle text-fg',
  };
  return (
    <div role={tone === 'danger' ? 'alert' : 'status'} className={cx('rounded-md border p-3 text-sm', tones[tone], className)}>
      {children}
    </div>
  );
}
