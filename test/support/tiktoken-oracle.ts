/**
 * An independent source of token counts for tests: OpenAI's own tokenizer
 * (the `tiktoken` package, Rust compiled to WebAssembly, with the encodings
 * bundled: nothing is downloaded) and its own table of which model uses
 * which encoding, plus the counting recipe of OpenAI's cookbook ("How to
 * count tokens with tiktoken"), written here from the cookbook's description.
 *
 * It shares no code with Tollgate's tokenizer (src/metering) or the
 * simulator's (src/upstream/simulator), so a counting error in either shows
 * up as a difference from these numbers.
 */
import { encoding_for_model, get_encoding, type Tiktoken, type TiktokenEncoding, type TiktokenModel } from 'tiktoken';

const encoders = new Map<string, Tiktoken>();

/** The encoding OpenAI's tokenizer assigns to `model` (its own model table). */
export function oracleEncoding(model: string): Tiktoken {
  let encoder = encoders.get(model);
  if (encoder === undefined) {
    try {
      encoder = encoding_for_model(model as TiktokenModel);
    } catch {
      // Models newer than the table (and the moderation models) use o200k_base.
      encoder = get_encoding('o200k_base' as TiktokenEncoding);
    }
    encoders.set(model, encoder);
  }
  return encoder;
}

/** Tokens of `text` for `model`; special-token markup counts as plain text, as in API prompts. */
export function oracleTextTokens(text: string, model: string): number {
  return oracleEncoding(model).encode_ordinary(text).length;
}

/** A chat message of the cookbook's kind: string values only. */
export type OracleMessage = Record<string, string>;

/** The cookbook's `num_tokens_from_messages` for gpt-3.5-turbo-0613 and later. */
export function oracleMessageTokens(messages: readonly OracleMessage[], model: string): number {
  const tokensPerMessage = 3;
  const tokensPerName = 1;
  let total = 0;
  for (const message of messages) {
    total += tokensPerMessage;
    for (const [key, value] of Object.entries(message)) {
      total += oracleTextTokens(value, model);
      if (key === 'name') total += tokensPerName;
    }
  }
  return total + 3; // every reply is primed with <|start|>assistant<|message|>
}

/** A function tool as the cookbook counts it. */
export interface OracleTool {
  type: 'function';
  function: {
    name: string;
    description: string;
    parameters: { type: 'object'; properties: Record<string, { type: string; description?: string; enum?: string[] }>; required?: string[] };
  };
}

/** The cookbook's `num_tokens_for_tools`: the tools' tokens plus the messages'. */
export function oracleToolTokens(tools: readonly OracleTool[], messages: readonly OracleMessage[], model: string): number {
  const isO200k = oracleEncoding(model).name === 'o200k_base';
  const funcInit = isO200k ? 7 : 10;
  const propInit = 3;
  const propKey = 3;
  const enumInit = -3;
  const enumItem = 3;
  const funcEnd = 12;
  const strip = (text: string): string => (text.endsWith('.') ? text.slice(0, -1) : text);
  let count = 0;
  for (const tool of tools) {
    count += funcInit;
    count += oracleTextTokens(`${tool.function.name}:${strip(tool.function.description)}`, model);
    const properties = Object.entries(tool.function.parameters.properties);
    if (properties.length > 0) {
      count += propInit;
      for (const [key, property] of properties) {
        count += propKey;
        if (property.enum !== undefined) {
          count += enumInit;
          for (const item of property.enum) count += enumItem + oracleTextTokens(item, model);
        }
        count += oracleTextTokens(`${key}:${property.type}:${strip(property.description ?? '')}`, model);
      }
    }
  }
  count += funcEnd;
  return count + oracleMessageTokens(messages, model);
}
