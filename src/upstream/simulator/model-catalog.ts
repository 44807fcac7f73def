/**
 * The simulator's model table: which ids `/v1/models` lists, which snapshot
 * an alias resolves to in responses, and per-model traits (embedding width,
 * reasoning). Timestamps are approximate release dates.
 */

/** One row of the catalog. */
export interface CatalogModel {
  id: string;
  /** Unix seconds, reported as `created` by `/v1/models`. */
  created: number;
  /** Snapshot id reported in completions for this alias. */
  snapshot?: string;
  /** Native vector width of embedding models. */
  embeddingDimensions?: number;
}

/** The `Model` object of OpenAI's API. */
export interface ModelObject {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

const OWNER = 'tollgate-simulator';

const CATALOG: readonly CatalogModel[] = [
  { id: 'gpt-4o', created: 1715367049, snapshot: 'gpt-4o-2024-08-06' },
  { id: 'gpt-4o-2024-08-06', created: 1722814719 },
  { id: 'gpt-4o-mini', created: 1721172741, snapshot: 'gpt-4o-mini-2024-07-18' },
  { id: 'gpt-4o-mini-2024-07-18', created: 1721172717 },
  { id: 'gpt-4.1', created: 1744316542, snapshot: 'gpt-4.1-2025-04-14' },
  { id: 'gpt-4.1-2025-04-14', created: 1744315746 },
  { id: 'gpt-4.1-mini', created: 1744318173, snapshot: 'gpt-4.1-mini-2025-04-14' },
  { id: 'gpt-4.1-mini-2025-04-14', created: 1744317547 },
  { id: 'gpt-4.1-nano', created: 1744321707, snapshot: 'gpt-4.1-nano-2025-04-14' },
  { id: 'gpt-4.1-nano-2025-04-14', created: 1744321025 },
  { id: 'o3', created: 1744225308, snapshot: 'o3-2025-04-16' },
  { id: 'o3-2025-04-16', created: 1744133301 },
  { id: 'o4-mini', created: 1744225351, snapshot: 'o4-mini-2025-04-16' },
  { id: 'o4-mini-2025-04-16', created: 1744133506 },
  { id: 'gpt-5', created: 1754425777, snapshot: 'gpt-5-2025-08-07' },
  { id: 'gpt-5-2025-08-07', created: 1754425867 },
  { id: 'gpt-5-mini', created: 1754425928, snapshot: 'gpt-5-mini-2025-08-07' },
  { id: 'gpt-5-mini-2025-08-07', created: 1754425867 },
  { id: 'gpt-3.5-turbo', created: 1677610602, snapshot: 'gpt-3.5-turbo-0125' },
  { id: 'gpt-3.5-turbo-0125', created: 1706048358 },
  { id: 'gpt-3.5-turbo-instruct', created: 1692901427 },
  { id: 'gpt-4', created: 1687882411, snapshot: 'gpt-4-0613' },
  { id: 'gpt-4-0613', created: 1686588896 },
  { id: 'text-embedding-3-small', created: 1705948997, embeddingDimensions: 1536 },
  { id: 'text-embedding-3-large', created: 1705953180, embeddingDimensions: 3072 },
  { id: 'text-embedding-ada-002', created: 1671217299, embeddingDimensions: 1536 },
  { id: 'omni-moderation-latest', created: 1731689265 },
];

const BY_ID = new Map(CATALOG.map((m) => [m.id, m]));

const MODEL_OBJECTS: readonly ModelObject[] = CATALOG.map((m) => ({
  id: m.id,
  object: 'model',
  created: m.created,
  owned_by: OWNER,
}));

/** Embedding width used for embedding models missing from the catalog. */
export const DEFAULT_EMBEDDING_DIMENSIONS = 1536;

/** Looks a model up by exact id. */
export function findModel(id: string): CatalogModel | undefined {
  return BY_ID.get(id);
}

/** Every catalog model as a `Model` object, in catalog order. */
export function listModelObjects(): readonly ModelObject[] {
  return MODEL_OBJECTS;
}

/** The `Model` object for one id, or undefined when unknown. */
export function modelObject(id: string): ModelObject | undefined {
  return MODEL_OBJECTS.find((m) => m.id === id);
}

/** The id a response reports: the pinned snapshot for known aliases, else the request's id. */
export function resolveModelSnapshot(model: string): string {
  return BY_ID.get(model)?.snapshot ?? model;
}

/** Native embedding width for `model`. */
export function embeddingDimensionsFor(model: string): number {
  return BY_ID.get(model)?.embeddingDimensions ?? DEFAULT_EMBEDDING_DIMENSIONS;
}

/** Whether `model` accepts a `dimensions` parameter (only the text-embedding-3 family does). */
export function supportsEmbeddingDimensions(model: string): boolean {
  return model.startsWith('text-embedding-3');
}

/**
 * Whether `model` is a reasoning model (o-series, gpt-5 except its chat
 * variants): those bill hidden reasoning tokens as completion tokens.
 */
export function isReasoningModel(model: string): boolean {
  let name = model.toLowerCase();
  if (name.startsWith('ft:')) name = name.slice(3);
  if (/^o\d/.test(name)) return true;
  return name.startsWith('gpt-5') && !name.includes('-chat');
}

/** A stable `system_fingerprint` ("fp_" + 10 hex digits) per model. */
export function systemFingerprintFor(model: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < model.length; i++) hash = Math.imul(hash ^ model.charCodeAt(i), 0x01000193) >>> 0;
  return `fp_${hash.toString(16).padStart(8, '0')}${(model.length & 0xff).toString(16).padStart(2, '0')}`;
}
