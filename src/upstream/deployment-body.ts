import { z } from 'zod';
import { deploymentSchema } from './deployment.ts';

/**
 * The key as the API takes it: the secret itself, stored sealed. A reference (`{ env }`, `{ file }`)
 * is tollgate.yaml's only: through the API it would let a caller send any variable or file of the
 * server's machine (the master key, the database URL) to a base URL of its choosing.
 */
const inlineKey = z
  .string()
  .min(1)
  .max(4_096)
  .regex(/^[\x21-\x7e]+$/, 'printable characters without spaces');

/**
 * `POST /api/deployments`: tollgate.yaml's deployment shape (strict: an unknown field is an error),
 * with `api_key` as the secret itself.
 * @example DeploymentCreateBody.parse({ id: 'vllm-eu', provider: 'openai-compatible', base_url: 'https://vllm.example/v1', api_key: 'sk-…', models: ['llama-3'] })
 */
export const DeploymentCreateBody = deploymentSchema.extend({ api_key: inlineKey.optional() });

/**
 * `PATCH /api/deployments/:id`: the fields to change (the id cannot change). `api_key`: a new key,
 * or null to send none; absent keeps the stored key.
 */
export const DeploymentPatchBody = deploymentSchema
  .omit({ id: true, api_key: true })
  .partial()
  .extend({ api_key: inlineKey.nullable().optional() });

export const DeploymentIdParam = z.strictObject({ id: deploymentSchema.shape.id });
