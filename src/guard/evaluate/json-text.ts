import { scanText } from '../detectors/pii-scan.ts';
import type { CompiledDirection } from '../policy/compile-policy.ts';

// The two-character escapes of a JSON string and what they stand for (`\uXXXX` is not read here).
const SIMPLE_ESCAPE = /\\(["\\/bfnrt])/g;
const DECODED: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const decode = (_: string, c: string) => DECODED[c]!;

/**
 * Whether a JSON document certainly holds nothing the direction's rules would act on, judged without
 * parsing it: true when the rules are built-in detectors only (no custom rule, injection rule or
 * moderation; not the phone detector, whose budget of checks depends on the length of what it reads)
 * and none of them finds anything in the whole JSON text with its string escapes decoded.
 *
 * Why that is enough: every string of the document then appears in that text as it is, between two
 * quotes, and a quote is a boundary to every built-in detector as the start or end of a text is; none
 * of their matches can run across a quote into a string, and a detector match that starts outside a
 * string and is refused cannot swallow one inside it. So a finding in any string would be a finding
 * in the whole text. The converse does not hold (an id or a key may look like something), and then the
 * caller parses and checks each string as before. A document with `\u` escapes is never judged clean
 * here: decoding those is the parser's job.
 */
export function jsonTextIsClean(dir: CompiledDirection, json: string): boolean {
  if (!dir.jsonWhole) return false;
  let text = json;
  if (json.includes('\\')) {
    if (json.includes('\\u')) return false;
    text = json.replace(SIMPLE_ESCAPE, decode);
  }
  return scanText(text, dir.detectors).length === 0;
}
