/**
 * What the guard stage calls for moderation: the upstream's `/v1/moderations` (or the simulator's)
 * behind this interface. Scores are per category, 0–1, as OpenAI's `category_scores`.
 */
export interface Moderator {
  moderate(texts: readonly string[], signal?: AbortSignal): Promise<ModerationScores>;
}

/** Category → highest score over the texts, e.g. `{ harassment: 0.02, 'self-harm/intent': 0.91 }`. */
export type ModerationScores = Readonly<Record<string, number>>;

/** A policy's moderation thresholds: at or above `threshold`, the category flags or blocks. */
export type ModerationThresholds = Readonly<Record<string, { threshold: number; action: 'flag' | 'block' }>>;

export interface ModerationHit {
  category: string;
  score: number;
  threshold: number;
  action: 'flag' | 'block';
}

/**
 * Applies thresholds to scores: pure, so the stage can call the moderator however it likes (and skip
 * it entirely when the policy has no thresholds).
 * @example judgeModeration({ violence: { threshold: 0.8, action: 'block' } }, { violence: 0.93 }) // { action: 'block', hits: [...] }
 */
export function judgeModeration(thresholds: ModerationThresholds | undefined, scores: ModerationScores): { action: 'allow' | 'flag' | 'block'; hits: ModerationHit[] } {
  const hits: ModerationHit[] = [];
  if (thresholds) {
    for (const [category, t] of Object.entries(thresholds)) {
      const score = scores[category];
      if (score !== undefined && score >= t.threshold) hits.push({ category, score, threshold: t.threshold, action: t.action });
    }
  }
  const action = hits.some((h) => h.action === 'block') ? 'block' : hits.length > 0 ? 'flag' : 'allow';
  return { action, hits };
}
