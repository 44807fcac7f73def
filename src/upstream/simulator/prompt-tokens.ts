/**
 * The prompt as the simulated model sees it: tool definitions, then each
 * message, rendered into one token sequence whose length is the billed
 * `prompt_tokens` and whose prefix decides prompt-cache hits.
 *
 * Counting follows OpenAI's published method (cookbook "How to count tokens
 * with tiktoken"): 3 framing tokens per message, the tokens of every string
 * field (role, content, name, tool_call_id …), 1 more for a `name`, 3 to
 * prime the reply; tool definitions per its `num_tokens_for_tools`, applied to
 * nested object properties too. Framing tokens are placeholders (negative
 * ids): they count, and they only need to be equal for equal prompts.
 */
import { encodeText, type Encoding } from './token-counter.ts';
import { hashString } from './reply-generator.ts';

/** A chat message as far as the prompt is concerned. */
export interface PromptMessage {
  role?: unknown;
  content?: unknown;
  [key: string]: unknown;
}

const FRAME = -1;
const TOKENS_PER_MESSAGE = 3;
const REPLY_PRIMING = 3;

/** Framing of function definitions, per encoding (cookbook constants). */
const TOOL_FRAMING: Record<Encoding, { funcInit: number; propInit: number; propKey: number; enumInit: number; enumItem: number; funcEnd: number }> = {
  o200k_base: { funcInit: 7, propInit: 3, propKey: 3, enumInit: -3, enumItem: 3, funcEnd: 12 },
  cl100k_base: { funcInit: 10, propInit: 3, propKey: 3, enumInit: -3, enumItem: 3, funcEnd: 12 },
};

/**
 * Image inputs: the simulator never fetches images, so every image is taken
 * to be 1024×1024: with `detail: "low"` the base cost, otherwise base plus 4
 * tiles (the 768×768 scaled image is 2×2 tiles of 512px).
 */
const IMAGE_TILES = 4;

function imageCost(model: string): { base: number; tile: number } {
  return model.startsWith('gpt-4o-mini') ? { base: 2833, tile: 5667 } : { base: 85, tile: 170 };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Builds one prompt's token sequence. */
class PromptWriter {
  readonly tokens: number[] = [];

  constructor(readonly encoding: Encoding, readonly model: string) {}

  text(value: string): void {
    for (const token of encodeText(value, this.encoding)) this.tokens.push(token);
  }

  frame(count: number): void {
    for (let i = 0; i < count; i++) this.tokens.push(FRAME);
  }

  image(part: Record<string, unknown>): void {
    const source = isRecord(part['image_url']) ? part['image_url'] : part;
    const url = typeof source['url'] === 'string' ? source['url'] : typeof part['image_url'] === 'string' ? part['image_url'] : String(part['file_id'] ?? '');
    const cost = imageCost(this.model);
    const count = source['detail'] === 'low' || part['detail'] === 'low' ? cost.base : cost.base + IMAGE_TILES * cost.tile;
    // Equal images give equal tokens, so a repeated image can be a cached prefix.
    const id = -2 - (hashString(url) % 1_000_000);
    for (let i = 0; i < count; i++) this.tokens.push(id);
  }

  content(content: unknown): void {
    if (typeof content === 'string') {
      this.text(content);
      return;
    }
    if (!Array.isArray(content)) return;
    for (const part of content) {
      if (typeof part === 'string') this.text(part);
      else if (!isRecord(part)) continue;
      else if (typeof part['text'] === 'string') this.text(part['text']);
      else if (typeof part['refusal'] === 'string') this.text(part['refusal']);
      else if (part['type'] === 'image_url' || part['type'] === 'input_image') this.image(part);
    }
  }

  call(fn: unknown): void {
    if (!isRecord(fn)) return;
    if (typeof fn['name'] === 'string') this.text(fn['name']);
    if (typeof fn['arguments'] === 'string') this.text(fn['arguments']);
  }

  message(message: PromptMessage): void {
    this.frame(TOKENS_PER_MESSAGE);
    for (const [key, value] of Object.entries(message)) {
      if (key === 'content') this.content(value);
      else if (key === 'tool_calls' && Array.isArray(value)) {
        for (const call of value) if (isRecord(call)) this.call(call['function']);
      } else if (key === 'function_call') this.call(value);
      else if (typeof value === 'string') {
        this.text(value);
        if (key === 'name') this.frame(1);
      }
    }
  }
}

/** The function definition of a tool entry (chat `{type, function}` or flat Responses shape). */
export function functionOf(tool: unknown): Record<string, unknown> | undefined {
  if (!isRecord(tool)) return undefined;
  if (tool['type'] === 'function' && isRecord(tool['function'])) return tool['function'];
  if (tool['type'] === 'function' && typeof tool['name'] === 'string') return tool;
  return undefined;
}

const withoutFinalPeriod = (text: string): string => (text.endsWith('.') ? text.slice(0, -1) : text);
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

function writeProperties(writer: PromptWriter, properties: unknown, depth: number): number {
  if (!isRecord(properties) || depth > 8) return 0;
  const framing = TOOL_FRAMING[writer.encoding];
  const keys = Object.keys(properties);
  if (keys.length === 0) return 0;
  let frames = framing.propInit;
  for (const key of keys) {
    const property = isRecord(properties[key]) ? properties[key] : {};
    frames += framing.propKey;
    const values = property['enum'];
    if (Array.isArray(values)) {
      frames += framing.enumInit;
      for (const value of values) {
        frames += framing.enumItem;
        writer.text(typeof value === 'string' ? value : JSON.stringify(value));
      }
    }
    const type = Array.isArray(property['type']) ? property['type'].join(' | ') : str(property['type']);
    writer.text(`${key}:${type}:${withoutFinalPeriod(str(property['description']))}`);
    frames += writeProperties(writer, property['properties'], depth + 1);
    if (isRecord(property['items'])) frames += writeProperties(writer, property['items']['properties'], depth + 1);
  }
  return frames;
}

function writeTools(writer: PromptWriter, tools: readonly unknown[]): void {
  const framing = TOOL_FRAMING[writer.encoding];
  let frames = 0;
  let functions = 0;
  for (const tool of tools) {
    const fn = functionOf(tool);
    if (fn === undefined) continue;
    functions++;
    frames += framing.funcInit;
    writer.text(`${str(fn['name'])}:${withoutFinalPeriod(str(fn['description']))}`);
    if (isRecord(fn['parameters'])) frames += writeProperties(writer, fn['parameters']['properties'], 0);
  }
  if (functions > 0) writer.frame(Math.max(0, frames + framing.funcEnd));
}

/**
 * The token sequence of a prompt: tool definitions first (the model sees
 * them in its system header), then the messages, then the reply priming.
 */
export function promptTokenSequence(messages: readonly PromptMessage[], tools: readonly unknown[], encoding: Encoding, model: string): number[] {
  const writer = new PromptWriter(encoding, model);
  writeTools(writer, tools);
  for (const message of messages) if (isRecord(message)) writer.message(message);
  writer.frame(REPLY_PRIMING);
  return writer.tokens;
}
