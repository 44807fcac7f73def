import { z } from 'zod';
import { fail } from '../../errors/index.ts';
import { defineRoute, type AnyRoute } from '../../http/index.ts';
import { generateRecoveryCodes } from '../credentials/recovery-codes.ts';
import { userView, UserViewSchema } from '../directory/directory-views.ts';
import { changeContextOf } from '../enforce.ts';
import { ACCOUNT } from '../permissions/route-permissions.ts';
import { updateAccount } from './account-changes.ts';
import type { AuthServices } from './auth-services.ts';
import { callerUser } from './caller.ts';
import { confirmPassword, confirmTotpCode } from './reauthenticate.ts';
import { totpAad } from './second-factor.ts';

const EnrolBody = z.strictObject({});
const CodeBody = z.strictObject({ code: z.string().min(1).max(32) });
const DisableBody = z.strictObject({ code: z.string().min(1).max(32).optional(), password: z.string().min(1).max(4096).optional() });

const RecoveryCodes = z.array(z.string()).describe('10 single-use codes, shown this once');
const EnrolmentSchema = z.strictObject({ secret: z.string().describe('The TOTP secret (base32), shown this once'), otpauth_url: z.string() });
const UserOnly = z.strictObject({ user: UserViewSchema });

/** POST /api/me/2fa, POST /api/me/2fa/confirm, DELETE /api/me/2fa, POST /api/me/2fa/recovery-codes. */
export function twoFactorRoutes(s: AuthServices): AnyRoute[] {
  const { deps } = s;

  return [
    defineRoute({
      method: 'POST',
      path: '/api/me/2fa',
      permission: ACCOUNT,
      summary: 'Start two-factor enrolment: returns a TOTP secret and otpauth:// URL (shown once) to add to an authenticator app.',
      body: EnrolBody,
      response: EnrolmentSchema,
      handler: async ({ req, reply }) => {
        const user = await callerUser(req, deps.directory, 'Two-factor enrolment');
        if (user.totp_enabled_at !== null) throw fail('two_factor_already_enabled');
        const { secret, uri } = s.totp.enrol(user.email);
        // Sealed under the user's own data key: erasing the user shreds it with the rest of their data.
        const sealed = await deps.directory.cipher.seal(user.org_id, secret, totpAad(user.id), { userId: user.id });
        const patch = { totp_secret: sealed, totp_enabled_at: null, totp_last_step: null, recovery_codes: null };
        await updateAccount(deps.store, user.id, patch, { action: 'user.2fa_enrolment_started', ctx: changeContextOf(req) }, s.now());
        reply.header('cache-control', 'no-store');
        return { secret, otpauth_url: uri };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/me/2fa/confirm',
      permission: ACCOUNT,
      summary: 'Finish enrolment with a code from the app: turns 2FA on and returns 10 recovery codes (shown once).',
      body: CodeBody,
      response: z.strictObject({ user: UserViewSchema, recovery_codes: RecoveryCodes }),
      handler: async ({ body, req, reply }) => {
        const user = await callerUser(req, deps.directory, 'Two-factor enrolment');
        if (user.totp_enabled_at !== null) throw fail('two_factor_already_enabled');
        if (user.totp_secret === null) throw fail('no_pending_enrolment');
        await confirmTotpCode(s, user, req, body.code, 'code');
        const { codes, hashes } = generateRecoveryCodes();
        const patch = { totp_enabled_at: s.now(), recovery_codes: JSON.stringify(hashes) };
        const after = await updateAccount(deps.store, user.id, patch, { action: 'user.2fa_enabled', ctx: changeContextOf(req) }, s.now());
        reply.header('cache-control', 'no-store');
        return { user: userView(after), recovery_codes: codes };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/me/2fa',
      permission: ACCOUNT,
      summary: 'Turn two-factor authentication off, proven with a current code or your password.',
      body: DisableBody,
      response: UserOnly,
      handler: async ({ body, req }) => {
        if (body.code === undefined && body.password === undefined) {
          throw fail('invalid_parameter', { param: 'code', reason: "send a current two-factor code as 'code', or your password as 'password'" });
        }
        const user = await callerUser(req, deps.directory, 'Turning off two-factor authentication');
        if (user.totp_secret === null) throw fail('two_factor_not_enabled');
        const org = await deps.directory.getOrg(user.org_id);
        if (org?.require_2fa === 1 && user.totp_enabled_at !== null) throw fail('two_factor_required_by_org');
        if (body.code !== undefined) await confirmTotpCode(s, user, req, body.code, 'code');
        else await confirmPassword(s, user, req, body.password ?? '', 'password');
        const patch = { totp_secret: null, totp_enabled_at: null, totp_last_step: null, recovery_codes: null };
        const after = await updateAccount(deps.store, user.id, patch, { action: 'user.2fa_disabled', ctx: changeContextOf(req) }, s.now());
        return { user: userView(after) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/me/2fa/recovery-codes',
      permission: ACCOUNT,
      summary: 'Replace your recovery codes with 10 new ones (shown once); the old ones stop working.',
      body: CodeBody,
      response: z.strictObject({ recovery_codes: RecoveryCodes }),
      handler: async ({ body, req, reply }) => {
        const user = await callerUser(req, deps.directory, 'Replacing recovery codes');
        if (user.totp_enabled_at === null) throw fail('two_factor_not_enabled');
        await confirmTotpCode(s, user, req, body.code, 'code');
        const { codes, hashes } = generateRecoveryCodes();
        await updateAccount(deps.store, user.id, { recovery_codes: JSON.stringify(hashes) }, { action: 'user.recovery_codes_regenerated', ctx: changeContextOf(req) }, s.now());
        reply.header('cache-control', 'no-store');
        return { recovery_codes: codes };
      },
    }),
  ];
}
