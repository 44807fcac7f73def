import type { ReactNode } from 'react';
import { cx } from './cx.ts';

type Tone = 'neutral' | 'accent' | 'ok' | 'warn' | 'danger';
const TONES: Record<Tone, string> = {
  neutral: 'bg-muted text-fg',
  accent: 'bg-accent-soft text-accent',
  ok: 'bg-ok-soft text-ok',
  warn: 'bg-warn-soft text-warn',
  danger: 'bg-danger-soft text-danger',
};

export function Badge({ tone = 'neutral', children, className }: { tone?: Tone; children: ReactNode; className?: string }) {
  return <span className={cx('inline-flex items-center rounded px-1.5 py-0.5 text-xs font-medium whitespace-nowrap', TONES[tone], className)}>{children}</span>;
}
