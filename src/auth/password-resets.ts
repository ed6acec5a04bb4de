import { z } from 'zod';
import { type Db, inTransaction } from '../shared/db/connect.js';
import { problem, tooManyRequests } from '../shared/errors.js';
import { acceptedAnswer } from '../shared/http/responses.js';
import { email, id, password } from '../shared/http/schemas.js';
import type { Api, AppDeps } from '../shared/http/types.js';
import type { PersonRef } from '../shared/vocabulary.js';
import { afterAnswer, findAccounts, sendAccountEmails } from './accounts.js';
import { type AuditEvent, recordAudit } from './audit.js';
import { hashPassword } from './passwords.js';
import { addressKey, hit } from './rate-limit.js';
import { passwordSetAnswer } from './schemas.js';
import { endSessions } from './sessions.js';
import { randomToken, sha256 } from './tokens.js';

export type PasswordTokenPurpose = 'password_reset' | 'invitation';

/** A reset link lives an hour; an invitation a week (SPEC §8.3, §8.6). */
export const PASSWORD_TOKEN_TTL_MS: Record<PasswordTokenPurpose, number> = {
  password_reset: 3600 * 1000,
  invitation: 7 * 24 * 3600 * 1000,
};

/** Minted when the email is rendered, like every link: the token lives only in the email. */
export async function mintPasswordToken(
  db: Db,
  input: { workspaceId: string; person: PersonRef; purpose: PasswordTokenPurpose },
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + PASSWORD_TOKEN_TTL_MS[input.purpose]);
  await db
    .insertInto('password_tokens')
    .values({
      token_hash: sha256(token),
      workspace_id: input.workspaceId,
      principal_type: input.person.type,
      principal_id: input.person.id,
      purpose: input.purpose,
      expires_at: expiresAt,
    })
    .execute();
  return { token, expiresAt };
}

/**
 * Sets a person's password and ends every other session of theirs, with its audit lines.
 * `keepSessionHash` is the session that asked (PATCH /me); a link keeps none.
 */
export async function setPassword(
  tx: Db,
  workspaceId: string,
  person: PersonRef,
  passwordHash: string,
  audit: { kind: AuditEvent['kind']; actor: PersonRef | null },
  now: Date,
  keepSessionHash: string | null,
): Promise<void> {
  await tx
    .updateTable(person.type === 'member' ? 'members' : 'contacts')
    .set({ password_hash: passwordHash })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', person.id)
    .execute();
  const ended = await endSessions(tx, workspaceId, person, now, keepSessionHash);
  // Older reset and invitation links die with the change: a leaked one cannot undo it.
  await tx
    .updateTable('password_tokens')
    .set({ used_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('principal_type', '=', person.type)
    .where('principal_id', '=', person.id)
    .where('used_at', 'is', null)
    .execute();
  await recordAudit(tx, workspaceId, [
    { kind: audit.kind, actor: audit.actor, subject: person },
    ...(ended > 0
      ? [
          {
            kind: 'sessions_ended' as const,
            actor: audit.actor,
            subject: person,
            data: { count: ended, reason: audit.kind },
          },
        ]
      : []),
  ]);
}

const requestBody = z.strictObject({ email, workspaceId: id.optional() });
const redeemBody = z.strictObject({ token: z.string().max(200), password });

const inactive = () => problem('link_inactive', 'This link is no longer active');

export function passwordResetRoutes(app: Api, { db, rateLimits, now }: AppDeps): void {
  // Always 202, answered before any account is looked up: it tells nobody who has an account.
  app.post(
    '/auth/password-resets',
    {
      config: { public: true },
      schema: { tags: ['auth'], body: requestBody, response: { 202: acceptedAnswer } },
    },
    async (request, reply) => {
      const limit = rateLimits.loginFailures;
      const state = await hit(db, `password-reset:ip:${addressKey(request.ip)}`, limit);
      if (state.count > limit.max)
        throw tooManyRequests(state.retryAfterSeconds, 'Too many password resets asked for');
      const { email: address, workspaceId } = request.body;
      afterAnswer(request.log, 'password reset request', async () =>
        sendAccountEmails(db, await findAccounts(db, address, workspaceId ?? null), 'password_reset', {}),
      );
      return reply.code(202).send({ sent: true });
    },
  );

  // Redeems a reset or an invitation link: sets the password, ends every session, signs nobody in.
  app.post(
    '/auth/password-resets/redeem',
    {
      config: { public: true },
      schema: { tags: ['auth'], body: redeemBody, response: { 200: passwordSetAnswer } },
    },
    async (request) => {
      const limit = await hit(db, `links:ip:${addressKey(request.ip)}`, rateLimits.approvalLinks);
      if (limit.count > rateLimits.approvalLinks.max) throw tooManyRequests(limit.retryAfterSeconds);
      const { token } = request.body;
      if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw inactive();
      // A dead link is refused before argon2 runs, so guessing costs the server almost nothing.
      const live = await db
        .selectFrom('password_tokens')
        .select('token_hash')
        .where('token_hash', '=', sha256(token))
        .where('used_at', 'is', null)
        .where('expires_at', '>', now())
        .executeTakeFirst();
      if (!live) throw inactive();
      // Hashed before the transaction: no row stays locked while argon2 works.
      const passwordHash = await hashPassword(request.body.password);
      return inTransaction(db, async (tx) => {
        const link = await tx
          .selectFrom('password_tokens')
          .select([
            'token_hash',
            'workspace_id',
            'principal_type',
            'principal_id',
            'purpose',
            'expires_at',
            'used_at',
          ])
          .where('token_hash', '=', sha256(token))
          .forUpdate()
          .executeTakeFirst();
        if (!link || link.used_at || new Date(link.expires_at) <= now()) throw inactive();
        const person: PersonRef = { type: link.principal_type, id: link.principal_id };
        const account =
          person.type === 'member'
            ? await tx
                .selectFrom('members')
                .select(['email', 'active'])
                .where('workspace_id', '=', link.workspace_id)
                .where('id', '=', person.id)
                .executeTakeFirst()
            : await tx
                .selectFrom('contacts')
                .select(['email'])
                .where('workspace_id', '=', link.workspace_id)
                .where('id', '=', person.id)
                .executeTakeFirst();
        // A member deactivated since the email was sent cannot come back through it.
        if (!account || ('active' in account && !account.active)) throw inactive();
        const kind = link.purpose === 'invitation' ? 'invitation_redeemed' : 'password_reset';
        await setPassword(tx, link.workspace_id, person, passwordHash, { kind, actor: null }, now(), null);
        return {
          workspaceId: link.workspace_id,
          email: account.email,
          principal: person,
          purpose: link.purpose,
        };
      });
    },
  );
}
