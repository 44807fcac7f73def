import type { ConversationRow, MessageRow } from '../conversation-store.ts';
import { conversationView, messageView } from '../conversation-view.ts';

/** A conversation's current branch, root first: what an export or a share shows. */
export interface BranchDocument {
  conversation: ConversationRow;
  messages: MessageRow[];
}

const WHO: Record<MessageRow['role'], string> = { user: 'You', assistant: 'Assistant', system: 'System' };

/** The branch as Markdown: the title, then each message under a heading naming who wrote it. */
export function toMarkdown(doc: BranchDocument): string {
  const c = doc.conversation;
  const out = [`# ${oneLine(c.title)}`, '', `_Model: ${c.model} · exported ${new Date().toISOString()}_`, ''];
  for (const m of doc.messages) {
    out.push(`## ${headingOf(m)}`, '', m.content.length > 0 ? m.content : statusNote(m), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** The branch as JSON: the conversation and its messages as the API shows them. */
export function toJson(doc: BranchDocument): string {
  return `${JSON.stringify({ object: 'conversation.export', conversation: conversationView(doc.conversation), messages: doc.messages.map(messageView) }, null, 2)}\n`;
}

/** "Assistant · gpt-4o-mini" and, for a reply that did not complete, its status. */
export function headingOf(m: MessageRow): string {
  const parts = [WHO[m.role]];
  if (m.role === 'assistant' && m.model) parts.push(m.model);
  if (m.status !== 'complete') parts.push(m.status);
  return parts.join(' · ');
}

export function statusNote(m: MessageRow): string {
  return m.status === 'error' ? `(no reply: ${m.error_message ?? m.error_code ?? 'error'})` : '(empty)';
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** A file name for the export: the title in ASCII letters, digits and dashes. */
export function exportFileName(title: string, ext: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${slug || 'conversation'}.${ext}`;
}
