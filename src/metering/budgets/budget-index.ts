import { subjectScopes, type Budget, type BudgetScope, type BudgetSubject } from './budget.ts';

/** Budgets in memory, by id and by scope, so admission reads no database. */
export class BudgetIndex {
  private byId = new Map<string, Budget>();
  private byScope = new Map<string, Budget[]>();

  get(id: string): Budget | undefined {
    return this.byId.get(id);
  }

  all(): Budget[] {
    return [...this.byId.values()];
  }

  /** Every budget that applies to the subject: key first, then user, team, org; oldest first within each. */
  forSubject(subject: BudgetSubject): Budget[] {
    const out: Budget[] = [];
    for (const [scope, id] of subjectScopes(subject)) {
      const list = this.byScope.get(scopeKey(scope, id));
      if (list) out.push(...list);
    }
    return out;
  }

  set(budget: Budget): void {
    this.remove(budget.id);
    this.byId.set(budget.id, budget);
    const k = scopeKey(budget.scope, budget.scopeId);
    const list = [...(this.byScope.get(k) ?? []), budget].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    this.byScope.set(k, list);
  }

  remove(id: string): void {
    const old = this.byId.get(id);
    if (!old) return;
    this.byId.delete(id);
    const k = scopeKey(old.scope, old.scopeId);
    const list = (this.byScope.get(k) ?? []).filter((b) => b.id !== id);
    if (list.length > 0) this.byScope.set(k, list);
    else this.byScope.delete(k);
  }

  replaceAll(budgets: readonly Budget[]): void {
    this.byId = new Map();
    this.byScope = new Map();
    for (const b of budgets) this.set(b);
  }
}

function scopeKey(scope: BudgetScope, id: string): string {
  return `${scope}\u0000${id}`;
}
