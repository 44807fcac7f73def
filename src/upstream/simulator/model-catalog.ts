/**
 * The simulator's model table: which ids exist (every other id is answered
 * with OpenAI's 404 `model_not_found`), which dated snapshot an alias reports
 * in `model`, and per-model traits (endpoint kind, tokenizer encoding,
 * reasoning efforts, embedding width). Timestamps are approximate release dates.
 */
import type { Encoding } from './token-counter.ts';

/** Which endpoints a model serves. */
export type ModelKind = 'chat' | 'completion' | 'embedding' | 'moderation';

/** Reasoning efforts of the o-series (no `minimal`, no `none`). */
const O_SERIES_EFFORTS = ['low', 'medium', 'high'] as const;
/** Reasoning efforts of gpt-5, gpt-5-mini and gpt-5-nano. */
const GPT5_EFFORTS = ['minimal', 'low', 'medium', 'high'] as const;

/** One row of the catalog, as callers see it after defaults are applied. */
export interface CatalogModel {
  id: string;
  /** Unix seconds, reported as `created` by `/v1/models`. */
  created: number;
  /** The id responses report in `model`: the dated snapshot for aliases, else the id itself. */
  snapshot: string;
  kind: ModelKind;
  encoding: Encoding;
  /** Reasoning efforts the model accepts; empty for models that do not reason. */
  reasoningEfforts: readonly string[];
  /** Native vector width of embedding models (0 for the others). */
  embeddingDimensions: number;
}

/**
 * A model added to one simulator (`createSimulator({ models })`), e.g. a
 * made-up or self-hosted model name a test needs. Only `id` is required:
 * the rest default to an o200k_base chat model that does not reason.
 */
export interface ExtraModel {
  id: string;
  /** Reported in `model` instead of `id`. */
  snapshot?: string;
  kind?: ModelKind;
  encoding?: Encoding;
  /** Makes it a reasoning model accepting these efforts (e.g. ['low','medium','high']). */
  reasoningEfforts?: readonly string[];
  /** For `kind: 'embedding'`; defaults to 1536. */
  embeddingDimensions?: number;
  created?: number;
}

/** The `Model` object of OpenAI's API. */
export interface ModelObject {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

const OWNER = 'tollgate-simulator';
const DEFAULT_EMBEDDING_DIMENSIONS = 1536;

type Row = ExtraModel & { created: number };

/** A snapshot and its alias: the alias reports the snapshot. */
function pair(alias: string, aliasCreated: number, snapshot: string, snapshotCreated: number, traits: Omit<ExtraModel, 'id'> = {}): Row[] {
  return [
    { id: alias, created: aliasCreated, snapshot, ...traits },
    { id: snapshot, created: snapshotCreated, ...traits },
  ];
}

const CL100K = { encoding: 'cl100k_base' } as const;

const BUILT_IN: readonly Row[] = [
  ...pair('gpt-4o', 1715367049, 'gpt-4o-2024-08-06', 1722814719),
  { id: 'gpt-4o-2024-05-13', created: 1715368132 },
  { id: 'gpt-4o-2024-11-20', created: 1739331543 },
  ...pair('gpt-4o-mini', 1721172741, 'gpt-4o-mini-2024-07-18', 1721172717),
  { id: 'chatgpt-4o-latest', created: 1723515131 },
  ...pair('gpt-4.1', 1744316542, 'gpt-4.1-2025-04-14', 1744315746),
  ...pair('gpt-4.1-mini', 1744318173, 'gpt-4.1-mini-2025-04-14', 1744317547),
  ...pair('gpt-4.1-nano', 1744321707, 'gpt-4.1-nano-2025-04-14', 1744321025),
  ...pair('o1', 1734375816, 'o1-2024-12-17', 1734326976, { reasoningEfforts: O_SERIES_EFFORTS }),
  ...pair('o3-mini', 1737146383, 'o3-mini-2025-01-31', 1738010200, { reasoningEfforts: O_SERIES_EFFORTS }),
  ...pair('o3', 1744225308, 'o3-2025-04-16', 1744133301, { reasoningEfforts: O_SERIES_EFFORTS }),
  ...pair('o4-mini', 1744225351, 'o4-mini-2025-04-16', 1744133506, { reasoningEfforts: O_SERIES_EFFORTS }),
  ...pair('gpt-5', 1754425777, 'gpt-5-2025-08-07', 1754425867, { reasoningEfforts: GPT5_EFFORTS }),
  ...pair('gpt-5-mini', 1754425928, 'gpt-5-mini-2025-08-07', 1754425867, { reasoningEfforts: GPT5_EFFORTS }),
  ...pair('gpt-5-nano', 1754426384, 'gpt-5-nano-2025-08-07', 1754426303, { reasoningEfforts: GPT5_EFFORTS }),
  { id: 'gpt-5-chat-latest', created: 1754073306 },
  ...pair('gpt-4-turbo', 1712361441, 'gpt-4-turbo-2024-04-09', 1712601677, CL100K),
  ...pair('gpt-4', 1687882411, 'gpt-4-0613', 1686588896, CL100K),
  ...pair('gpt-3.5-turbo', 1677610602, 'gpt-3.5-turbo-0125', 1706048358, CL100K),
  { id: 'gpt-3.5-turbo-instruct', created: 1692901427, kind: 'completion', ...CL100K },
  { id: 'davinci-002', created: 1692634301, kind: 'completion', ...CL100K },
  { id: 'babbage-002', created: 1692634615, kind: 'completion', ...CL100K },
  { id: 'text-embedding-3-small', created: 1705948997, kind: 'embedding', embeddingDimensions: 1536, ...CL100K },
  { id: 'text-embedding-3-large', created: 1705953180, kind: 'embedding', embeddingDimensions: 3072, ...CL100K },
  { id: 'text-embedding-ada-002', created: 1671217299, kind: 'embedding', embeddingDimensions: 1536, ...CL100K },
  { id: 'omni-moderation-latest', created: 1731689265, kind: 'moderation' },
  { id: 'omni-moderation-2024-09-26', created: 1732734466, kind: 'moderation' },
];

function complete(row: ExtraModel): CatalogModel {
  const kind = row.kind ?? 'chat';
  return {
    id: row.id,
    created: row.created ?? 1700000000,
    snapshot: row.snapshot ?? row.id,
    kind,
    encoding: row.encoding ?? 'o200k_base',
    reasoningEfforts: row.reasoningEfforts ?? [],
    embeddingDimensions: kind === 'embedding' ? row.embeddingDimensions ?? DEFAULT_EMBEDDING_DIMENSIONS : 0,
  };
}

/** The models one simulator serves. */
export interface ModelCatalog {
  /** The model with exactly this id (ids are case- and whitespace-sensitive, as at OpenAI). */
  find(id: string): CatalogModel | undefined;
  /** Every model as a `Model` object, in catalog order. */
  list(): readonly ModelObject[];
}

/** Builds the catalog of built-in models plus `extra` (an extra id replaces a built-in one). */
export function createModelCatalog(extra: readonly (string | ExtraModel)[] = []): ModelCatalog {
  const byId = new Map<string, CatalogModel>();
  for (const row of BUILT_IN) byId.set(row.id, complete(row));
  for (const entry of extra) {
    const row = typeof entry === 'string' ? { id: entry } : entry;
    byId.set(row.id, complete(row));
  }
  const objects: readonly ModelObject[] = [...byId.values()].map((m) => ({
    id: m.id,
    object: 'model',
    created: m.created,
    owned_by: OWNER,
  }));
  return {
    find: (id) => byId.get(id),
    list: () => objects,
  };
}

/** Whether the model reasons (bills hidden reasoning tokens, refuses `max_tokens`). */
export function isReasoningModel(model: CatalogModel): boolean {
  return model.reasoningEfforts.length > 0;
}

/** Whether `model` accepts a `dimensions` parameter (only the text-embedding-3 family does). */
export function supportsEmbeddingDimensions(model: CatalogModel): boolean {
  return model.id.startsWith('text-embedding-3');
}

/** A stable `system_fingerprint` ("fp_" + 10 hex digits) per model. */
export function systemFingerprintFor(model: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < model.length; i++) hash = Math.imul(hash ^ model.charCodeAt(i), 0x01000193) >>> 0;
  return `fp_${hash.toString(16).padStart(8, '0')}${(model.length & 0xff).toString(16).padStart(2, '0')}`;
}
