/** Sensitivity labels, least to most sensitive. */
export const LABELS = ['public', 'internal', 'confidential', 'restricted'] as const;
export type Label = (typeof LABELS)[number];

const RANK: Record<Label, number> = { public: 0, internal: 1, confidential: 2, restricted: 3 };

/** The more sensitive of two labels. */
export function maxLabel(a: Label, b: Label | undefined): Label {
  return b !== undefined && RANK[b] > RANK[a] ? b : a;
}

/** Whether `a` is at most as sensitive as `b`. */
export function labelAtMost(a: Label, b: Label): boolean {
  return RANK[a] <= RANK[b];
}

/** Parses a label (e.g. the `x-tollgate-classification` header); undefined when it is not one. */
export function parseLabel(text: string | undefined): Label | undefined {
  const t = text?.trim().toLowerCase();
  return (LABELS as readonly string[]).includes(t ?? '') ? (t as Label) : undefined;
}
