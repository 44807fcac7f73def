import { useParams } from 'react-router';
import { isApiError } from '../../api/api-error.ts';
import { useSharedConversation } from '../../api/workspace.ts';
import { formatDateTime } from '../../lib/format.ts';
import { Logo } from '../../ui/logo.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../ui/states.tsx';
import { MessageContent } from '../chat/message-content.tsx';

/** /share/:token: a conversation someone shared, read-only, for anyone with the link (no account). */
export default function SharePage() {
  const { token = '' } = useParams();
  const shared = useSharedConversation(token);
  let body;
  if (shared.isPending) body = <LoadingState label="Opening the shared conversation…" />;
  else if (shared.error || !shared.data) {
    body =
      isApiError(shared.error) && shared.error.status === 404 ? (
        <EmptyState title={shared.error.isMissingRoute ? 'Shared conversations are not available on this server yet' : 'This link does not work any more'}>
          {shared.error.isMissingRoute ? 'Ask the person who sent it to share it again later.' : 'Whoever shared it has revoked the link, or it was mistyped.'}
        </EmptyState>
      ) : (
        <ErrorState error={shared.error} />
      );
  } else {
    body = (
      <article aria-label="Shared conversation" data-testid="shared-conversation">
        <h1 className="text-xl font-semibold">{shared.data.title || 'Shared conversation'}</h1>
        <p className="mt-1 text-sm text-fg-muted">Read-only · {shared.data.model} · shared {formatDateTime(shared.data.shared_at)}</p>
        <ol className="mt-6 flex flex-col gap-4">
          {shared.data.messages.map((m, i) => (
            <li key={i} className={m.role === 'user' ? 'self-end rounded-lg bg-accent-soft px-3 py-2 whitespace-pre-wrap' : ''} aria-label={m.role === 'user' ? 'Question' : 'Answer'}>
              {m.role === 'user' ? m.content : <MessageContent text={m.content} />}
            </li>
          ))}
        </ol>
      </article>
    );
  }
  return (
    <div className="min-h-full bg-subtle">
      <header className="flex h-12 items-center border-b border-line bg-bg px-4">
        <Logo />
      </header>
      <main className="mx-auto max-w-3xl p-6">{body}</main>
    </div>
  );
}
