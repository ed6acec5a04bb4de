import { z } from 'zod';
import { type Db, inTransaction } from '../shared/db/connect.js';
import { problem, tooManyRequests } from '../shared/errors.js';
import { acceptedAnswer } from '../shared/http/responses.js';
import { email, id } from '../shared/http/schemas.js';
import type { Api, AppDeps } from '../shared/http/types.js';
import type { PersonRef } from '../shared/vocabulary.js';
import { afterAnswer, findAccounts, sendAccountEmails } from './accounts.js';
import { setSessionCookie } from './cookies.js';
import { addressKey, hit } from './rate-limit.js';
import { signInLinkSessionAnswer } from './schemas.js';
import { createSession, SESSION_TTL_MS } from './sessions.js';
import { randomToken, sha256 } from './tokens.js';

export const SIGN_IN_LINK_TTL_MS = 15 * 60 * 1000;

/** Minted when the email is rendered, like approval links: the token lives only in the email. */
export async function mintSignInLink(
  db: Db,
  input: { workspaceId: string; person: PersonRef; nextPath: string | null },
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + SIGN_IN_LINK_TTL_MS);
  await db
    .insertInto('sign_in_links')
    .values({
      token_hash: sha256(token),
      workspace_id: input.workspaceId,
      contact_id: input.person.type === 'contact' ? input.person.id : null,
      member_id: input.person.type === 'member' ? input.person.id : null,
      next_path: input.nextPath,
      expires_at: expiresAt,
    })
    .execute();
  return { token, expiresAt };
}

const safePath = z
  .string()
  .max(500)
  .regex(/^\/(?!\/)[^\s\\]*$/, 'must be a path on this site');

const requestBody = z.strictObject({ workspaceId: id.optional(), email, next: safePath.optional() });
const redeemBody = z.strictObject({ token: z.string().max(200) });

const inactive = () => problem('link_inactive', 'This sign-in link is no longer active');

export function signInLinkRoutes(app: Api, { db, config, rateLimits, now }: AppDeps): void {
  // Always 202, answered before any account is looked up, so neither the answer nor its
  // timing tells who is a member or a customer. Without workspaceId, every account of the
  // address gets its own link.
  app.post(
    '/auth/sign-in-links',
    {
      config: { public: true },
      schema: { tags: ['auth'], body: requestBody, response: { 202: acceptedAnswer } },
    },
    async (request, reply) => {
      const limit = rateLimits.loginFailures;
      const state = await hit(db, `sign-in-link:ip:${addressKey(request.ip)}`, limit);
      if (state.count > limit.max)
        throw tooManyRequests(state.retryAfterSeconds, 'Too many sign-in links asked for');
      const { email: address, workspaceId, next } = request.body;
      afterAnswer(request.log, 'sign-in link request', async () =>
        sendAccountEmails(db, await findAccounts(db, address, workspaceId ?? null), 'sign_in_link', {
          next: next ?? null,
        }),
      );
      return reply.code(202).send({ sent: true });
    },
  );

  // A POST from the page the email opens: a mail scanner's GET of that page signs nobody in.
  app.post(
    '/auth/sign-in-links/redeem',
    {
      config: { public: true },
      schema: { tags: ['auth'], body: redeemBody, response: { 200: signInLinkSessionAnswer } },
    },
    async (request, reply) => {
      const limit = await hit(db, `links:ip:${addressKey(request.ip)}`, rateLimits.approvalLinks);
      if (limit.count > rateLimits.approvalLinks.max) throw tooManyRequests(limit.retryAfterSeconds);
      const token = request.body.token;
      if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw inactive();
      const session = await inTransaction(db, async (tx) => {
        const link = await tx
          .selectFrom('sign_in_links as l')
          .leftJoin('members as m', (join) =>
            join.onRef('m.workspace_id', '=', 'l.workspace_id').onRef('m.id', '=', 'l.member_id'),
          )
          .select([
            'l.token_hash',
            'l.workspace_id',
            'l.contact_id',
            'l.member_id',
            'l.next_path',
            'l.expires_at',
            'l.used_at',
            'm.active as member_active',
          ])
          .where('l.token_hash', '=', sha256(token))
          .forUpdate('l')
          .executeTakeFirst();
        if (!link || link.used_at || new Date(link.expires_at) <= now()) throw inactive();
        // A member deactivated after the email left cannot sign in with it.
        if (link.member_id && !link.member_active) throw inactive();
        await tx
          .updateTable('sign_in_links')
          .set({ used_at: now() })
          .where('token_hash', '=', link.token_hash)
          .execute();
        const principal: PersonRef = link.member_id
          ? { type: 'member', id: link.member_id }
          : { type: 'contact', id: link.contact_id! };
        const sessionToken = await createSession(tx, link.workspace_id, principal, now());
        return { sessionToken, principal, next: link.next_path };
      });
      setSessionCookie(reply, config, session.sessionToken, SESSION_TTL_MS / 1000);
      return { principal: session.principal, next: session.next, csrfToken: reply.generateCsrf() };
    },
  );
}
