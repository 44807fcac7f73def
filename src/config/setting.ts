import { z } from 'zod';

/** What the schema says about one setting besides its type: how the environment names it, whether it is a secret. */
export interface SettingMeta {
  /** The environment variable that overrides the file (and the default). */
  env: string;
  /**
   * `value`: never printed, and in tollgate.yaml given only by reference (`{ env: NAME }` or
   * `{ file: PATH }`). `url`: a URL whose password is never printed, and which tollgate.yaml gives
   * inline only when it holds no password.
   */
  secret?: 'value' | 'url';
}

/** The registry the schema's settings are described in (see {@link setting}). */
export const settingMeta = z.registry<SettingMeta>();

/**
 * Marks a schema as a setting: a leaf of the configuration with its environment variable.
 * @example const port = setting(z.number().int().default(8080), { env: 'PORT' });
 */
export function setting<S extends z.ZodType>(schema: S, meta: SettingMeta): S {
  settingMeta.add(schema, meta);
  return schema;
}

/**
 * Environment variables are text: a string given for a number is read as one (`'lots'` becomes NaN
 * and fails as before). A blank string is NaN too, not `Number('')`'s 0: `port: ""` in the file
 * must not mean "any free port".
 */
export const fromText = (v: unknown): unknown => (typeof v === 'string' ? (v.trim() === '' ? Number.NaN : Number(v)) : v);

/** `on`/`off` (the environment's spelling) or a YAML boolean. */
export const onOffText = (v: unknown): unknown => (v === 'on' ? true : v === 'off' ? false : v);

/** One setting of a schema: where it sits, its schema and its description. */
export interface SettingLeaf {
  /** e.g. `['http', 'body_limit_bytes']` */
  path: readonly string[];
  /** e.g. `http.body_limit_bytes` */
  name: string;
  schema: z.ZodType;
  meta: SettingMeta;
}

/** Every setting of an object schema of groups, in declaration order (groups are objects, possibly with a prefault). */
export function settingLeaves(shape: z.ZodObject, prefix: readonly string[] = []): SettingLeaf[] {
  const leaves: SettingLeaf[] = [];
  for (const [key, child] of Object.entries(shape.shape) as [string, z.ZodType][]) {
    const path = [...prefix, key];
    const meta = settingMeta.get(child);
    if (meta) {
      leaves.push({ path, name: path.join('.'), schema: child, meta });
      continue;
    }
    const group = child instanceof z.ZodPrefault ? child.unwrap() : child;
    if (!(group instanceof z.ZodObject)) throw new Error(`configuration schema: ${path.join('.')} is neither a setting nor a group`);
    leaves.push(...settingLeaves(group, path));
  }
  return leaves;
}

/** The object schema of a group at `path` (for listing its known keys), if there is one. */
export function groupAt(shape: z.ZodObject, path: readonly PropertyKey[]): z.ZodObject | undefined {
  let current: z.ZodObject = shape;
  for (const key of path) {
    let child = current.shape[String(key)] as z.ZodType | undefined;
    if (child instanceof z.ZodPrefault) child = child.unwrap() as z.ZodType;
    if (!(child instanceof z.ZodObject)) return undefined;
    current = child;
  }
  return current;
}
