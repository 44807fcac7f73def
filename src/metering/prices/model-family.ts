/**
 * Suffixes that name a snapshot of a model, tried in this order. Stripping one gives the next, less
 * specific id to look a price up under: `gpt-4o-audio-preview-2024-12-17` → `gpt-4o-audio-preview`.
 */
const SNAPSHOT_SUFFIXES: readonly RegExp[] = [/-\d{4}-\d{2}-\d{2}$/, /-\d{4}$/, /-preview$/];

const MAX_CHAIN = 8;

/**
 * The ids a model may be priced under, most specific first, in segments. A fine-tuned model
 * (`ft:<base>:<org>:<name>:<id>`) has two: its own id and `ft:<base family>` (fine-tuned prices), then
 * the base model's ids (standard prices, used only when no fine-tuned price exists). Other models have one.
 * @example modelKeyChain('gpt-4o-2024-08-06', new Map()) // [['gpt-4o-2024-08-06', 'gpt-4o']]
 */
export function modelKeyChain(model: string, aliases: ReadonlyMap<string, string>): string[][] {
  if (model.startsWith('ft:')) {
    const base = model.split(':')[1];
    if (base) {
      const baseChain = snapshotChain(base, aliases);
      const fineTuned = [model, ...baseChain.map((k) => `ft:${k}`)].filter((k, i, all) => all.indexOf(k) === i);
      return [fineTuned, baseChain];
    }
  }
  return [snapshotChain(model, aliases)];
}

/**
 * The first id in a model's key chain that has a price: its family.
 * @example resolveModelFamily('gpt-4o-2024-08-06', new Set(['gpt-4o'])) === 'gpt-4o'
 * @example resolveModelFamily('ft:gpt-4o-mini:acme::abc123', new Set(['gpt-4o-mini', 'ft:gpt-4o-mini'])) === 'ft:gpt-4o-mini'
 */
export function resolveModelFamily(
  model: string,
  known: { has(id: string): boolean },
  aliases: ReadonlyMap<string, string> = new Map(),
): string | undefined {
  for (const segment of modelKeyChain(model, aliases)) {
    for (const key of segment) if (known.has(key)) return key;
  }
  return undefined;
}

function snapshotChain(model: string, aliases: ReadonlyMap<string, string>): string[] {
  const chain: string[] = [];
  let current: string | undefined = model;
  while (current !== undefined && chain.length < MAX_CHAIN && !chain.includes(current)) {
    chain.push(current);
    current = aliases.get(current) ?? stripSnapshot(current);
  }
  return chain;
}

function stripSnapshot(id: string): string | undefined {
  for (const suffix of SNAPSHOT_SUFFIXES) {
    if (suffix.test(id)) {
      const stripped = id.replace(suffix, '');
      return stripped === '' ? undefined : stripped;
    }
  }
  return undefined;
}
