import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { enqueue } from '../mail/outbox.js';
import { type Db, inTransaction } from '../shared/db/connect.js';
import { AppError, tooManyRequests } from '../shared/errors.js';
import { email, id } from '../shared/http/schemas.js';
import type { Api, AppDeps } from '../shared/http/types.js';
import { setSessionCookie } from './cookies.js';
import { hit } from './rate-limit.js';
import { createSession } from './routes.js';
import { randomToken, sha256 } from './tokens.js';

export const SIGN_IN_LINK_TTL_MS = 15 * 60 * 1000;

/** Minted when the email is rendered, like approval links: the token lives only in the email. */
export async function mintSignInLink(
  db: Db,
  input: { workspaceId: string; contactId: string; nextPath: string | null },
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + SIGN_IN_LINK_TTL_MS);
  await db
    .insertInto('sign_in_links')
    .values({
      token_hash: sha256(token),
      workspace_id: input.workspaceId,
      contact_id: input.contactId,
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

const requestBody = z.strictObject({ workspaceId: id, email, next: safePath.optional() });
const redeemBody = z.strictObject({ token: z.string().max(200) });

const inactive = () => new AppError(410, 'link_inactive', 'This sign-in link is no longer active');

export function signInLinkRoutes(app: Api, { db, config, rateLimits, now }: AppDeps): void {
  // Always 202, whether or not the address is a contact's, so it tells nobody who is a customer.
  app.post(
    '/auth/sign-in-links',
    { config: { public: true }, schema: { tags: ['auth'], body: requestBody } },
    async (request, reply) => {
      const limit = rateLimits.loginFailures;
      for (const key of [
        `sign-in-link:ip:${request.ip}`,
        `sign-in-link:account:${request.body.workspaceId}:${request.body.email}`,
      ]) {
        const state = await hit(db, key, limit);
        if (state.count > limit.max)
          throw tooManyRequests(state.retryAfterSeconds, 'Too many sign-in links asked for');
      }
      const ws = request.body.workspaceId.toLowerCase();
      const contact = await db
        .selectFrom('contacts')
        .select('id')
        .where('workspace_id', '=', ws)
        .where((eb) => eb(eb.fn('lower', ['email']), '=', request.body.email))
        .executeTakeFirst();
      if (contact) {
        await enqueue(db, ws, [
          {
            eventId: randomUUID(),
            kind: 'sign_in_link',
            approvalId: null,
            recipient: { type: 'contact', id: contact.id },
            payload: { next: request.body.next ?? null },
          },
        ]);
      }
      return reply.code(202).send({ sent: true });
    },
  );

  // A POST from the page the email opens: a mail scanner's GET of that page signs nobody in.
  app.post(
    '/auth/sign-in-links/redeem',
    { config: { public: true }, schema: { tags: ['auth'], body: redeemBody } },
    async (request, reply) => {
      const limit = await hit(db, `links:ip:${request.ip}`, rateLimits.approvalLinks);
      if (limit.count > rateLimits.approvalLinks.max) throw tooManyRequests(limit.retryAfterSeconds);
      const token = request.body.token;
      if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw inactive();
      const session = await inTransaction(db, async (tx) => {
        const link = await tx
          .selectFrom('sign_in_links')
          .select(['token_hash', 'workspace_id', 'contact_id', 'next_path', 'expires_at', 'used_at'])
          .where('token_hash', '=', sha256(token))
          .forUpdate()
          .executeTakeFirst();
        if (!link || link.used_at || new Date(link.expires_at) <= now()) throw inactive();
        await tx
          .updateTable('sign_in_links')
          .set({ used_at: now() })
          .where('token_hash', '=', link.token_hash)
          .execute();
        const sessionToken = await createSession(
          tx,
          link.workspace_id,
          { type: 'contact', id: link.contact_id },
          now(),
        );
        return { sessionToken, link };
      });
      setSessionCookie(reply, config, session.sessionToken, 30 * 24 * 3600);
      return {
        principal: { type: 'contact' as const, id: session.link.contact_id },
        next: session.link.next_path,
        csrfToken: reply.generateCsrf(),
      };
    },
  );
}
