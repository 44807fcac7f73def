/** Reads a whole SSE response into its events (`event` name, if any, and raw `data`). */
export async function readSse(res: Response): Promise<{ event: string | undefined; data: string }[]> {
  const text = await res.text();
  return parseSse(text);
}

export function parseSse(text: string): { event: string | undefined; data: string }[] {
  const events: { event: string | undefined; data: string }[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    if (!block.trim()) continue;
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    events.push({ event, data: data.join('\n') });
  }
  return events;
}
