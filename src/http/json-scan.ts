const BACKSLASH = 0x5c;

// What each ASCII character means to the scan; 0 (digits, letters, spaces…) is skipped at once.
const QUOTE = 1;
const OPEN_OBJECT = 2;
const OPEN_ARRAY = 3;
const CLOSE = 4;
const COMMA = 5;
const COLON = 6;
const CLASS = new Uint8Array(128);
CLASS[0x22] = QUOTE;
CLASS[0x7b] = OPEN_OBJECT;
CLASS[0x5b] = OPEN_ARRAY;
CLASS[0x7d] = CLOSE;
CLASS[0x5d] = CLOSE;
CLASS[0x2c] = COMMA;
CLASS[0x3a] = COLON;

/** Past this many keys an object's keys are looked up in a Set instead of compared one by one. */
const LINEAR_KEYS = 16;

/** Deepest nesting of objects and arrays accepted; deeper bodies would overflow recursive code (JSON.stringify). */
export const MAX_JSON_DEPTH = 128;

/** What is wrong with a JSON text's structure; paths are in OpenAI's notation (`messages[0].role`). */
export type JsonStructureProblem =
  | { problem: 'duplicate_key'; key: string; path: string }
  | { problem: 'too_deep'; path: string };

interface Frame {
  isObject: boolean;
  /** Object: start of its keys in the shared key list. */
  keysFrom: number;
  /** Object with many keys: its keys as a Set. */
  keySet: Set<string> | undefined;
  /** Object: the key whose value is being read. */
  key: string;
  /** Array: the index of the element being read. */
  index: number;
  expectKey: boolean;
}

/**
 * Finds the first key that appears twice in one object of a JSON text, or nesting deeper than
 * `maxDepth`; undefined when there is neither. `text` must be valid JSON (call it after JSON.parse
 * succeeded): the scan checks only structure. One pass; string contents are skipped with indexOf,
 * keys are compared decoded (`"mo\u0064el"` is `model`), and an object's keys are compared in a list
 * shared by all objects (a Set past 16 keys), so ordinary bodies allocate little.
 * @example scanJson('{"model":"a","model":"b"}') // { problem: 'duplicate_key', key: 'model', path: 'model' }
 */
export function scanJson(text: string, maxDepth: number = MAX_JSON_DEPTH): JsonStructureProblem | undefined {
  const frames: Frame[] = [];
  const keys: string[] = [];
  let top: Frame | undefined;
  const n = text.length;
  // Where the next '{' is, found when an array opens: when none follows, the array holds no keys
  // and is skipped whole with native searches (token arrays of embeddings and completions).
  let nextObject = -1;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const kind = c < 128 ? CLASS[c]! : 0;
    if (kind === 0) {
      i++;
      continue;
    }
    if (kind === QUOTE) {
      const end = stringEnd(text, i);
      if (top !== undefined && top.expectKey) {
        let key = text.slice(i + 1, end);
        if (key.includes('\\')) key = JSON.parse(text.slice(i, end + 1)) as string;
        if (seen(top, keys, key)) return { problem: 'duplicate_key', key, path: pathOf(frames, key) };
        top.key = key;
        top.expectKey = false;
      }
      i = end + 1;
      continue;
    }
    if (kind === OPEN_ARRAY) {
      if (nextObject < i) {
        nextObject = text.indexOf('{', i);
        if (nextObject === -1) nextObject = n;
      }
      if (nextObject === n) {
        i = arrayEnd(text, i, maxDepth - frames.length);
        if (i === -1) return { problem: 'too_deep', path: pathTo(frames, frames.length) || 'body' };
        continue;
      }
    }
    if (kind === OPEN_OBJECT || kind === OPEN_ARRAY) {
      if (frames.length === maxDepth) return { problem: 'too_deep', path: pathTo(frames, frames.length) || 'body' };
      const isObject = kind === OPEN_OBJECT;
      top = { isObject, keysFrom: keys.length, keySet: undefined, key: '', index: 0, expectKey: isObject };
      frames.push(top);
    } else if (kind === CLOSE) {
      const done = frames.pop()!;
      if (done.isObject) keys.length = done.keysFrom;
      top = frames[frames.length - 1];
    } else if (kind === COMMA) {
      if (top!.isObject) top!.expectKey = true;
      else top!.index++;
    } else {
      top!.expectKey = false;
    }
    i++;
  }
  return undefined;
}

/** Index of the quote that closes the string opening at `start` (skipping escaped quotes). */
function stringEnd(text: string, start: number): number {
  let j = text.indexOf('"', start + 1);
  for (;;) {
    let k = j - 1;
    while (text.charCodeAt(k) === BACKSLASH) k--;
    if ((j - 1 - k) % 2 === 0) return j;
    j = text.indexOf('"', j + 1);
  }
}

/**
 * Index just past the ']' that closes the array opening at `start`, for an array holding no object:
 * only brackets and strings (which may hold brackets) matter, found with native indexOf searches.
 * -1 when arrays nest deeper than `depthLeft` inside it.
 */
function arrayEnd(text: string, start: number, depthLeft: number): number {
  const next = (ch: string, from: number) => {
    const at = text.indexOf(ch, from);
    return at === -1 ? text.length : at;
  };
  let depth = 0;
  let quote = next('"', start);
  let open = next('[', start);
  let close = next(']', start);
  for (;;) {
    if (quote < open && quote < close) {
      const after = stringEnd(text, quote) + 1;
      quote = next('"', after);
      if (open < after) open = next('[', after);
      if (close < after) close = next(']', after);
    } else if (open < close) {
      if (++depth > depthLeft) return -1;
      open = next('[', open + 1);
    } else {
      depth--;
      if (depth === 0) return close + 1;
      close = next(']', close + 1);
    }
  }
}

/** Records `key` in the object `frame`; true when the object already had it. */
function seen(frame: Frame, keys: string[], key: string): boolean {
  if (frame.keySet !== undefined) {
    if (frame.keySet.has(key)) return true;
    frame.keySet.add(key);
    return false;
  }
  for (let k = frame.keysFrom; k < keys.length; k++) if (keys[k] === key) return true;
  keys.push(key);
  if (keys.length - frame.keysFrom > LINEAR_KEYS) {
    frame.keySet = new Set(keys.slice(frame.keysFrom));
    keys.length = frame.keysFrom;
  }
  return false;
}

/** The path to `key` in the innermost frame. */
function pathOf(frames: readonly Frame[], key: string): string {
  const path = pathTo(frames, frames.length - 1);
  return path === '' ? key : `${path}.${key}`;
}

/** The path to what the first `count` frames are reading (`body` for the top level). */
function pathTo(frames: readonly Frame[], count: number): string {
  let path = '';
  for (let f = 0; f < count; f++) {
    const frame = frames[f]!;
    path += !frame.isObject ? `[${frame.index}]` : path === '' ? frame.key : `.${frame.key}`;
  }
  return path;
}
