import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { errors } from '../../http/errors.ts';
import { documentRoute } from '../../http/openapi/route-docs.ts';
import { parseInput } from '../../http/parse-input.ts';
import { generateRecoveryCodes } from '../credentials/recovery-codes.ts';
import { userView } from '../directory/directory.ts';
import { changeContextOf } from '../enforce.ts';
import { updateAccount } from './account-changes.ts';
import type { AuthServices } from './auth-services.ts';
import { callerUser } from './caller.ts';
import { confirmPassword, confirmTotpCode } from './reauthenticate.ts';

const EnrolBody = z.strictObject({});
const CodeBody = z.strictObject({ code: z.string().min(1).max(32) });
const DisableBody = z.strictObject({ code: z.string().min(1).max(32).optional(), password: z.string().min(1).max(4096).optional() });

documentRoute('POST /api/me/2fa', { summary: 'Start two-factor enrolment: returns a TOTP secret and otpauth:// URL (shown once) to add to an authenticator app.', body: EnrolBody });
documentRoute('POST /api/me/2fa/confirm', { summary: 'Finish enrolment with a code from the app: turns 2FA on and returns 10 recovery codes (shown once).', body: CodeBody });
documentRoute('DELETE /api/me/2fa', { summary: 'Turn two-factor authentication off, proven with a current code or your password.', body: DisableBody });
documentRoute('POST /api/me/2fa/recovery-codes', { summary: 'Replace your recovery codes with 10 new ones (shown once); the old ones stop working.', body: CodeBody });

const alreadyOn = () => errors.badRequest('two_factor_already_enabled', 'Two-factor authentication is already on; turn it off first to enrol another device.');
const notOn = () => errors.badRequest('two_factor_not_enabled', 'Two-factor authentication is not on for your account.');

/** POST /me/2fa, POST /me/2fa/confirm, DELETE /me/2fa, POST /me/2fa/recovery-codes. */
export function twoFactorRoutes(app: FastifyInstance, s: AuthServices): void {
  const { deps } = s;

  app.post('/me/2fa', async (req, reply) => {
    parseInput(EnrolBody, req.body);
    const user = await callerUser(req, deps.directory, 'Two-factor enrolment');
    if (user.totp_enabled_at !== null) throw alreadyOn();
    const { secret, uri } = s.totp.enrol(user.email);
    const patch = { totp_secret: secret, totp_enabled_at: null, totp_last_step: null, recovery_codes: null };
    await updateAccount(deps.store, user.id, patch, { action: 'user.2fa_enrolment_started', ctx: changeContextOf(req) }, s.now());
    reply.header('cache-control', 'no-store');
    return { secret, otpauth_url: uri };
  });

  app.post('/me/2fa/confirm', async (req, reply) => {
    const body = parseInput(CodeBody, req.body);
    const user = await callerUser(req, deps.directory, 'Two-factor enrolment');
    if (user.totp_enabled_at !== null) throw alreadyOn();
    if (user.totp_secret === null) throw errors.badRequest('no_pending_enrolment', 'Start two-factor enrolment first (POST /api/me/2fa).');
    await confirmTotpCode(s, user, req, body.code, 'code');
    const { codes, hashes } = generateRecoveryCodes();
    const patch = { totp_enabled_at: s.now(), recovery_codes: JSON.stringify(hashes) };
    const after = await updateAccount(deps.store, user.id, patch, { action: 'user.2fa_enabled', ctx: changeContextOf(req) }, s.now());
    reply.header('cache-control', 'no-store');
    return { user: userView(after), recovery_codes: codes };
  });

  app.delete('/me/2fa', async (req) => {
    const body = parseInput(DisableBody, req.body);
    if (body.code === undefined && body.password === undefined) {
      throw errors.badRequest('invalid_parameter', "Invalid 'code': send a current two-factor code as 'code', or your password as 'password'.", 'code');
    }
    const user = await callerUser(req, deps.directory, 'Turning off two-factor authentication');
    if (user.totp_secret === null) throw notOn();
    const org = await deps.directory.getOrg(user.org_id);
    if (org?.require_2fa === 1 && user.totp_enabled_at !== null) {
      throw errors.forbidden('two_factor_required_by_org', 'Your organization requires two-factor authentication; it cannot be turned off.');
    }
    if (body.code !== undefined) await confirmTotpCode(s, user, req, body.code, 'code');
    else await confirmPassword(s, user, req, body.password ?? '', 'password');
    const patch = { totp_secret: null, totp_enabled_at: null, totp_last_step: null, recovery_codes: null };
    const after = await updateAccount(deps.store, user.id, patch, { action: 'user.2fa_disabled', ctx: changeContextOf(req) }, s.now());
    return { user: userView(after) };
  });

  app.post('/me/2fa/recovery-codes', async (req, reply) => {
    const body = parseInput(CodeBody, req.body);
    const user = await callerUser(req, deps.directory, 'Replacing recovery codes');
    if (user.totp_enabled_at === null) throw notOn();
    await confirmTotpCode(s, user, req, body.code, 'code');
    const { codes, hashes } = generateRecoveryCodes();
    await updateAccount(deps.store, user.id, { recovery_codes: JSON.stringify(hashes) }, { action: 'user.recovery_codes_regenerated', ctx: changeContextOf(req) }, s.now());
    reply.header('cache-control', 'no-store');
    return { recovery_codes: codes };
  });
}
