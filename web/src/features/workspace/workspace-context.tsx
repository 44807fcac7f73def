import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type Dispatch, type ReactNode, type RefObject, type SetStateAction } from 'react';
import { useConversation, useMessages } from '../../api/workspace.ts';
import type { Conversation, Message, Template } from '../../api/workspace-types.ts';
import { branchTo, buildTree, type MessageTree } from '../chat/message-tree.ts';
import { useTokenCount, type TokenCount } from '../chat/token-count/use-token-count.ts';
import { defaultModel, rememberModel, useModels, type ModelChoice } from './use-models.ts';

interface WorkspaceValue {
  conversationId: string | undefined;
  conversation: Conversation | undefined;
  conversationQuery: ReturnType<typeof useConversation>;
  messagesQuery: ReturnType<typeof useMessages>;
  tree: MessageTree;
  /** The branch shown: root to the chosen leaf. */
  branch: Message[];
  /** Shows the branch ending at leafId in a conversation (null: its newest branch). */
  setLeaf: (conversationId: string, leafId: string | null) => void;
  models: ModelChoice[];
  model: string;
  modelInfo: ModelChoice | undefined;
  setModel: (id: string) => void;
  draft: string;
  setDraft: Dispatch<SetStateAction<string>>;
  /** Adds text to the draft (a template) and puts the cursor in the composer. */
  insertIntoDraft: (text: string) => void;
  tokens: TokenCount | null;
  composerRef: RefObject<HTMLTextAreaElement | null>;
  searchRef: RefObject<HTMLInputElement | null>;
  /** The template dialog: open, and the template chosen in the Conversations panel if any. */
  templateDialog: { open: boolean; initial: Template | null };
  openTemplates: (initial?: Template | null) => void;
  closeTemplates: () => void;
}

const Ctx = createContext<WorkspaceValue | null>(null);

export function useWorkspace(): WorkspaceValue {
  const v = useContext(Ctx);
  if (!v) throw new Error('useWorkspace outside WorkspaceProvider');
  return v;
}

const EMPTY: Message[] = [];

/** The state the four panels share: the open conversation and its branch, the model, the draft and its token count. */
export function WorkspaceProvider({ conversationId, children }: { conversationId: string | undefined; children: ReactNode }) {
  const conversationQuery = useConversation(conversationId);
  const messagesQuery = useMessages(conversationId);
  const conversation = conversationQuery.data;
  const messages = conversationId ? (messagesQuery.data?.data ?? EMPTY) : EMPTY;
  const tree = useMemo(() => buildTree(messages), [messages]);
  const [leaves, setLeaves] = useState<Record<string, string | null>>({});
  const leaf = conversationId ? (leaves[conversationId] ?? conversation?.current_leaf_id ?? null) : null;
  const branch = useMemo(() => (conversationId ? branchTo(tree, leaf) : EMPTY), [tree, leaf, conversationId]);
  const setLeaf = useCallback((cid: string, id: string | null) => setLeaves((l) => ({ ...l, [cid]: id })), []);

  const { models } = useModels();
  const [chosen, setChosen] = useState<string | null>(null);
  useEffect(() => setChosen(null), [conversationId]);
  const model = chosen ?? conversation?.model ?? defaultModel(models);
  const setModel = useCallback((id: string) => {
    rememberModel(id);
    setChosen(id);
  }, []);

  const [draft, setDraft] = useState('');
  const composerRef = useRef<HTMLTextAreaElement | null>(null);
  const searchRef = useRef<HTMLInputElement | null>(null);
  const insertIntoDraft = useCallback((text: string) => {
    setDraft((d) => (d.trim() ? `${d.replace(/\s+$/, '')}\n\n${text}` : text));
    requestAnimationFrame(() => composerRef.current?.focus());
  }, []);

  const [templateDialog, setTemplateDialog] = useState<{ open: boolean; initial: Template | null }>({ open: false, initial: null });
  const openTemplates = useCallback((initial: Template | null = null) => setTemplateDialog({ open: true, initial }), []);
  const closeTemplates = useCallback(() => setTemplateDialog((d) => ({ ...d, open: false })), []);

  const history = useMemo(() => branch.filter((m) => m.status !== 'error').map((m) => ({ id: m.id, role: m.role, content: m.content })), [branch]);
  const tokens = useTokenCount(model, history, draft);

  const value: WorkspaceValue = {
    conversationId,
    conversation,
    conversationQuery,
    messagesQuery,
    tree,
    branch,
    setLeaf,
    models,
    model,
    modelInfo: models.find((m) => m.id === model),
    setModel,
    draft,
    setDraft,
    insertIntoDraft,
    tokens,
    composerRef,
    searchRef,
    templateDialog,
    openTemplates,
    closeTemplates,
  };
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}
