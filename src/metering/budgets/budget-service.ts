import { randomBytes } from 'node:crypto';
import pino, { type Logger } from 'pino';
import type { Visibility } from '../../access/index.ts';
import { fail } from '../../errors/index.ts';
import { MemoryCounters, type CounterUsage, type Counters } from '../../state/counters/index.ts';
import type { Store } from '../../state/index.ts';
import type { Nanos } from '../../money/index.ts';
import { BudgetAlerts } from './budget-alerts.ts';
import { BudgetExceededError } from './budget-exceeded-error.ts';
import { BudgetIndex } from './budget-index.ts';
import { checkBudgetValues, type CreateBudgetInput, type UpdateBudgetInput } from './budget-input.ts';
import { projectSpend, type BudgetStatus } from './budget-view.ts';
import { BudgetRepository, type BudgetChangeContext } from './budget-repository.ts';
import { DEFAULT_THRESHOLDS, type Budget, type BudgetSubject } from './budget.ts';
import { periodOf } from './period.ts';
import { Reservation, type ReservationCharge, type ReservationOwner, type SettleOutcome } from './reservation.ts';
import { SpendWriter } from './spend-writer.ts';
import { WebhookSender } from './webhook-sender.ts';

export interface BudgetServiceOptions {
  /** Where reservations live. Default: in-process MemoryCounters (one instance). */
  counters?: Counters | undefined;
  now?: (() => number) | undefined;
  /** Alert webhooks are POSTed here (JSON, signed when `webhookSecret` is set). */
  webhookUrl?: string | undefined;
  webhookSecret?: string | undefined;
  log?: Logger | undefined;
  /** Lease of a reservation; an unsettled one is released after it. Default: the counters' (10 min). */
  leaseTtlMs?: number | undefined;
  /** How often settled spend is written to the store. Default 200 ms. */
  spendFlushMs?: number | undefined;
  /** How often budgets changed by other instances are reloaded. Default 10 s. */
  reloadIntervalMs?: number | undefined;
  webhookTimeoutMs?: number | undefined;
  webhookRetryDelaysMs?: readonly number[] | undefined;
}

/** Counter keys are kept this long after their period ends, for requests that straddle the reset. */
const KEY_GRACE_MS = 24 * 3_600_000;

/**
 * Budgets: CRUD against the store, and admission that reads only memory and the counters.
 * Build it with `createBudgetService`, which loads budgets and current spend first.
 * @example
 * const budgets = await createBudgetService(store, { webhookUrl, webhookSecret, log });
 * const r = await budgets.reserve({ keyId, userId, teamId, orgId }, worstCaseNanos); // throws 429 budget_exceeded
 * await r.settle(actualNanos);
 */
export class BudgetService implements ReservationOwner {
  private readonly index = new BudgetIndex();
  private readonly repo: BudgetRepository;
  /** Spend of `budget:period` found in the store; seeds counters that do not know the key yet. */
  private readonly storedSpend = new Map<string, Nanos>();
  private readonly unpriced = new Map<string, number>();
  private readonly counters: Counters;
  private readonly ownsCounters: boolean;
  private readonly spend: SpendWriter;
  private readonly alertsOut: BudgetAlerts;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout;
  /** Bumped by every local change, so a reload that raced with it does not undo it. */
  private version = 0;

  constructor(
    store: Store,
    private readonly options: BudgetServiceOptions = {},
  ) {
    this.repo = new BudgetRepository(store);
    this.now = options.now ?? Date.now;
    this.log = options.log ?? pino({ level: 'silent' });
    this.ownsCounters = options.counters === undefined;
    this.counters = options.counters ?? new MemoryCounters({ now: this.now });
    this.spend = new SpendWriter(store, this.log, this.now, options.spendFlushMs);
    const webhook = options.webhookUrl
      ? new WebhookSender({
          url: options.webhookUrl,
          secret: options.webhookSecret,
          timeoutMs: options.webhookTimeoutMs,
          retryDelaysMs: options.webhookRetryDelaysMs,
          log: this.log,
          now: this.now,
        })
      : undefined;
    if (webhook && !options.webhookSecret) this.log.warn('budget alert webhooks are sent unsigned: no webhook secret configured');
    this.alertsOut = new BudgetAlerts(store, webhook, this.log, this.now);
    this.timer = setInterval(() => {
      this.refresh().catch((err: unknown) => this.log.error({ err }, 'budget reload failed'));
    }, options.reloadIntervalMs ?? 10_000);
    this.timer.unref();
  }

  /** Every budget that applies to a request of this subject (memory only). */
  budgetsFor(subject: BudgetSubject): Budget[] {
    return this.index.forSubject(subject);
  }

  /**
   * Reserves `worstCase` nano-dollars on every budget that applies, atomically, in the periods that
   * contain `at`. Throws BudgetExceededError (429 `budget_exceeded`) when one has no room. Pass 0 when
   * the worst case is unknown: the request is admitted unless a budget is already exhausted.
   * No database round trip: budgets are in memory, the check is one counters call.
   */
  async reserve(subject: BudgetSubject, worstCase: Nanos, at: number = this.now(), options: { ttlMs?: number } = {}): Promise<Reservation> {
    if (!Number.isSafeInteger(worstCase) || worstCase < 0) throw new RangeError(`worst-case cost must be a non-negative integer of nano-dollars, got ${worstCase}`);
    const budgets = this.index.forSubject(subject);
    if (budgets.length === 0) return new Reservation(this, null, at, worstCase, []);
    const charges = budgets.map((b) => this.chargeFor(b, at));
    const r = await this.counters.reserve(
      charges.map((c) => c.entry),
      worstCase,
      // A caller may hold longer than a request does (a Batch API batch: up to a day).
      options.ttlMs !== undefined ? { ttlMs: options.ttlMs } : this.options.leaseTtlMs === undefined ? {} : { ttlMs: this.options.leaseTtlMs },
    );
    if (!r.ok) {
      const c = charges.find((x) => x.entry.key === r.key)!;
      this.alertsOut.blocked(c.budget, c.period, r.spent);
      throw new BudgetExceededError(c.budget, c.period, { spent: r.spent, reserved: r.reserved, limit: r.limit, requested: worstCase }, at);
    }
    return new Reservation(this, r.reservationId, at, worstCase, charges);
  }

  /**
   * Charges spend that was incurred without a reservation (a Batch API batch, metered when it
   * completes, hours after it was admitted): never refused, since the money is already spent
   * upstream. With `heldId` (a reservation made by `reserve` and kept by id, e.g. in the store, since
   * the batch's admission), that hold ends too, on any instance. Returns `budget_id:period_id` of
   * every budget charged, for the ledger rows.
   */
  async charge(subject: BudgetSubject, amount: Nanos, at: number = this.now(), heldId?: string): Promise<string[]> {
    if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`charge must be a non-negative integer of nano-dollars, got ${amount}`);
    const budgets = this.index.forSubject(subject);
    if (budgets.length === 0) {
      if (heldId !== undefined) await this.releaseHeld(heldId);
      return [];
    }
    // Without a held reservation: a lease id nobody holds, so settling adds the spend and releases nothing.
    const r = new Reservation(this, heldId ?? `charge_${randomBytes(12).toString('hex')}`, at, amount, budgets.map((b) => this.chargeFor(b, at)));
    let usage: CounterUsage[] | undefined;
    try {
      usage = (await this.counters.settle(r.id!, amount, r.charges.map((c) => c.entry))).usage;
    } catch (err) {
      this.log.error({ err }, 'counters charge failed; spend is still stored');
    }
    r.charges.forEach((c, i) => {
      const current = this.index.get(c.budget.id);
      if (!current) return;
      this.spend.add(c.budget.id, c.period.id, amount, false);
      const spent = usage?.[i]?.spent;
      if (spent !== undefined) this.alertsOut.afterSettle(current, c.period, spent, amount);
    });
    return r.periods;
  }

  /** Ends a reservation kept by id (see `charge`) without charging anything. */
  async releaseHeld(reservationId: string): Promise<void> {
    try {
      await this.counters.release(reservationId);
    } catch (err) {
      this.log.error({ err, reservation: reservationId }, 'counters release failed; the lease will expire');
    }
  }

  /** `budget_id:period_id` of every budget a reservation charges, for the ledger row. */
  periodsOf(reservation: Reservation): string[] {
    return reservation.periods;
  }

  /** @internal Called by Reservation.settle, once. */
  async settleReservation(r: Reservation, actual: Nanos | null): Promise<SettleOutcome> {
    const charged = actual ?? 0;
    let usage: CounterUsage[] | undefined;
    let late = false;
    try {
      const s = await this.counters.settle(r.id!, charged, r.charges.map((c) => c.entry));
      usage = s.usage;
      late = !s.leaseLive;
    } catch (err) {
      this.log.error({ err, reservation: r.id }, 'counters settle failed; spend is still stored');
    }
    r.charges.forEach((c, i) => {
      const current = this.index.get(c.budget.id);
      if (!current) return;
      this.spend.add(c.budget.id, c.period.id, charged, actual === null);
      if (actual === null) this.unpriced.set(c.entry.key, (this.unpriced.get(c.entry.key) ?? 0) + 1);
      const spent = usage?.[i]?.spent;
      if (spent !== undefined) this.alertsOut.afterSettle(current, c.period, spent, charged);
    });
    if (actual === null) this.log.debug({ reservation: r.id, budgets: r.periods }, 'request settled with an unknown cost; nothing charged, counted as unpriced');
    if (late) this.log.warn({ reservation: r.id, budgets: r.periods }, 'request settled after its budget lease expired');
    return { charged, unpriced: actual === null, late };
  }

  /** @internal Called by Reservation.release, once. */
  async releaseReservation(r: Reservation): Promise<void> {
    try {
      await this.counters.release(r.id!);
    } catch (err) {
      this.log.error({ err, reservation: r.id }, 'counters release failed; the lease will expire');
    }
  }

  /** @internal Called by Reservation.renew. */
  async renewReservation(r: Reservation, ttlMs: number | undefined): Promise<boolean> {
    return this.counters.renew(r.id!, ttlMs ?? this.options.leaseTtlMs);
  }

  /**
   * Creates a budget; it applies from the next request. `input.placement` says where it belongs (the
   * API resolves it with placeBudget); without one, a `key` budget must name an existing key and the
   * budget belongs to no organization (CLI and tests). `ctx` is who creates it, for the change record.
   * @example await budgets.create({ scope: 'team', scopeId: 'team_1', period: 'daily', timezone: 'UTC', limitNanos: parseUsd('5.00'), placement }, changeContextOf(req))
   */
  async create(input: CreateBudgetInput, ctx?: BudgetChangeContext): Promise<Budget> {
    const timezone = checkBudgetValues(input) ?? 'UTC';
    if (input.scope === 'key' && !input.placement) await this.assertKeyExists(input.scopeId);
    const now = this.now();
    const budget: Budget = {
      id: `bud_${randomBytes(12).toString('hex')}`,
      name: input.name ?? `${input.period} ${input.scope} budget for ${input.scopeId}`,
      scope: input.scope,
      scopeId: input.scopeId,
      period: input.period,
      timezone,
      limitNanos: input.limitNanos,
      thresholds: [...(input.thresholds ?? DEFAULT_THRESHOLDS)],
      createdAt: now,
      updatedAt: now,
      orgId: input.placement?.orgId ?? null,
      teamId: input.placement?.teamId ?? null,
      ownerUserId: input.placement?.ownerUserId ?? null,
      creatorRole: input.creatorRole ?? null,
    };
    await this.repo.insert(budget, ctx);
    this.version++;
    this.index.set(budget);
    return budget;
  }

  /**
   * Changes a budget; the next request sees the change. A new period or time zone starts counting
   * afresh in the new period id (spend under the old ids stays in the store). Undefined if unknown.
   * @example await budgets.update('bud_1', { limitNanos: parseUsd('10.00') }, changeContextOf(req))
   */
  async update(id: string, patch: UpdateBudgetInput, ctx?: BudgetChangeContext): Promise<Budget | undefined> {
    const timezone = checkBudgetValues(patch);
    const old = await this.repo.get(id);
    if (!old) return undefined;
    const now = this.now();
    const next: Budget = {
      ...old,
      name: patch.name ?? old.name,
      period: patch.period ?? old.period,
      timezone: timezone ?? old.timezone,
      limitNanos: patch.limitNanos ?? old.limitNanos,
      thresholds: patch.thresholds ? [...patch.thresholds] : old.thresholds,
      updatedAt: now,
    };
    await this.repo.update(old, next, ctx);
    this.version++;
    this.index.set(next);
    if (next.period !== old.period || next.timezone !== old.timezone) await this.loadStoredSpend([next], now);
    return next;
  }

  /** Deletes a budget and its stored spend (its alerts and change records stay). Undefined if unknown. */
  async delete(id: string, ctx?: BudgetChangeContext): Promise<Budget | undefined> {
    const budget = await this.repo.get(id);
    if (!budget) return undefined;
    await this.repo.delete(budget, ctx, this.now());
    this.version++;
    this.index.remove(id);
    this.spend.drop(id);
    return budget;
  }

  /** Where a key belongs (organization, team, user), for placing a `key` budget; undefined if unknown. */
  keyPlacement(keyId: string) {
    return this.repo.keyPlacement(keyId);
  }

  /** Every budget, newest first, as stored (reloads, so changes by other instances show). */
  async list(): Promise<Budget[]> {
    await this.refresh();
    return this.index.all().sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id));
  }

  async get(id: string): Promise<Budget | undefined> {
    return this.repo.get(id);
  }

  /**
   * Current period, spent, reserved, remaining and forecast of budgets (from the counters, so it
   * includes requests in flight and spend not yet written to the store).
   * @example const [s] = await budgets.statuses([budget]); s.remaining
   */
  async statuses(budgets: readonly Budget[], at: number = this.now()): Promise<BudgetStatus[]> {
    const charges = budgets.map((b) => this.chargeFor(b, at));
    const usage = await this.counters.usage(charges.map((c) => c.entry));
    return charges.map((c, i) => {
      const u = usage[i]!;
      const b = c.budget;
      return {
        budget: b,
        period: c.period,
        spent: u.spent,
        reserved: u.reserved,
        remaining: Math.max(0, b.limitNanos - u.spent - u.reserved),
        projected: projectSpend(u.spent, c.period, at, b.createdAt),
        unpricedRequests: this.unpriced.get(c.entry.key) ?? 0,
      };
    });
  }

  /** Alerts, newest first; with a visibility, only alerts of budgets it lets through. */
  alerts(query: { budgetId?: string | undefined; limit?: number | undefined; visibility?: Visibility | undefined } = {}) {
    return this.alertsOut.list({ budgetId: query.budgetId, limit: query.limit ?? 100, visibility: query.visibility });
  }

  /** Reloads budgets from the store and the stored spend of their current periods. */
  async refresh(): Promise<void> {
    const version = this.version;
    const budgets = await this.repo.all();
    if (version === this.version) this.index.replaceAll(budgets);
    await this.loadStoredSpend(budgets, this.now(), true);
  }

  /** Writes pending spend and waits for pending alerts and their webhooks. */
  async flush(): Promise<void> {
    await this.spend.flush();
    await this.alertsOut.flush();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.spend.close();
    await this.alertsOut.close();
    if (this.ownsCounters) await this.counters.close();
  }

  private chargeFor(budget: Budget, at: number): ReservationCharge {
    const period = periodOf(budget.period, budget.timezone, at);
    const key = `${budget.id}:${period.id}`;
    return {
      budget,
      period,
      entry: {
        key,
        limit: budget.limitNanos,
        base: this.storedSpend.get(key) ?? 0,
        expireAt: period.end === null ? undefined : period.end + KEY_GRACE_MS,
      },
    };
  }

  /** Loads stored spend for the current periods not loaded yet; with `prune` (all budgets given), forgets past periods. */
  private async loadStoredSpend(budgets: readonly Budget[], at: number, prune = false): Promise<void> {
    const current = new Set(budgets.map((b) => `${b.id}:${periodOf(b.period, b.timezone, at).id}`));
    if (prune) {
      for (const k of this.storedSpend.keys()) if (!current.has(k)) this.storedSpend.delete(k);
      for (const k of this.unpriced.keys()) if (!current.has(k)) this.unpriced.delete(k);
    }
    const missing = budgets.filter((b) => !this.storedSpend.has(`${b.id}:${periodOf(b.period, b.timezone, at).id}`));
    if (missing.length === 0) return;
    const rows = await this.repo.spend(
      missing.map((b) => b.id),
      [...new Set(missing.map((b) => periodOf(b.period, b.timezone, at).id))],
    );
    for (const row of rows) {
      const key = `${row.budget_id}:${row.period_id}`;
      if (!current.has(key) || this.storedSpend.has(key)) continue;
      this.storedSpend.set(key, Number(row.spent_nanos));
      if (!this.unpriced.has(key)) this.unpriced.set(key, Number(row.unpriced_requests));
    }
  }

  private async assertKeyExists(keyId: string): Promise<void> {
    if (!(await this.repo.keyExists(keyId))) throw fail('invalid_parameter', { param: 'scope_id', reason: `no key with id '${keyId.slice(0, 100)}'` });
  }
}

/**
 * Builds a BudgetService with its budgets and the current periods' stored spend loaded.
 * @example const budgets = await createBudgetService(store, { log, webhookUrl: 'https://ops.example.com/hooks/tollgate', webhookSecret });
 */
export async function createBudgetService(store: Store, options: BudgetServiceOptions = {}): Promise<BudgetService> {
  const service = new BudgetService(store, options);
  await service.refresh();
  return service;
}
