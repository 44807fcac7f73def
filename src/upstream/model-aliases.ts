import { modelAliasesSchema } from '../config/index.ts';

export { modelAliasesSchema };

/**
 * Model aliases: names clients may use for a model. An alias resolves in one step (no chains, so a
 * cycle cannot exist) and may not shadow the model it names.
 * @example const aliases = new ModelAliases({ fast: 'gpt-4o-mini' }); aliases.resolve('fast') === 'gpt-4o-mini'
 */
export class ModelAliases {
  private readonly map: ReadonlyMap<string, string>;

  constructor(input: unknown) {
    const parsed = modelAliasesSchema.parse(input);
    for (const [alias, model] of Object.entries(parsed)) {
      if (alias === model) throw new RangeError(`alias '${alias}' names itself`);
      if (Object.hasOwn(parsed, model)) throw new RangeError(`alias '${alias}' names another alias '${model}'; aliases resolve in one step`);
    }
    this.map = new Map(Object.entries(parsed));
  }

  /** The model an alias stands for, or the name itself when it is no alias. */
  resolve(model: string): string {
    return this.map.get(model) ?? model;
  }

  isAlias(model: string): boolean {
    return this.map.has(model);
  }

  entries(): [string, string][] {
    return [...this.map];
  }
}
