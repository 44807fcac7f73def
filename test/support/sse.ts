/** One server-sent event: its `event:` type (if any) and its `data:` payload. */
export interface SseMessage {
  event: string | undefined;
  data: string;
}

/**
 * Splits a complete SSE body into events, as the EventSource spec reads them: blocks separated by a
 * blank line, `data:` lines joined, one leading space removed, comment-only blocks dropped. The one
 * parser of the tests (simulator, gateway, conformance).
 */
export function parseSse(text: string): SseMessage[] {
  const messages: SseMessage[] = [];
  for (const block of text.replace(/\r\n/g, '\n').split('\n\n')) {
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trimStart();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (event !== undefined || data.length > 0) messages.push({ event, data: data.join('\n') });
  }
  return messages;
}

/** Reads a fetch Response to the end and parses it as SSE. */
export async function readSse(response: Response): Promise<SseMessage[]> {
  return parseSse(await response.text());
}
