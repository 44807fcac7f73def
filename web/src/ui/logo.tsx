/** The product's name and mark. */
export function Logo({ compact = false, compactOnSmall = false }: { compact?: boolean; compactOnSmall?: boolean }) {
  return (
    <span className="inline-flex items-center gap-2 font-semibold">
      <svg aria-hidden viewBox="0 0 32 32" className="size-6">
        <rect width="32" height="32" rx="7" className="fill-accent" />
        <path d="M8 11h16v3H17.5v10h-3V14H8z" className="fill-accent-fg" />
      </svg>
      {!compact && <span className={compactOnSmall ? 'max-sm:sr-only' : undefined}>Tollgate</span>}
    </span>
  );
}
