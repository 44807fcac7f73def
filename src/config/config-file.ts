import { readFileSync } from 'node:fs';
import { isMap, isScalar, LineCounter, parseDocument, type Node } from 'yaml';
import { ConfigError } from './config-error.ts';

/** tollgate.yaml as read: its settings as plain data, and where each one is written. */
export interface ConfigFile {
  /** The file's absolute path. */
  path: string;
  /** The top-level mapping (empty for an empty file). */
  data: Record<string, unknown>;
  /** The 1-based line of the key at `path` (e.g. `['server', 'port']`), if the file has it. */
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

/**
 * Reads and parses a configuration file. Syntax errors, duplicate keys and a top level that is not
 * a mapping are ConfigErrors naming the file and line; messages never quote the file's text (it may
 * hold a secret by mistake).
 * @example const file = readConfigFile('/etc/tollgate/tollgate.yaml'); file.lineOf(['server', 'port']) // 3
 */
export function readConfigFile(path: string, label = path): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`invalid configuration:\n  ${label}: ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const lines = new LineCounter();
  // uniqueKeys: a key written twice is an error, not "the last one wins"; prettyErrors off: no excerpts of the text.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => lines.linePos(offset).line;
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => `  ${path}, line ${at(e.pos[0])}: ${e.message.split('\n')[0]}`);
    throw new ConfigError(`invalid configuration:\n${issues.join('\n')}`);
  }
  const contents = doc.contents;
  if (contents !== null && !(isScalar(contents) && contents.value === null) && !isMap(contents)) {
    throw new ConfigError(`invalid configuration:\n  ${path}: must be a mapping of settings (server:, http:, store:, …)`);
  }
  const data = (isMap(contents) ? doc.toJS({ maxAliasCount: 100 }) : {}) as Record<string, unknown>;
  return {
    path,
    data,
    lineOf(keys) {
      let node: unknown = contents;
      let line: number | undefined;
      for (const key of keys) {
        if (!isMap(node)) return line;
        const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
        if (!pair) return line;
        const range = (pair.key as Node | null)?.range;
        line = range ? at(range[0]) : line;
        node = pair.value;
      }
      return line;
    },
  };
}
