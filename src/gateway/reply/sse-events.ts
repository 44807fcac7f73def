/** One SSE event inside a buffer: its bytes are [start, end); the next event starts at `next`. */
export interface EventRange {
  start: number;
  end: number;
  next: number;
}

/**
 * The complete events of a buffer of SSE text (events end with a blank line: `\n\n` or
 * `\r\n\r\n`), as byte ranges; what follows the last one is incomplete. Works on bytes: no decoding.
 */
export function eventBounds(buf: Buffer): EventRange[] {
  const out: EventRange[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const lf = buf.indexOf('\n\n', pos, 'latin1');
    const crlf = buf.indexOf('\r\n\r\n', pos, 'latin1');
    let end: number;
    let sep: number;
    if (lf === -1 && crlf === -1) break;
    if (crlf !== -1 && (lf === -1 || crlf < lf)) {
      end = crlf;
      sep = 4;
    } else {
      end = lf;
      sep = 2;
    }
    if (end > pos) out.push({ start: pos, end, next: end + sep });
    else if (out.length > 0) out[out.length - 1]!.next = end + sep; // an extra blank line belongs to the event before
    else out.push({ start: pos, end: pos, next: end + sep });
    pos = end + sep;
  }
  return out;
}

/**
 * The `data:` payload of an event (one data line; OpenAI sends one per event), as a byte range, or
 * undefined when the event has none (a comment, a keep-alive). A multi-line payload is returned whole
 * from its first `data:` to the event's end.
 */
export function payloadOf(buf: Buffer, range: EventRange): { start: number; end: number } | undefined {
  let at = range.start;
  for (;;) {
    const found = buf.indexOf('data:', at, 'latin1');
    if (found === -1 || found >= range.end) return undefined;
    if (found === range.start || buf[found - 1] === 0x0a) {
      let start = found + 5;
      if (buf[start] === 0x20) start++;
      let end = range.end;
      if (buf[end - 1] === 0x0d) end--;
      return { start, end };
    }
    at = found + 5;
  }
}
