import { useQueryClient } from '@tanstack/react-query';
import { Archive, Download, Folder, MoreHorizontal, Pin, Share2, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { conversationKeys } from '../../api/query-keys.ts';
import { deleteConversation, downloadExport, updateConversation, useFolders } from '../../api/workspace.ts';
import { Dialog } from '../../ui/dialog.tsx';
import { Field } from '../../ui/field.tsx';
import type { Conversation } from '../../api/workspace-types.ts';
import { describeError } from '../../lib/error-text.ts';
import { formatInt } from '../../lib/format.ts';
import { formatUsdText } from '../../lib/money.ts';
import { Button, IconButton } from '../../ui/button.tsx';
import { Input } from '../../ui/field.tsx';
import { Menu, MenuItem, MenuLabel, MenuSeparator } from '../../ui/menu.tsx';
import { useToast } from '../../ui/toast.tsx';
import { ShareDialog } from './share-dialog.tsx';

/** The open conversation's title (click to rename), its cost, and its actions: export, share, pin, archive, delete. */
export function ChatHeader({ conversation, leafId }: { conversation: Conversation; leafId: string | undefined }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(conversation.title ?? '');
  const [sharing, setSharing] = useState(false);
  const [filing, setFiling] = useState(false);
  const [folder, setFolder] = useState(conversation.folder ?? '');
  const folders = useFolders();

  async function patch(body: Parameters<typeof updateConversation>[1], done?: string) {
    try {
      const updated = await updateConversation(conversation.id, body);
      qc.setQueryData(conversationKeys.detail(conversation.id), updated);
      await qc.invalidateQueries({ queryKey: conversationKeys.lists() });
      if ('folder' in body) await qc.invalidateQueries({ queryKey: conversationKeys.folders() });
      if (done) toast(done);
    } catch (err) {
      toast(describeError(err), 'danger');
    }
  }

  async function exportAs(format: 'md' | 'json' | 'pdf') {
    try {
      await downloadExport(conversation.id, format);
    } catch (err) {
      toast(describeError(err), 'danger');
    }
  }

  return (
    <div className="flex h-12 shrink-0 items-center gap-2 border-b border-line px-3">
      {editing ? (
        <form
          className="flex flex-1 gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            setEditing(false);
            if (title.trim() && title.trim() !== conversation.title) void patch({ title: title.trim() });
          }}
        >
          <Input aria-label="Conversation title" value={title} onChange={(e) => setTitle(e.target.value)} autoFocus onBlur={() => setEditing(false)} className="h-8" maxLength={200} />
        </form>
      ) : (
        <h2 className="min-w-0 flex-1 truncate font-medium">
          <button type="button" className="max-w-full truncate rounded px-1 text-left hover:bg-muted" title="Rename" onClick={() => { setTitle(conversation.title ?? ''); setEditing(true); }} data-testid="conversation-title">
            {conversation.title || 'New conversation'}
          </button>
        </h2>
      )}
      <span className="hidden text-xs text-fg-muted sm:inline" data-testid="conversation-cost" title={`${formatInt(conversation.prompt_tokens)} tokens in, ${formatInt(conversation.completion_tokens)} out`}>
        {formatUsdText(conversation.cost_usd)} · {formatInt(conversation.prompt_tokens + conversation.completion_tokens)} tokens
      </span>
      <Button size="sm" variant="ghost" onClick={() => setSharing(true)}>
        <Share2 className="size-3.5" aria-hidden /> Share
      </Button>
      <Menu trigger={<IconButton label="Conversation actions"><MoreHorizontal className="size-4" aria-hidden /></IconButton>}>
        <MenuLabel>Export this branch</MenuLabel>
        <MenuItem onSelect={() => void exportAs('md')}><Download className="size-4" aria-hidden /> Markdown</MenuItem>
        <MenuItem onSelect={() => void exportAs('json')}><Download className="size-4" aria-hidden /> JSON</MenuItem>
        <MenuItem onSelect={() => void exportAs('pdf')}><Download className="size-4" aria-hidden /> PDF</MenuItem>
        <MenuSeparator />
        <MenuItem onSelect={() => { setFolder(conversation.folder ?? ''); setFiling(true); }}>
          <Folder className="size-4" aria-hidden /> {conversation.folder ? `In folder ${conversation.folder}…` : 'Move to a folder…'}
        </MenuItem>
        <MenuItem onSelect={() => void patch({ pinned: !conversation.pinned }, conversation.pinned ? 'Unpinned.' : 'Pinned.')}>
          <Pin className="size-4" aria-hidden /> {conversation.pinned ? 'Unpin' : 'Pin'}
        </MenuItem>
        <MenuItem onSelect={() => void patch({ archived: !conversation.archived }, conversation.archived ? 'Back in your list.' : 'Archived.')}>
          <Archive className="size-4" aria-hidden /> {conversation.archived ? 'Unarchive' : 'Archive'}
        </MenuItem>
        <MenuItem
          danger
          onSelect={async () => {
            if (!window.confirm('Delete this conversation? This cannot be undone.')) return;
            try {
              await deleteConversation(conversation.id);
              await qc.invalidateQueries({ queryKey: conversationKeys.lists() });
              navigate('/');
              toast('Conversation deleted.');
            } catch (err) {
              toast(describeError(err), 'danger');
            }
          }}
        >
          <Trash2 className="size-4" aria-hidden /> Delete
        </MenuItem>
      </Menu>
      <Dialog
        open={filing}
        onOpenChange={setFiling}
        title="Folder"
        description="Conversations with the same folder are listed together."
        footer={
          <>
            {conversation.folder && <Button onClick={() => { setFiling(false); void patch({ folder: null }, 'Taken out of its folder.'); }}>No folder</Button>}
            <Button variant="primary" disabled={!folder.trim()} onClick={() => { setFiling(false); void patch({ folder: folder.trim() }, `Moved to ${folder.trim()}.`); }}>Move</Button>
          </>
        }
      >
        <Field label="Folder name">
          {(p) => <Input {...p} list="folder-names" value={folder} onChange={(e) => setFolder(e.target.value)} maxLength={100} autoFocus />}
        </Field>
        <datalist id="folder-names">{(folders.data?.data ?? []).map((f) => <option key={f.name} value={f.name} />)}</datalist>
      </Dialog>
      <ShareDialog conversationId={conversation.id} leafId={leafId} open={sharing} onOpenChange={setSharing} />
    </div>
  );
}
