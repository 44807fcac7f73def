import { useEffect, useRef, useState } from 'react';
import type { TokenWorkerRequest, TokenWorkerResult } from './token-worker.ts';

let worker: Worker | null = null;
const listeners = new Set<(r: TokenWorkerResult) => void>();
let historyVersion = 0;

function getWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL('./token-worker.ts', import.meta.url), { type: 'module', name: 'token-counter' });
    worker.onmessage = (e: MessageEvent<TokenWorkerResult>) => {
      for (const l of listeners) l(e.data);
    };
  }
  return worker;
}

export interface TokenCount extends TokenWorkerResult {
  /** The draft this count belongs to (the counter may lag a keystroke behind). */
  draft: string;
}

/**
 * Counts, off the main thread, the prompt the gateway will count for sending `draft` after
 * `history` to `model`. History is sent to the worker once per change; each keystroke sends only
 * the draft, and the worker recounts only the paragraph that changed.
 */
export function useTokenCount(model: string, history: { id: string; role: string; content: string }[], draft: string): TokenCount | null {
  const [result, setResult] = useState<TokenCount | null>(null);
  const seq = useRef(0);
  const drafts = useRef(new Map<number, string>());
  const version = useRef(-1);

  useEffect(() => {
    const listener = (r: TokenWorkerResult) => {
      const d = drafts.current.get(r.seq);
      if (d === undefined) return;
      for (const k of drafts.current.keys()) if (k <= r.seq) drafts.current.delete(k);
      setResult({ ...r, draft: d });
    };
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }, []);

  // Nothing to count yet: the worker (and its encoding, about 1 MB) loads only once there is.
  const idle = history.length === 0 && draft === '';

  useEffect(() => {
    if (idle && worker === null) return;
    version.current = ++historyVersion;
    const msg: TokenWorkerRequest = { type: 'history', version: version.current, model, messages: history };
    getWorker().postMessage(msg);
  }, [model, history, idle]);

  useEffect(() => {
    if (idle) return;
    const s = ++seq.current;
    drafts.current.set(s, draft);
    const msg: TokenWorkerRequest = { type: 'draft', seq: s, version: version.current, model, draft };
    getWorker().postMessage(msg);
  }, [model, history, draft, idle]);

  if (idle) return { seq: 0, historyTokens: 0, draftTokens: 0, promptTokens: 0, ms: 0, draft: '' };
  return result;
}
