import type { ButtonHTMLAttributes, Ref } from 'react';
import { cx } from './cx.ts';
import { Spinner } from './spinner.tsx';

type Variant = 'primary' | 'secondary' | 'ghost' | 'danger';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  size?: 'sm' | 'md';
  /** Shows a spinner and disables the button while an action runs. */
  busy?: boolean;
  ref?: Ref<HTMLButtonElement>;
}

const VARIANTS: Record<Variant, string> = {
  primary: 'bg-accent text-accent-fg hover:opacity-90 border border-transparent',
  secondary: 'bg-bg text-fg border border-line hover:bg-subtle',
  ghost: 'bg-transparent text-fg border border-transparent hover:bg-muted',
  danger: 'bg-danger text-white border border-transparent hover:opacity-90 dark:text-bg',
};

/** The app's button: one of four variants, with a busy state for actions in flight. */
export function Button({ variant = 'secondary', size = 'md', busy = false, className, children, disabled, type = 'button', ...rest }: ButtonProps) {
  return (
    <button
      type={type}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      className={cx(
        'inline-flex items-center justify-center gap-1.5 rounded-md font-medium whitespace-nowrap transition-colors disabled:cursor-not-allowed disabled:opacity-50',
        size === 'sm' ? 'h-7 px-2 text-xs' : 'h-9 px-3 text-sm',
        VARIANTS[variant],
        className,
      )}
      {...rest}
    >
      {busy && <Spinner className="size-3.5" />}
      {children}
    </button>
  );
}

/** A square button with only an icon; `label` is its accessible name and tooltip. */
export function IconButton({ label, className, children, ...rest }: ButtonProps & { label: string }) {
  return (
    <Button variant="ghost" aria-label={label} title={label} className={cx('!px-0 w-8 h-8', className)} {...rest}>
      {children}
    </Button>
  );
}
