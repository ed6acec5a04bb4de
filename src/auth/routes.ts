import { z } from 'zod';
import { createMember } from '../people/repo.js';
import { type Db, inTransaction } from '../shared/db/connect.js';
import { tooManyRequests } from '../shared/errors.js';
import { email, id, name, password } from '../shared/http/schemas.js';
import type { Api, AppDeps } from '../shared/http/types.js';
import { createWorkspace } from '../workspaces/repo.js';
import { invalidCredentials, requirePrincipal } from './authenticate.js';
import { clearSessionCookie, SESSION_COOKIE, setSessionCookie } from './cookies.js';
import { verifyPassword } from './passwords.js';
import { hit, withAttemptSlot } from './rate-limit.js';
import { newSessionToken, parseSessionToken } from './tokens.js';

const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;

export async function createSession(
  db: Db,
  workspaceId: string,
  principal: { type: 'member' | 'contact'; id: string },
  now: Date,
): Promise<string> {
  const { token, hash } = newSessionToken(workspaceId);
  await db
    .insertInto('sessions')
    .values({
      workspace_id: workspaceId,
      token_hash: hash,
      principal_type: principal.type,
      principal_id: principal.id,
      expires_at: new Date(now.getTime() + SESSION_TTL_MS),
    })
    .execute();
  return token;
}

const signupBody = z.strictObject({ workspaceName: name, name, email, password });
const loginBody = z.strictObject({
  workspaceId: id,
  email,
  password: z.string().min(1).max(200),
  /** `cookie`: the web app's sign-in; the session goes into an HttpOnly cookie instead of the answer. */
  session: z.enum(['token', 'cookie']).optional(),
});

export function authRoutes(app: Api, { db, rateLimits, now, config }: AppDeps): void {
  app.post(
    '/signup',
    { config: { public: true }, schema: { tags: ['auth'], body: signupBody } },
    async (request, reply) => {
      const limit = await hit(db, `signup:ip:${request.ip}`, rateLimits.signups);
      if (limit.count > rateLimits.signups.max) {
        throw tooManyRequests(limit.retryAfterSeconds, 'Too many signups from this address');
      }
      const { workspaceName, ...person } = request.body;
      const result = await inTransaction(db, async (tx) => {
        const workspace = await createWorkspace(tx, { name: workspaceName });
        const member = await createMember(tx, workspace.id, { ...person, role: 'admin' });
        const token = await createSession(tx, workspace.id, { type: 'member', id: member.id }, now());
        return { workspace: { id: workspace.id, name: workspaceName }, member, token };
      });
      return reply.code(201).send(result);
    },
  );

  app.post(
    '/auth/login',
    { config: { public: true }, schema: { tags: ['auth'], body: loginBody } },
    async (request, reply) => {
      const { workspaceId, email: address, password: given } = request.body;
      const ws = workspaceId.toLowerCase();
      const accountKey = `login-fail:account:${ws}:${address}`;
      const ipKey = `login-fail:ip:${request.ip}`;
      const limit = rateLimits.loginFailures;
      // A slot per attempt in flight, so simultaneous guesses cannot get past the limit.
      return withAttemptSlot(
        db,
        [accountKey, ipKey],
        limit,
        async () => {
          // Members first: an address that is both a member and a contact signs in as the member.
          const member = await db
            .selectFrom('members')
            .select(['id', 'password_hash', 'active'])
            .where('workspace_id', '=', ws)
            .where((eb) => eb(eb.fn('lower', ['email']), '=', address))
            .executeTakeFirst();
          const contact = member
            ? undefined
            : await db
                .selectFrom('contacts')
                .select(['id', 'password_hash'])
                .where('workspace_id', '=', ws)
                .where((eb) => eb(eb.fn('lower', ['email']), '=', address))
                .executeTakeFirst();
          const account = member
            ? { type: 'member' as const, id: member.id, hash: member.active ? member.password_hash : null }
            : contact
              ? { type: 'contact' as const, id: contact.id, hash: contact.password_hash }
              : null;
          const ok = await verifyPassword(account?.hash ?? null, given);
          if (!account || !ok) {
            await hit(db, accountKey, limit);
            await hit(db, ipKey, limit);
            throw invalidCredentials();
          }
          const token = await createSession(db, ws, account, now());
          const principal = { type: account.type, id: account.id };
          if (request.body.session === 'cookie') {
            setSessionCookie(reply, config, token, SESSION_TTL_MS / 1000);
            return { principal, csrfToken: reply.generateCsrf() };
          }
          return { token, principal };
        },
        'Too many failed sign-ins',
      );
    },
  );

  app.post('/auth/logout', { schema: { tags: ['auth'] } }, async (request, reply) => {
    requirePrincipal(request);
    const token =
      /^Bearer\s+(\S+)/i.exec(request.headers.authorization ?? '')?.[1] ?? request.cookies[SESSION_COOKIE];
    clearSessionCookie(reply, config);
    const parsed = token ? parseSessionToken(token) : null;
    if (parsed) {
      await db
        .updateTable('sessions')
        .set({ revoked_at: now() })
        .where('workspace_id', '=', parsed.workspaceId)
        .where('token_hash', '=', parsed.hash)
        .execute();
    }
    return reply.code(204).send();
  });

  // The web app asks for a CSRF token before its first change (the secret lives in an HttpOnly cookie).
  app.get(
    '/auth/csrf',
    { config: { public: true }, schema: { tags: ['auth'] } },
    async (_request, reply) => ({
      csrfToken: reply.generateCsrf(),
    }),
  );

  app.get('/me', { schema: { tags: ['auth'] } }, async (request) => {
    const p = requirePrincipal(request);
    return p.type === 'member'
      ? {
          type: p.type,
          id: p.id,
          workspaceId: p.workspaceId,
          name: p.name,
          email: p.email,
          role: p.role,
          locale: p.locale,
        }
      : {
          type: p.type,
          id: p.id,
          workspaceId: p.workspaceId,
          name: p.name,
          email: p.email,
          locale: p.locale,
        };
  });
}
