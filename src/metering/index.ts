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
export { PricePerMillion, UsdAmount } from './money-schema.ts';
export { UsageLedger } from './ledger.ts';
export { Meter, type MeteringState } from './meter.ts';
export { refuseMeteringOffWithBudgets } from './metering-off-guard.ts';
export { UnpricedModels } from './unpriced-models.ts';
export { placeUnplacedRows, type KeyPlacementLookup } from './unplaced-rows.ts';
export { readUsage, type TokenUsage } from './usage-record.ts';
export { usageRoutes } from './usage-routes.ts';
export { pruneOrgUsage, pruneTeamUsage, pseudonymizeUsage, usageOfUser } from './usage-subject.ts';
