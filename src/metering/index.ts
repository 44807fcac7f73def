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
export { countChatRequestTokens, countToolTokens } from './tokenizer.ts';
export type { ChatRequestLike } from './tokenizer.ts';
export {
  countImageTokens,
  imageCostRuleFor,
  imageSizeFromDataUrl,
  imageTokensForSize,
  readImageSize,
  UNKNOWN_IMAGE_SIZE,
} from './image-tokens.ts';
export type { ImageCostRule, ImageInputLike, ImageSize } from './image-tokens.ts';
export {
  COMPLETIONS_DEFAULT_MAX_TOKENS,
  countCompletionText,
  estimatePromptTokens,
  maxOutputTokensOf,
} from './token-estimate.ts';
export type { EstimateEndpoint } from './token-estimate.ts';
export { formatPricePerMillion, formatUsd, parseUsd, type Nanos } from '../money/index.ts';
