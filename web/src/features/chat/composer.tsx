import { ArrowUp, BookText, Square } from 'lucide-react';
import type { FormEvent, KeyboardEvent } from 'react';
import { Button } from '../../ui/button.tsx';
import { useWorkspace } from '../workspace/workspace-context.tsx';
import { CostEstimate } from './cost-estimate.tsx';
import { ModelSelect } from './model-select.tsx';

interface Props {
  streaming: boolean;
  disabled: boolean;
  onSend: (text: string) => Promise<boolean>;
  onStop: () => void;
  onTemplates: () => void;
}

/** Where the person writes: Enter sends, Shift+Enter adds a line; templates, model and the live cost estimate. */
export function Composer({ streaming, disabled, onSend, onStop, onTemplates }: Props) {
  const { draft, setDraft, composerRef, model } = useWorkspace();
  const canSend = !streaming && !disabled && draft.trim().length > 0;

  async function submit(e?: FormEvent) {
    e?.preventDefault();
    if (!canSend) return;
    const text = draft;
    setDraft('');
    if (!(await onSend(text))) setDraft(text);
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void submit();
    } else if (e.key === 'Escape' && streaming) {
      e.preventDefault();
      onStop();
    }
  }

  return (
    <form onSubmit={submit} className="border-t border-line bg-bg px-3 pt-2 pb-3" aria-label="Write a message">
      <div className="mx-auto flex max-w-4xl flex-col gap-2 rounded-lg border border-line bg-bg p-2 focus-within:border-accent">
        <textarea
          ref={composerRef}
          aria-label="Message"
          data-testid="composer"
          rows={2}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={onKeyDown}
          placeholder={`Message ${model} — Enter to send, Shift+Enter for a new line`}
          className="max-h-64 min-h-12 w-full resize-none bg-transparent px-1 text-sm outline-none [field-sizing:content] placeholder:text-fg-muted"
        />
        <div className="flex flex-wrap items-center gap-2">
          <Button size="sm" variant="ghost" onClick={onTemplates} aria-label="Insert a template">
            <BookText className="size-3.5" aria-hidden /> Templates
          </Button>
          <ModelSelect disabled={streaming} />
          <div className="min-w-0 flex-1">
            <CostEstimate />
          </div>
          {streaming ? (
            <Button size="sm" onClick={onStop} aria-label="Stop the reply (Escape)">
              <Square className="size-3.5" aria-hidden /> Stop
            </Button>
          ) : (
            <Button size="sm" variant="primary" type="submit" disabled={!canSend} aria-label="Send (Enter)">
              <ArrowUp className="size-3.5" aria-hidden /> Send
            </Button>
          )}
        </div>
      </div>
    </form>
  );
}
