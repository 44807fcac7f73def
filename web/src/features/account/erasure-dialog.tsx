import { useState } from 'react';
import type { User } from '../../api/types.ts';
import { describeError } from '../../lib/error-text.ts';
import { Button } from '../../ui/button.tsx';
import { Dialog } from '../../ui/dialog.tsx';
import { Field, Input } from '../../ui/field.tsx';
import { Notice } from '../../ui/states.tsx';

interface ErasureDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The person to erase: their email is the phrase to type. */
  user: Pick<User, 'id' | 'email' | 'name'>;
  /** The person erasing themselves, or an owner erasing a member. */
  self: boolean;
  /** Sends the erasure; a thrown error is shown in the dialog. */
  erase: () => Promise<void>;
}

/**
 * Confirms an erasure: says what happens and that it cannot be undone, and asks for the person's
 * email to be typed before the button works (the request itself repeats their id, as the API asks).
 */
export function ErasureDialog({ open, onOpenChange, user, self, erase }: ErasureDialogProps) {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const matches = typed.trim().toLowerCase() === user.email.toLowerCase();
  const change = (o: boolean) => {
    if (busy) return;
    if (!o) {
      setTyped('');
      setError(null);
    }
    onOpenChange(o);
  };
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await erase();
      setTyped('');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const your = self ? 'your' : 'their';
  return (
    <Dialog
      open={open}
      onOpenChange={change}
      title={self ? 'Erase your account' : `Erase ${user.email}`}
      description="This cannot be undone."
      footer={
        <>
          <Button onClick={() => change(false)} disabled={busy}>Cancel</Button>
          <Button variant="danger" busy={busy} disabled={!matches} onClick={() => void submit()}>
            {self ? 'Erase my account' : 'Erase this person'}
          </Button>
        </>
      }
    >
      <form className="flex flex-col gap-3 text-sm" onSubmit={(e) => { e.preventDefault(); if (matches && !busy) void submit(); }}>
        <ul className="list-disc space-y-1 pl-5">
          <li><strong>Removed for good:</strong> {your} conversations and messages, shared links and personal templates; the key that encrypted {your} messages is destroyed.</li>
          <li><strong>Kept, pseudonymized:</strong> {your} usage (tokens and cost) and audit records stay under a random name instead of {your} own, so the organization's totals stay right.</li>
          <li><strong>Closed:</strong> the account loses its email, name, password and second factor, {your} sessions end and {your} API keys stop working{self ? '; you are signed out' : ''}.</li>
          <li><strong>Cannot be undone,</strong> not even by an owner.</li>
        </ul>
        {self && <p>Download your data first if you want a copy.</p>}
        <Field label={<>Type {self ? 'your' : 'their'} email, <span className="font-mono">{user.email}</span>, to confirm</>}>
          {(p) => <Input {...p} autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} />}
        </Field>
        {error !== null && <Notice>{describeError(error)}</Notice>}
      </form>
    </Dialog>
  );
}
