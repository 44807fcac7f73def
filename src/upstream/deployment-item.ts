import { z } from 'zod';
import { deploymentSchema } from './deployment.ts';
import type { DeploymentView } from './upstream-router.ts';

const Circuit = z.object({
  state: z.enum(['closed', 'open', 'half_open']),
  consecutive_failures: z.number().int(),
  failures: z.number().int(),
  attempts: z.number().int(),
  opened_at: z.iso.datetime().nullable(),
  probe_from: z.iso.datetime().nullable(),
});

/** One deployment as the API shows it: settings, where it comes from, how its key is given (never the key), its circuit. */
export const DeploymentItem = z.object({
  id: z.string(),
  provider: z.enum(['openai', 'azure', 'openai-compatible']),
  base_url: z.string(),
  /** `config` (tollgate.yaml: read-only here) or `api`. */
  source: z.enum(['config', 'api']),
  /** How the key is given: `env`, `file`, `inline` (written through the API, stored sealed), or null for none. */
  api_key: z.enum(['env', 'file', 'inline']).nullable(),
  /** Where the secret is read from (`env:NAME` or `file:/path`); the secret itself is never shown. */
  api_key_ref: z.string().nullable(),
  models: z.array(z.string()),
  model_map: z.record(z.string(), z.string()),
  weight: z.number().int(),
  priority: z.number().int(),
  limits: deploymentSchema.shape.limits.unwrap(),
  attributes: z.object({ zero_retention: z.boolean(), region: z.string().optional(), tags: z.array(z.string()) }),
  in_flight: z.number().int(),
  latency_ms: z.number().int().nullable(),
  circuit: Circuit,
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The API shape of a router's view of one deployment. */
export function deploymentItem(d: DeploymentView): z.infer<typeof DeploymentItem> {
  return {
    ...d,
    circuit: {
      state: d.circuit.state,
      consecutive_failures: d.circuit.consecutiveFailures,
      failures: d.circuit.failures,
      attempts: d.circuit.attempts,
      opened_at: iso(d.circuit.openedAt),
      probe_from: iso(d.circuit.probeFrom),
    },
  };
}
