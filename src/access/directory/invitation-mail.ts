import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { ChangeContext } from '../change-record.ts';
import type { Mailer } from '../mail/mailer.ts';
import { linkBase } from '../auth/link-base.ts';
import type { InvitationRow, Invitations } from './invitations.ts';

export interface InvitationLetter {
  to: string;
  orgName: string;
  teamName: string;
  role: string;
  url: string;
  expiresAt: number;
}

/**
 * The link an invitation token travels in: `<TOLLGATE_PUBLIC_URL or the server's own address>/invite?token=…`
 * (never the Host header, which a caller could forge to have a link to their own site mailed).
 */
export function invitationUrl(req: FastifyRequest, publicUrl: string | undefined, token: string): string {
  return `${linkBase(publicUrl, req)}/invite?token=${encodeURIComponent(token)}`;
}

/**
 * Mails an invitation link when a mailer is configured. Returns whether it was sent; a failure is
 * logged (without the link, which carries the token) and reported as not sent, so the inviter can
 * pass the link on themselves.
 */
export async function mailInvitation(deps: { mailer: Mailer | undefined; log: Logger }, letter: InvitationLetter): Promise<boolean> {
  if (!deps.mailer) return false;
  try {
    await deps.mailer.send({
      to: letter.to,
      subject: `You are invited to ${letter.orgName} on Tollgate`,
      text: [
        `You have been invited to join the team "${letter.teamName}" of ${letter.orgName} on Tollgate, as ${letter.role}.`,
        '',
        `Accept the invitation here (the link works once, until ${new Date(letter.expiresAt).toUTCString()}):`,
        letter.url,
        '',
        'If you did not expect this invitation, ignore this message.',
      ].join('\n'),
    });
    return true;
  } catch (err) {
    deps.log.warn({ err: { message: (err as Error).message }, to: letter.to }, 'invitation mail could not be sent');
    return false;
  }
}

/** What the inviter is told: whether the link was mailed, and the link itself only when it was not meant for mail. */
export interface Delivered {
  mailed: boolean;
  /** Only for a `link` invitation (no mailer): the inviter passes it on. */
  link?: { url: string; token: string };
}

/**
 * Sends an invitation the way it was created: a `mail` invitation's link goes only to the address
 * (never back to the inviter, so accepting it proves the address); if the mail cannot be sent the
 * invitation is revoked. A `link` invitation (no mailer) is handed to the inviter.
 * @example const { mailed, link } = await deliverInvitation(deps, invitations, created, letter, ctx);
 */
export async function deliverInvitation(
  deps: { mailer: Mailer | undefined; log: Logger },
  invitations: Invitations,
  created: { invitation: InvitationRow; token: string },
  letter: InvitationLetter,
  ctx: ChangeContext,
): Promise<Delivered> {
  if (created.invitation.delivery === 'link') return { mailed: false, link: { url: letter.url, token: created.token } };
  const mailed = await mailInvitation(deps, letter);
  if (!mailed) await invitations.revoke(created.invitation.id, ctx);
  return { mailed };
}
