export {
  countChatPromptTokens,
  countTextTokens,
  decodeTokens,
  encodeText,
  encodingNameForModel,
} from './tokenizer.ts';
export type {
  ChatContentPartLike,
  ChatMessageLike,
  ChatToolCallLike,
  EncodingName,
} from './tokenizer.ts';
