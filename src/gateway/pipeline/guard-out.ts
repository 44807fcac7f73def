import { Readable } from 'node:stream';
import { fail } from '../../errors/index.ts';
import { blockingLayer, evaluateOutput, jsonTextIsClean, judgeModeration, OutputStreamScanner, type GuardFinding, type ModerationThresholds, type Moderator } from '../../guard/index.ts';
import { eventBounds, payloadOf } from '../reply/sse-events.ts';
import type { StreamKind } from '../reply/sse-relay.ts';
import type { GatewayCall } from './call-context.ts';
import { auditFlags, flaggedRules } from './guard-flags.ts';
import { boundLabel, moderatorFor, refuseByClassification } from './route-classification.ts';
import { eventText, StreamModeration } from './stream-moderation.ts';
import { auditBlock, type GuardStageDeps } from './guard-in.ts';
import type { Stage } from './stage.ts';

/** Largest single SSE event held while waiting for its end (as the relay). */
const MAX_EVENT_BYTES = 4 * 1024 * 1024;

/**
 * Stage 6: output policies on the answer. A JSON reply is checked whole (its message texts redacted,
 * the prompt's placeholders restored, or 400 `content_policy_violation` when a block rule fires). A
 * stream is wrapped, not read here: each text delta goes through an OutputStreamScanner (a look-behind
 * window, so a card or key split across chunks is seen whole) and is sent redacted; a block rule cuts
 * the stream with an error event and aborts the upstream. With `output.moderation` thresholds the
 * reply also goes to /v1/moderations (a stream per held window: stream-moderation.ts); flags are
 * recorded (guard-flags.ts). Nothing to do unless guard-in found a policy.
 */
export function guardOutStage(deps: GuardStageDeps): Stage {
  return {
    name: 'guard-out',
    run(call: GatewayCall) {
      const guard = call.guard;
      const reply = call.reply;
      if (!guard || !reply) return;
      const output = guard.resolved.compiled.output;
      if (!output.active && !guard.restore && !output.moderation) return;
      const kind = call.target?.streamKind;
      if (!kind) return; // embeddings, moderations, models: no text to check
      // The reply carries the request's label: it is moderated only where the label may go.
      const moderator = output.moderation ? moderatorFor(deps, call) : undefined;
      if (moderator === 'refused') {
        if (reply.kind === 'stream') {
          call.abort?.abort(); // not relayed: the upstream stream is closed, not left to its idle timeout
          reply.body.destroy();
        }
        return refuseByClassification(deps, call, boundLabel(call)!);
      }
      if (reply.kind === 'stream') {
        reply.body = Readable.from(guardStream(deps, call, reply.body, kind, moderator));
        return;
      }
      const json = reply.body.toString('utf8');
      // The common case, a reply with nothing to redact, is told without parsing it (jsonTextIsClean),
      // and synchronously: the pipeline then does not wait on a promise for it.
      if (!guard.restore && !LOGPROBS_WITH_TOKENS.test(json) && jsonTextIsClean(output, json)) return;
      return guardJson(deps, call, kind, moderator, json);
    },
  };
}

async function guardJson(deps: GuardStageDeps, call: GatewayCall, kind: StreamKind, moderator: Moderator | undefined, json: string): Promise<void> {
  const reply = call.reply as Extract<GatewayCall['reply'], { kind: 'json' }>;
  const { resolved, restore } = call.guard!;
  const output = resolved.compiled.output;
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return; // call checked it is JSON; nothing we could read
  }
  const findings: GuardFinding[] = [];
  const flags: string[] = [];
  const thresholds = output.moderation;
  const texts: string[] = []; // what output moderation reads, as it would be sent
  let changed = output.active && dropLogprobs(obj);
  let blocked: string | undefined;
  forEachReplyText(obj, kind, (text, set) => {
    if (blocked) return;
    const v = evaluateOutput(resolved.compiled, text, { restore });
    findings.push(...v.findings);
    flags.push(...v.flags);
    if (v.action === 'block') blocked = v.blockedBy;
    else if (v.redacted !== text) {
      set(v.redacted);
      changed = true;
    }
    if (thresholds && v.redacted.trim() !== '') texts.push(v.redacted);
  });
  if (blocked) {
    await blockOutput(deps, call, blocked, findings);
    throw fail('content_policy_violation', { what: 'reply', policy: blockingLayer(resolved, blocked), rule: blocked }, { param: null });
  }
  let flagged = findings.length > 0 || flags.length > 0 ? flaggedRules('output', resolved.compiled.output, findings, flags) : [];
  if (thresholds && texts.length > 0) flagged = await moderateReply(deps, call, moderator, texts, thresholds, flagged);
  if (flagged.length > 0) await auditFlags(deps, call, 'output', flagged);
  if (changed) reply.body = Buffer.from(JSON.stringify(obj));
}

/**
 * Output moderation of a whole reply (as it would be sent: redacted, placeholders restored): the
 * upstream's /v1/moderations scores it, a category at or above a block threshold replaces the reply
 * with 400 `content_policy_violation` naming the policy and `output.moderation.<category>`; flag
 * thresholds are returned with `flagged` for the audit record. No moderator answer: the reply is
 * withheld (502 `guard_output_moderation_failed`), never passed unchecked.
 */
async function moderateReply(deps: GuardStageDeps, call: GatewayCall, moderator: Moderator | undefined, texts: readonly string[], thresholds: ModerationThresholds, flagged: string[]): Promise<string[]> {
  const resolved = call.guard!.resolved;
  if (!moderator) throw fail('guard_output_moderation_failed');
  let scores;
  try {
    scores = await moderator.moderate(texts);
  } catch (err) {
    deps.log.warn({ err, reqId: call.requestId }, 'moderation of the reply failed');
    throw fail('guard_output_moderation_failed');
  }
  const judged = judgeModeration(thresholds, scores);
  if (judged.action === 'block') {
    const hit = judged.hits.find((h) => h.action === 'block')!;
    const rule = `output.moderation.${hit.category}`;
    await blockOutput(deps, call, rule, []);
    throw fail('content_policy_violation', { what: 'reply', policy: blockingLayer(resolved, rule), rule }, { param: null });
  }
  return judged.hits.length === 0 ? flagged : [...flagged, ...judged.hits.map((h) => `output.moderation.${h.category}`)];
}

/** Calls `visit` for each text the model wrote in a JSON reply, with a setter to replace it. */
function forEachReplyText(obj: Record<string, unknown>, kind: StreamKind, visit: (text: string, set: (t: string) => void) => void): void {
  if (kind === 'responses') {
    for (const item of asArray(obj.output)) {
      for (const part of asArray((item as { content?: unknown }).content)) {
        const p = part as { text?: unknown };
        if (typeof p.text === 'string') visit(p.text, (t) => (p.text = t));
      }
    }
    return;
  }
  for (const choice of asArray(obj.choices)) {
    const c = choice as { message?: { content?: unknown }; text?: unknown };
    if (kind === 'chat' && c.message && typeof c.message.content === 'string') visit(c.message.content, (t) => (c.message!.content = t));
    if (kind === 'completions' && typeof c.text === 'string') visit(c.text, (t) => (c.text = t));
  }
}

// A `logprobs` or `top_logprobs` that is not null or an empty list: dropLogprobs has something to drop.
const LOGPROBS_WITH_TOKENS = /"(?:top_)?logprobs"\s*:(?!\s*(?:null\b|\[\s*\]))/;

/**
 * Token log-probabilities spell the reply out token by token (`token`, `bytes`, `top_logprobs`): with
 * output rules on they would carry what the rules redact, so they are emptied. Returns whether any was.
 */
function dropLogprobs(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) {
    let dropped = false;
    for (const x of v) dropped = dropLogprobs(x) || dropped;
    return dropped;
  }
  const o = v as Record<string, unknown>;
  let dropped = false;
  for (const k in o) {
    if (k === 'logprobs' || k === 'top_logprobs') {
      const had = Array.isArray(o[k]) ? (o[k] as unknown[]).length > 0 : o[k] !== null && o[k] !== undefined;
      if (had) {
        o[k] = Array.isArray(o[k]) ? [] : null;
        dropped = true;
      }
    } else dropped = dropLogprobs(o[k]) || dropped;
  }
  return dropped;
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/**
 * The upstream stream with the output rules applied to every text delta: chat `choices[].delta.content`,
 * completions `choices[].text`, Responses `response.output_text.delta` (and the full texts of the
 * `…done` and `response.completed` events replaced by what was actually sent). Events without text
 * pass through as they came.
 */
async function* guardStream(deps: GuardStageDeps, call: GatewayCall, body: Readable, kind: StreamKind, moderator: Moderator | undefined): AsyncGenerator<Buffer> {
  const { resolved, restore } = call.guard!;
  const outputRules = resolved.compiled.output.active;
  const scanners = new Map<string, OutputStreamScanner>();
  const sent = new Map<string, string>(); // what went out per text, for the Responses events that repeat it whole
  const scanner = (id: string) => {
    let s = scanners.get(id);
    if (!s) scanners.set(id, (s = new OutputStreamScanner(resolved.compiled, { restore })));
    return s;
  };
  const thresholds = resolved.compiled.output.moderation;
  const moderation = thresholds && moderator ? new StreamModeration(moderator, thresholds) : undefined;
  // A cut: what went before it (never text that moderation has not passed), the error event, the record, the upstream aborted.
  const cut = async function* (before: string, rule: string, code = 'content_policy_violation'): AsyncGenerator<Buffer> {
    call.errorCode = code; // before the error event: the relay would name it upstream_stream_error
    if (before) yield Buffer.from(before);
    yield Buffer.from(code === 'content_policy_violation' ? cutEvent(kind, blockingLayer(resolved, rule), rule) : moderationFailedEvent(kind));
    if (code === 'content_policy_violation') await blockOutput(deps, call, rule, [...scanners.values()].flatMap((sc) => sc.findings));
    call.abort?.abort();
  };
  const released = async function* (out: string, text: string, last: boolean): AsyncGenerator<Buffer, boolean> {
    if (!moderation) {
      if (out) yield Buffer.from(out);
      return true;
    }
    moderation.hold(out, text);
    if (!last && !moderation.due) return true;
    const v = await moderation.check();
    if (v.ok) {
      if (v.out) yield Buffer.from(v.out);
      return true;
    }
    if ('blockedBy' in v) yield* cut('', v.blockedBy);
    else {
      deps.log.warn({ err: v.failed, reqId: call.requestId }, 'moderation of the streamed reply failed');
      yield* cut('', 'output.moderation', 'guard_output_moderation_failed');
    }
    return false;
  };
  let pending: Buffer | undefined;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    const buf = pending ? Buffer.concat([pending, chunk]) : chunk;
    const events = eventBounds(buf);
    const consumed = events.length === 0 ? 0 : events[events.length - 1]!.next;
    pending = consumed < buf.length ? buf.subarray(consumed) : undefined;
    if (pending && pending.length > MAX_EVENT_BYTES) {
      yield buf; // the relay ends it as malformed
      return;
    }
    let out = '';
    let text = '';
    for (const range of events) {
      const payload = payloadOf(buf, range);
      const raw = buf.toString('utf8', range.start, range.next);
      if (!payload || buf.toString('latin1', payload.start, payload.end) === '[DONE]') {
        out += raw;
        continue;
      }
      let obj: Record<string, unknown>;
      try {
        obj = JSON.parse(buf.toString('utf8', payload.start, payload.end)) as Record<string, unknown>;
      } catch {
        out += raw; // the relay reports it
        continue;
      }
      if (outputRules) dropLogprobs(obj);
      const blocked =
        kind === 'responses'
          ? guardResponsesEvent(obj, scanner, sent, (extra, extraText) => {
              out += extra;
              text += extraText;
            })
          : guardChoices(obj, kind, scanner);
      if (blocked) {
        // Text held for moderation and not yet checked is dropped with the rest.
        yield* cut(moderation ? '' : out, blocked);
        return;
      }
      if (moderation) text += eventText(obj, kind);
      out += buf.toString('utf8', range.start, payload.start) + JSON.stringify(obj) + buf.toString('utf8', payload.end, range.next);
    }
    if (!(yield* released(out, text, false))) return;
  }
  if (!(yield* released('', '', true))) return;
  if (pending) yield pending;
  // Flags are recorded once the stream has ended (the text went out; only the record is left to do).
  const all = [...scanners.values()];
  const flagged = outputRules && all.length > 0 ? flaggedRules('output', resolved.compiled.output, all.flatMap((sc) => sc.findings), all.flatMap((sc) => [...sc.flags])) : [];
  if (moderation) flagged.push(...moderation.flagged);
  if (flagged.length > 0) await auditFlags(deps, call, 'output', flagged);
}

/** Chat and completions chunks: each choice's text through its scanner; the rest flushed at its finish_reason. */
function guardChoices(obj: Record<string, unknown>, kind: StreamKind, scanner: (id: string) => OutputStreamScanner): string | undefined {
  for (const choice of asArray(obj.choices)) {
    const c = choice as { index?: number; delta?: { content?: unknown }; text?: unknown; finish_reason?: unknown };
    const id = String(c.index ?? 0);
    const holder = kind === 'chat' ? c.delta : (c as { text?: unknown });
    const field = kind === 'chat' ? 'content' : 'text';
    let text = '';
    if (holder && typeof (holder as Record<string, unknown>)[field] === 'string') {
      const step = scanner(id).push((holder as Record<string, unknown>)[field] as string);
      if (step.blocked) return step.blocked;
      text = step.text;
    }
    if (c.finish_reason !== null && c.finish_reason !== undefined) {
      const end = scanner(id).end();
      if (end.blocked) return end.blocked;
      text += end.text;
    }
    if (holder && (typeof (holder as Record<string, unknown>)[field] === 'string' || text !== '')) (holder as Record<string, unknown>)[field] = text;
    else if (text !== '' && kind === 'chat') c.delta = { ...(c.delta ?? {}), content: text };
  }
  return undefined;
}

/** Responses events: deltas through a scanner per output text; `done` events get what was actually sent. */
function guardResponsesEvent(obj: Record<string, unknown>, scanner: (id: string) => OutputStreamScanner, sent: Map<string, string>, emit: (event: string, text: string) => void): string | undefined {
  const id = `${String(obj.item_id)}:${String(obj.content_index ?? 0)}`;
  switch (obj.type) {
    case 'response.output_text.delta': {
      if (typeof obj.delta !== 'string') return undefined;
      const step = scanner(id).push(obj.delta);
      if (step.blocked) return step.blocked;
      obj.delta = step.text;
      sent.set(id, (sent.get(id) ?? '') + step.text);
      return undefined;
    }
    case 'response.output_text.done': {
      const end = scanner(id).end();
      if (end.blocked) return end.blocked;
      // The text still held goes out as one more delta before the done event, which carries the whole text as sent.
      if (end.text) emit(`event: response.output_text.delta\ndata: ${JSON.stringify({ type: 'response.output_text.delta', item_id: obj.item_id, output_index: obj.output_index, content_index: obj.content_index, delta: end.text, logprobs: [], sequence_number: obj.sequence_number })}\n\n`, end.text);
      const full = (sent.get(id) ?? '') + end.text;
      sent.set(id, full);
      obj.text = full;
      return undefined;
    }
    case 'response.content_part.done': {
      const part = obj.part as { text?: unknown } | undefined;
      if (part && typeof part.text === 'string') part.text = sent.get(id) ?? '';
      return undefined;
    }
    case 'response.output_item.done':
      replaceItemTexts(obj.item, sent);
      return undefined;
    case 'response.completed':
    case 'response.incomplete':
      for (const item of asArray((obj.response as { output?: unknown } | undefined)?.output)) replaceItemTexts(item, sent);
      return undefined;
    default:
      return undefined;
  }
}

function replaceItemTexts(item: unknown, sent: Map<string, string>): void {
  const it = item as { id?: unknown; content?: unknown } | undefined;
  asArray(it?.content).forEach((part, i) => {
    const p = part as { text?: unknown };
    if (typeof p.text === 'string') p.text = sent.get(`${String(it!.id)}:${i}`) ?? '';
  });
}

function cutEvent(kind: StreamKind, policy: string, rule: string): string {
  const message = `The reply was blocked by the guardrail policy '${policy}' (rule ${rule}).`;
  if (kind === 'responses') return `event: error\ndata: ${JSON.stringify({ type: 'error', code: 'content_policy_violation', message, param: null })}\n\n`;
  return `data: ${JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: 'content_policy_violation' } })}\n\n`;
}

function moderationFailedEvent(kind: StreamKind): string {
  const message = "The guardrail policy asks for moderation of the reply, and the upstream's moderation endpoint did not answer; the rest of the reply was withheld.";
  if (kind === 'responses') return `event: error\ndata: ${JSON.stringify({ type: 'error', code: 'guard_output_moderation_failed', message, param: null })}\n\n`;
  return `data: ${JSON.stringify({ error: { message, type: 'api_error', param: null, code: 'guard_output_moderation_failed' } })}\n\n`;
}

function blockOutput(deps: GuardStageDeps, call: GatewayCall, rule: string, findings: readonly GuardFinding[]): Promise<void> {
  return auditBlock(deps, call, 'output', blockingLayer(call.guard!.resolved, rule), rule, findings);
}
