import { isSealed } from '../compliance/index.ts';
import { totpAad } from './auth/second-factor.ts';
import type { Directory } from './directory/directory.ts';
import { ssoSecretAad } from './sso/sso-clients.ts';
import { readSsoSettings } from './sso/sso-settings.ts';

/**
 * Seals TOTP secrets and SSO client secrets stored in plaintext (before encryption was on); run at
 * start-up. Each row is updated only if it still holds what was read. Returns how many were sealed.
 * @example await sealPlaintextSecrets(directory);
 */
export async function sealPlaintextSecrets(directory: Directory): Promise<number> {
  const cipher = directory.cipher;
  if (!cipher.enabled) return 0;
  const db = directory.db;
  let sealed = 0;
  const users = await db.selectFrom('users').select(['id', 'org_id', 'totp_secret']).where('totp_secret', 'is not', null).where('totp_secret', 'not like', 'tge1.%').execute();
  for (const u of users) {
    if (u.totp_secret === null || isSealed(u.totp_secret)) continue;
    const secret = await cipher.seal(u.org_id, u.totp_secret, totpAad(u.id), { userId: u.id });
    const r = await db.updateTable('users').set({ totp_secret: secret }).where('id', '=', u.id).where('totp_secret', '=', u.totp_secret).executeTakeFirst();
    sealed += Number(r.numUpdatedRows);
  }
  const orgs = await db.selectFrom('orgs').select(['id', 'sso']).where('sso', 'is not', null).execute();
  for (const o of orgs) {
    const settings = readSsoSettings(o.sso);
    if (settings === null || settings.client_secret === null || isSealed(settings.client_secret)) continue;
    const after = { ...settings, client_secret: await cipher.seal(o.id, settings.client_secret, ssoSecretAad(o.id)) };
    const r = await db.updateTable('orgs').set({ sso: JSON.stringify(after) }).where('id', '=', o.id).where('sso', '=', o.sso).executeTakeFirst();
    sealed += Number(r.numUpdatedRows);
  }
  return sealed;
}
