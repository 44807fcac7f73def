export { workspaceRoutes, scheduleTemporaryCleanup, type WorkspaceDeps } from './workspace-routes.ts';
export type { ChatPrincipal, ChatRunEnd, ChatRunEvent, ChatRunMessage, ChatRunner, ChatRunRequest } from './chat/chat-runner.ts';
export { PipelineChatRunner, type GatewayChatCall, type GatewayCallOutcome } from './chat/pipeline-chat-runner.ts';
export { WorkspaceKeys, WORKSPACE_KEY_NAME, type WorkspaceKeysOptions } from './chat/workspace-keys.ts';
export { searchConversations, type SearchHit } from './search/conversation-search.ts';
export { renderTemplate, checkTemplateVariables, placeholdersOf } from './templates/template-render.ts';
export { MAX_MESSAGE_CHARS } from './conversation-input.ts';
