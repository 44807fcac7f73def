import type { ConversationSummary } from '../../api/workspace-types.ts';

export type DateGroup = 'Today' | 'Yesterday' | 'Last week' | 'Older';
export const DATE_GROUPS: readonly DateGroup[] = ['Today', 'Yesterday', 'Last week', 'Older'];

/** Groups conversations by their last activity in the person's time zone: today, yesterday, the 7 days before, older. */
export function groupByDate(items: ConversationSummary[], now = new Date()): Map<DateGroup, ConversationSummary[]> {
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  const day = 86_400_000;
  const groups = new Map<DateGroup, ConversationSummary[]>(DATE_GROUPS.map((g) => [g, []]));
  for (const c of items) {
    const t = new Date(c.updated_at).getTime();
    const g: DateGroup = t >= today ? 'Today' : t >= today - day ? 'Yesterday' : t >= today - 8 * day ? 'Last week' : 'Older';
    groups.get(g)!.push(c);
  }
  return groups;
}
