import type { z } from 'zod';
import { deploymentListSchema, deploymentSchema, secretRefSchema } from '../config/index.ts';

// The schemas are tollgate.yaml's (config/upstream-schema.ts); this module works with what they give.
export { deploymentSchema, secretRefSchema };
export type SecretRef = z.infer<typeof secretRefSchema>;

export type DeploymentInput = z.input<typeof deploymentSchema>;
export type Deployment = z.output<typeof deploymentSchema>;

/**
 * Validates a list of deployments: each valid, ids unique.
 * @example const deployments = parseDeployments(config.deployments)
 */
export function parseDeployments(input: unknown): Deployment[] {
  return deploymentListSchema.parse(input);
}

/** Whether a deployment serves `model`. */
export function serves(d: Deployment, model: string): boolean {
  return d.models.includes(model) || d.models.includes('*');
}

/** The model name to send upstream for `model`. */
export function upstreamModel(d: Deployment, model: string): string {
  return d.model_map[model] ?? model;
}

/**
 * The authentication header for a deployment's secret: Azure's `api-key`, a Bearer token otherwise.
 * @example authHeaders(d, secret) // { authorization: 'Bearer sk-…' }
 */
export function authHeaders(d: Deployment, secret: string | undefined): Record<string, string> {
  if (secret === undefined) return {};
  return d.provider === 'azure' ? { 'api-key': secret } : { authorization: `Bearer ${secret}` };
}
