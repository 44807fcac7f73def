/// <reference lib="webworker" />
import { encodingNameForModel, loadEncoder, PromptCounter, REPLY_PRIMING_TOKENS, type EncodingName } from './prompt-tokens.ts';

/** Messages the page sends to the worker. */
export type TokenWorkerRequest =
  | { type: 'history'; version: number; model: string; messages: { id: string; role: string; content: string }[] }
  | { type: 'draft'; seq: number; version: number; model: string; draft: string };

/** The worker's answer to a draft. */
export interface TokenWorkerResult {
  seq: number;
  historyTokens: number;
  draftTokens: number;
  /** The whole prompt the gateway will count: history, the draft as a user message, reply priming. */
  promptTokens: number;
  ms: number;
}

const counters = new Map<EncodingName, Promise<PromptCounter>>();
const perMessage = new Map<string, number>();
let history: { version: number; model: string; messages: { id: string; role: string; content: string }[] } = { version: -1, model: '', messages: [] };
let historyTotal: { key: string; tokens: number } | null = null;

function counterFor(model: string): Promise<PromptCounter> {
  const name = encodingNameForModel(model);
  let c = counters.get(name);
  if (!c) {
    c = loadEncoder(name).then((e) => new PromptCounter(e));
    counters.set(name, c);
  }
  return c;
}

async function historyTokens(model: string): Promise<number> {
  const name = encodingNameForModel(model);
  const key = `${name}:${history.version}`;
  if (historyTotal?.key === key) return historyTotal.tokens;
  const counter = await counterFor(model);
  let total = 0;
  for (const m of history.messages) {
    const id = `${name}:${m.id}`;
    let n = perMessage.get(id);
    if (n === undefined) {
      n = counter.countMessage(m);
      perMessage.set(id, n);
    }
    total += n;
  }
  historyTotal = { key, tokens: total };
  return total;
}

self.onmessage = async (e: MessageEvent<TokenWorkerRequest>) => {
  const msg = e.data;
  if (msg.type === 'history') {
    history = { version: msg.version, model: msg.model, messages: msg.messages };
    historyTotal = null;
    return;
  }
  const started = performance.now();
  const counter = await counterFor(msg.model);
  const hist = await historyTokens(msg.model);
  const draftTokens = msg.draft ? counter.countText(msg.draft) : 0;
  const draftMessage = msg.draft ? counter.countMessage({ role: 'user', content: '' }) + draftTokens : 0;
  const result: TokenWorkerResult = {
    seq: msg.seq,
    historyTokens: hist,
    draftTokens,
    promptTokens: hist + draftMessage + REPLY_PRIMING_TOKENS,
    ms: performance.now() - started,
  };
  (self as unknown as Worker).postMessage(result);
};
