import type { Logger } from 'pino';
import type { Directory } from '../access/index.ts';
import { PLAINTEXT, type FieldCipher } from '../compliance/index.ts';
import type { AnyRoute } from '../http/routes/index.ts';
import type { BudgetService } from '../metering/budgets/index.ts';
import type { PriceCatalog } from '../metering/prices/index.ts';
import type { Store } from '../state/index.ts';
import type { ChatRunner } from './chat/chat-runner.ts';
import { messageRoutes } from './chat/message-routes.ts';
import { DEFAULT_TITLE_MODEL } from './chat/title-generator.ts';
import { conversationRoutes } from './conversation-routes.ts';
import { ConversationStore } from './conversation-store.ts';
import { costRoutes } from './cost/cost-routes.ts';
import { exportRoutes } from './export/export-routes.ts';
import { shareRoutes } from './sharing/share-routes.ts';
import { ShareStore } from './sharing/share-store.ts';
import { templateRoutes } from './templates/template-routes.ts';
import { TemplateStore } from './templates/template-store.ts';

/** What the workspace needs from the rest of Tollgate. */
export interface WorkspaceDeps {
  store: Store;
  /** Teams, for team templates. */
  directory: Directory;
  catalog: PriceCatalog;
  budgets: BudgetService;
  /** Runs chat turns as the person through the gateway pipeline. */
  runner: ChatRunner;
  log: Logger;
  /** Base of share links (TOLLGATE_PUBLIC_URL); undefined: the address the request reached. */
  publicUrl: string | undefined;
  /** The cheap model that names conversations; default gpt-4o-mini. */
  titleModel?: string | undefined;
  /** Encrypts message text at rest; default none (plaintext). */
  cipher?: FieldCipher | undefined;
}

/**
 * The workspace API: conversations, their message trees and chat turns, search, templates, export,
 * share links, cost estimates and the model catalog (docs/workspace.md).
 * @example routes.push(...workspaceRoutes(deps));
 */
export function workspaceRoutes(deps: WorkspaceDeps): AnyRoute[] {
  const conversations = new ConversationStore(deps.store, deps.cipher ?? PLAINTEXT);
  return [
    ...conversationRoutes({ store: deps.store, conversations }),
    ...messageRoutes({ conversations, runner: deps.runner, titleModel: deps.titleModel ?? DEFAULT_TITLE_MODEL, log: deps.log }),
    ...costRoutes({ conversations, catalog: deps.catalog, budgets: deps.budgets }),
    ...exportRoutes({ conversations }),
    ...shareRoutes({ conversations, shares: new ShareStore(deps.store), publicUrl: deps.publicUrl }),
    ...templateRoutes({ templates: new TemplateStore(deps.store, deps.cipher ?? PLAINTEXT), directory: deps.directory }),
  ];
}

/**
 * Deletes temporary conversations 24 h after their last activity, hourly.
 * @returns the timer, for clearInterval at shutdown
 */
export function scheduleTemporaryCleanup(store: Store, log: Logger, maxIdleMs = 86_400_000): NodeJS.Timeout {
  const conversations = new ConversationStore(store);
  const timer = setInterval(() => {
    conversations.pruneTemporary(Date.now() - maxIdleMs).catch((err: unknown) => log.error({ err }, 'workspace: temporary conversations could not be pruned'));
  }, 3_600_000);
  timer.unref();
  return timer;
}
