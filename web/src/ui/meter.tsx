import { cx } from './cx.ts';

/**
 * A horizontal bar for a share of a whole (budget use, context window). Announced as a meter with
 * its value in words, and coloured by how close it is to full.
 */
export function Meter({ value, label, valueText, className }: { value: number; label: string; valueText: string; className?: string }) {
  const pct = Math.max(0, Math.min(1, value));
  const tone = pct >= 0.9 ? 'bg-danger' : pct >= 0.7 ? 'bg-warn' : 'bg-accent';
  return (
    <div
      role="meter"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(pct * 100)}
      aria-valuetext={valueText}
      className={cx('h-2 w-full overflow-hidden rounded-full bg-muted', className)}
    >
      <div className={cx('h-full rounded-full transition-[width]', tone)} style={{ width: `${pct * 100}%` }} />
    </div>
  );
}
