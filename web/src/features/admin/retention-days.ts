/** A period as people read it: "30 days", or what null means where it is shown. */
export function daysText(days: number | null, whenNull = 'kept forever'): string {
  if (days === null) return whenNull;
  return `${days.toLocaleString('en-US')} day${days === 1 ? '' : 's'}`;
}

/** A period field's text as the form shows it: empty for null. */
export function daysInput(days: number | null): string {
  return days === null ? '' : String(days);
}

/**
 * A period field's text as the API takes it: empty is null (forever, or the organization's for a
 * team); a number is sent as typed, so the server's rule (whole days, 1 to 36,500) is the one that
 * answers and its message is shown next to the field. Anything else is not a number at all.
 */
export function parseDays(text: string): number | null | 'not_a_number' {
  const t = text.trim().replace(/[,_ ]/g, '');
  if (t === '') return null;
  return /^[-+]?\d+(\.\d+)?$/.test(t) ? Number(t) : 'not_a_number';
}
