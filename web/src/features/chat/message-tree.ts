import type { Message } from '../../api/workspace-types.ts';

/**
 * The messages of a conversation as a tree (each has a parent; editing or regenerating adds a
 * sibling), and the branch a person sees: the path from the root to one leaf.
 */
export interface MessageTree {
  byId: Map<string, Message>;
  /** Children of each message (key null: the roots), oldest first. */
  children: Map<string | null, Message[]>;
}

/** Builds the tree in one pass (messages come in creation order; 2,000 are fine). */
export function buildTree(messages: readonly Message[]): MessageTree {
  const byId = new Map<string, Message>();
  const children = new Map<string | null, Message[]>();
  for (const m of messages) {
    byId.set(m.id, m);
    const key = m.parent_id;
    let list = children.get(key);
    if (!list) children.set(key, (list = []));
    list.push(m);
  }
  for (const list of children.values()) list.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));
  return { byId, children };
}

/** Follows the newest child down from `id` (or from the newest root when id is null) to a leaf. */
export function newestLeafUnder(tree: MessageTree, id: string | null): string | null {
  let current = id;
  for (;;) {
    const kids = tree.children.get(current);
    if (!kids || kids.length === 0) return current;
    current = kids[kids.length - 1]!.id;
  }
}

/** A leaf id meaning "before the first message": the empty branch (editing a first message). */
export const BEFORE_FIRST = '';

/** The messages from the root to `leafId`, in order; null or an unknown leaf gives the newest branch. */
export function branchTo(tree: MessageTree, leafId: string | null): Message[] {
  if (leafId === BEFORE_FIRST) return [];
  let id = leafId !== null && tree.byId.has(leafId) ? leafId : newestLeafUnder(tree, null);
  const path: Message[] = [];
  while (id !== null) {
    const m = tree.byId.get(id);
    if (!m) break;
    path.push(m);
    id = m.parent_id;
  }
  return path.reverse();
}

/** A message's siblings (itself included) and its position among them, for ‹ 2/3 ›. */
export function siblingsOf(tree: MessageTree, m: Message): { index: number; count: number; siblings: Message[] } {
  const siblings = tree.children.get(m.parent_id) ?? [m];
  return { index: Math.max(0, siblings.findIndex((s) => s.id === m.id)), count: siblings.length, siblings };
}
