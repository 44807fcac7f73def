import type { ApiKeyWithSecret } from '../../api/types.ts';
import { Button } from '../../ui/button.tsx';
import { CopyButton } from '../../ui/copy-button.tsx';
import { Dialog } from '../../ui/dialog.tsx';
import { Notice } from '../../ui/states.tsx';

/** Shows a key's secret once, after creation or rotation, with how to use it. */
export function KeySecretDialog({ created, onClose, rotated }: { created: ApiKeyWithSecret | null; onClose: () => void; rotated?: boolean }) {
  const base = `${window.location.origin}/v1`;
  return (
    <Dialog
      open={created !== null}
      onOpenChange={(open) => !open && onClose()}
      title={rotated ? 'The key has a new secret' : 'Your new key'}
      description="Copy the secret now: Tollgate stores only its hash and cannot show it again."
      footer={<Button variant="primary" onClick={onClose}>Done</Button>}
      wide
    >
      {created && (
        <div className="flex flex-col gap-3">
          <div className="flex items-center gap-2 rounded-md border border-line bg-subtle p-2">
            <code data-testid="key-secret" className="min-w-0 flex-1 font-mono text-sm break-all">
              {created.key}
            </code>
            <CopyButton text={created.key} label="Copy secret" />
          </div>
          {rotated && created.previous_secret_expires_at && (
            <Notice tone="info">The old secret keeps working until {new Date(created.previous_secret_expires_at).toLocaleString()}.</Notice>
          )}
          <p className="text-sm text-fg-muted">Use it with any OpenAI SDK:</p>
          <pre tabIndex={0} aria-label="Example" className="overflow-x-auto rounded-md bg-muted p-3 font-mono text-xs">{`const client = new OpenAI({ baseURL: '${base}', apiKey: process.env.TOLLGATE_KEY });`}</pre>
        </div>
      )}
    </Dialog>
  );
}
