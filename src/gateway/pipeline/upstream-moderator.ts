import type { Moderator, ModerationScores } from '../../guard/index.ts';
import { upstreamModel, type DeploymentRequirements, type UpstreamClient, type UpstreamRouter } from '../../upstream/index.ts';

/** Longest moderation answer read (a few KB per text in practice). */
const MAX_BODY = 1024 * 1024;

/**
 * The guard's moderator over the upstream's `/v1/moderations` (the simulator emulates it): one call
 * for all the texts of a prompt, scores folded to the highest per category. Throws when the upstream
 * does not answer 200 with results: the caller refuses the request (a policy that asks for
 * moderation is not skipped silently).
 */
export function upstreamModerator(upstream: UpstreamClient, model = 'omni-moderation-latest'): Moderator {
  return {
    async moderate(texts, signal) {
      const res = await upstream.request({ method: 'POST', path: '/moderations', body: JSON.stringify({ model, input: texts }), ...(signal ? { signal } : {}) });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > MAX_BODY) {
          res.body.destroy();
          throw new Error('moderation answer too large');
        }
        chunks.push(chunk);
      }
      if (res.statusCode !== 200) throw new Error(`moderation answered ${res.statusCode}`);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { results?: { category_scores?: Record<string, unknown> }[] };
      if (!Array.isArray(body.results)) throw new Error('moderation answer without results');
      const scores: Record<string, number> = {};
      for (const r of body.results) {
        for (const [category, score] of Object.entries(r.category_scores ?? {})) {
          if (typeof score === 'number' && !(score <= (scores[category] ?? -1))) scores[category] = score;
        }
      }
      return scores as ModerationScores;
    },
  };
}

/**
 * Moderators for labelled data: the moderation call is itself a send of the text, so data whose
 * label limits where it may go (zero retention, regions) is moderated only by a deployment that meets
 * the requirements (and serves the moderation model), chosen by the balancer among open circuits.
 * Undefined when none does, or without deployments (the one upstream has no attributes): the caller
 * refuses the request rather than send the text elsewhere.
 */
export function placedModerators(router: UpstreamRouter | undefined, model = 'omni-moderation-latest'): (requirements: DeploymentRequirements) => Moderator | undefined {
  return (requirements) => {
    if (!router) return undefined;
    const d = router.balancer.pick(router.deployments, { model, requirements, now: Date.now() });
    return d ? upstreamModerator(router.client(d.id), upstreamModel(d, model)) : undefined;
  };
}
