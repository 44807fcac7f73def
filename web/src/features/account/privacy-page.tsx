import { Download, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { downloadDataExport, type ExportFormat } from '../../api/privacy.ts';
import { useSession } from '../../app/session.tsx';
import { describeError } from '../../lib/error-text.ts';
import { Button } from '../../ui/button.tsx';
import { PageHeader, Section } from '../../ui/page.tsx';
import { Notice } from '../../ui/states.tsx';
import { EraseAccountDialog } from './erase-account-dialog.tsx';

const HELD = [
  ['Profile', 'your name, email, organization role and team memberships'],
  ['Conversations', 'every conversation you keep, with all its messages (every branch)'],
  ['Templates', 'the prompt templates you wrote'],
  ['Usage', 'one row per request made with your keys or in your chats: model, tokens, cost (no message text)'],
  ['Audit records', 'what you did in Tollgate and what was done to your account'],
] as const;

/** Settings › Privacy: what Tollgate holds about the person, a download of all of it, and erasure of the account. */
export function PrivacyPage() {
  const { me } = useSession();
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [erasing, setErasing] = useState(false);
  const download = async (format: ExportFormat) => {
    setBusy(format);
    setError(null);
    try {
      await downloadDataExport(format);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  return (
    <div className="flex max-w-3xl flex-col gap-4">
      <PageHeader title="Privacy" description="What Tollgate keeps about you, a copy of all of it, and erasing your account." />
      <Section title="What Tollgate holds about you" description="Your organization's owners can see and export the same, and its retention settings decide how long it is kept.">
        <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1.5 text-sm">
          {HELD.map(([what, detail]) => (
            <div key={what} className="contents">
              <dt className="font-medium">{what}</dt>
              <dd className="text-fg-muted">{detail}</dd>
            </div>
          ))}
        </dl>
      </Section>
      <Section title="Download my data" description="Everything above in one file. The ZIP holds one file per conversation and the usage and audit lists as JSON lines; JSON is the same as one document. Each download is recorded in the audit log.">
        <div className="flex flex-wrap gap-2">
          <Button variant="primary" busy={busy === 'zip'} disabled={busy !== null} onClick={() => void download('zip')}>
            <Download className="size-3.5" aria-hidden /> Download my data (ZIP)
          </Button>
          <Button busy={busy === 'json'} disabled={busy !== null} onClick={() => void download('json')}>
            <Download className="size-3.5" aria-hidden /> Download as JSON
          </Button>
        </div>
        {error !== null && <Notice className="mt-3">{describeError(error)}</Notice>}
      </Section>
      <Section title="Erase my account" description="Removes your conversations, messages and personal templates for good, and closes your account. Your usage stays in your organization's reports under a pseudonym, so its totals stay right.">
        {me.via === 'session' && me.user ? (
          <Button variant="danger" onClick={() => setErasing(true)}>
            <Trash2 className="size-3.5" aria-hidden /> Erase my account…
          </Button>
        ) : (
          <Notice tone="info">Sign in with your password or single sign-on to erase your account: an API key cannot.</Notice>
        )}
      </Section>
      {me.user && <EraseAccountDialog open={erasing} onOpenChange={setErasing} user={me.user} />}
    </div>
  );
}
