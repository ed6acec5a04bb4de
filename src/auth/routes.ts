import { z } from 'zod';
import { type Db, inTransaction } from '../shared/db/connect.js';
import { invalid, problem, tooManyRequests } from '../shared/errors.js';
import { noContent } from '../shared/http/responses.js';
import { email, id, locale, password, personName } from '../shared/http/schemas.js';
import type { Api, AppDeps } from '../shared/http/types.js';
import { findLoginAccounts, type LoginAccount, workspacesOf } from './accounts.js';
import { invalidCredentials, requirePrincipal } from './authenticate.js';
import { clearSessionCookie, setSessionCookie } from './cookies.js';
import { setPassword } from './password-resets.js';
import { hashPassword, verifyPassword } from './passwords.js';
import type { Principal } from './principal.js';
import { accountKey, addressKey, hit, peek, withAttemptSlot } from './rate-limit.js';
import {
  chooseWorkspaceProblem,
  csrfAnswer,
  meAnswer,
  type notificationsAnswer,
  sessionAnswer,
} from './schemas.js';
import { createSession, currentSessionHash, SESSION_TTL_MS } from './sessions.js';

const loginBody = z.strictObject({
  /** SPEC §8.3: optional; without it, `409 choose_workspace` when the password matches in several. */
  workspaceId: id.optional(),
  email,
  password: z.string().min(1).max(200),
  /** `cookie`: the web app's sign-in; the session goes into an HttpOnly cookie instead of the answer. */
  session: z.enum(['token', 'cookie']).optional(),
});

export function authRoutes(app: Api, { db, rateLimits, now, config }: AppDeps): void {
  app.post(
    '/auth/login',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        body: loginBody,
        response: { 200: sessionAnswer, 409: chooseWorkspaceProblem },
      },
    },
    async (request, reply) => {
      const { workspaceId, email: address, password: given } = request.body;
      const ws = workspaceId?.trim().toLowerCase() ?? null;
      // Without a workspace, the limits count the address over every workspace (`*`).
      const account = accountKey(ws ?? '*', address);
      const clientAddress = addressKey(request.ip);
      // Refused (429): one address that keeps failing, on one account or on any. Never refused:
      // the account itself, whoever fails on it from elsewhere; it is slowed down instead.
      const accountFromAddressKey = `login-fail:account-ip:${account}:${clientAddress}`;
      const ipKey = `login-fail:ip:${clientAddress}`;
      const accountKeyAll = `login-fail:account:${account}`;
      const limit = rateLimits.loginFailures;
      // A slot per attempt in flight, so simultaneous guesses cannot get past the limit.
      return withAttemptSlot(
        db,
        [accountFromAddressKey, ipKey],
        limit,
        async () => {
          const failures = await peek(db, accountKeyAll, limit);
          if (failures.count >= limit.max) await slowDown(failures.count - limit.max);
          const candidates = await findLoginAccounts(db, address, ws);
          // Every candidate's password is checked (one argon2 run even when there is none), so the
          // answer's timing says little about where the address is known.
          const matches: LoginAccount[] = [];
          if (candidates.length === 0) await verifyPassword(null, given);
          for (const candidate of candidates) {
            if (await verifyPassword(candidate.hash, given)) matches.push(candidate);
          }
          if (matches.length === 0) {
            await hit(db, accountFromAddressKey, limit);
            await hit(db, ipKey, limit);
            await hit(db, accountKeyAll, limit);
            throw invalidCredentials();
          }
          if (matches.length > 1) {
            // SPEC §8.6: only someone who knows the password learns the workspaces.
            throw problem(
              'choose_workspace',
              'This email and password open several workspaces: sign in again with one of them',
              { extensions: { workspaces: await workspacesOf(db, matches) } },
            );
          }
          const found = matches[0]!;
          const principal = { type: found.type, id: found.id };
          const token = await createSession(db, found.workspaceId, principal, now());
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

  app.post(
    '/auth/logout',
    { schema: { tags: ['auth'], response: { 204: noContent } } },
    async (request, reply) => {
      const p = requirePrincipal(request);
      const hash = currentSessionHash(request);
      clearSessionCookie(reply, config);
      if (hash) {
        await db
          .updateTable('sessions')
          .set({ revoked_at: now() })
          .where('workspace_id', '=', p.workspaceId)
          .where('token_hash', '=', hash)
          .execute();
      }
      return reply.code(204).send();
    },
  );

  // The web app asks for a CSRF token before its first change (the secret lives in an HttpOnly cookie).
  app.get(
    '/auth/csrf',
    { config: { public: true }, schema: { tags: ['auth'], response: { 200: csrfAnswer } } },
    async (_request, reply) => ({
      csrfToken: reply.generateCsrf(),
    }),
  );

  app.get('/me', { schema: { tags: ['auth'], response: { 200: meAnswer } } }, async (request) => {
    const me = requirePrincipal(request);
    return meView(me, await notificationsOf(db, me));
  });

  // The person's own profile. Only they set their password, and only with the current one.
  app.patch(
    '/me',
    { schema: { tags: ['auth'], body: mePatch, response: { 200: meAnswer } } },
    async (request) => {
      const me = requirePrincipal(request);
      const { password: newPassword, currentPassword, notifications, ...profile } = request.body;
      // The switches are about agents' emails (SPEC §8.2): a contact has none to turn off.
      if (notifications !== undefined && me.type !== 'member') {
        throw invalid('notifications', 'only members have notification preferences');
      }
      const self = { type: me.type, id: me.id };
      const table = me.type === 'member' ? 'members' : 'contacts';
      let passwordHash: string | null = null;
      if (newPassword !== undefined) {
        if (currentPassword === undefined)
          throw invalid('currentPassword', 'is required to change the password');
        const keys = [
          `login-fail:account-ip:${accountKey(me.workspaceId, me.email)}:${addressKey(request.ip)}`,
          `login-fail:ip:${addressKey(request.ip)}`,
        ];
        // A stolen session must not become a way to guess the password: failures count as sign-in failures.
        for (const key of keys) {
          const state = await peek(db, key, rateLimits.loginFailures);
          if (state.count >= rateLimits.loginFailures.max) {
            throw tooManyRequests(state.retryAfterSeconds, 'Too many failed sign-ins');
          }
        }
        const row = await db
          .selectFrom(table)
          .select('password_hash')
          .where('workspace_id', '=', me.workspaceId)
          .where('id', '=', me.id)
          .executeTakeFirstOrThrow();
        if (!row.password_hash) {
          throw invalid('currentPassword', 'you have no password yet: set one through a password reset link');
        }
        if (!(await verifyPassword(row.password_hash, currentPassword))) {
          for (const key of keys) await hit(db, key, rateLimits.loginFailures);
          throw invalid('currentPassword', 'is not your current password');
        }
        passwordHash = await hashPassword(newPassword);
      }
      await inTransaction(db, async (tx) => {
        if (Object.keys(profile).length > 0) {
          await tx
            .updateTable(table)
            .set(profile)
            .where('workspace_id', '=', me.workspaceId)
            .where('id', '=', me.id)
            .execute();
        }
        const switches = {
          ...(notifications?.newTickets !== undefined
            ? { notify_new_tickets: notifications.newTickets }
            : {}),
          ...(notifications?.customerReplies !== undefined
            ? { notify_customer_replies: notifications.customerReplies }
            : {}),
        };
        if (me.type === 'member' && Object.keys(switches).length > 0) {
          await tx
            .updateTable('members')
            .set(switches)
            .where('workspace_id', '=', me.workspaceId)
            .where('id', '=', me.id)
            .execute();
        }
        if (passwordHash) {
          const keep = currentSessionHash(request);
          await setPassword(
            tx,
            me.workspaceId,
            self,
            passwordHash,
            { kind: 'password_changed', actor: self },
            now(),
            keep,
          );
        }
      });
      return meView(
        {
          ...me,
          ...(profile.name !== undefined ? { name: profile.name } : {}),
          ...(profile.locale !== undefined ? { locale: profile.locale } : {}),
        },
        await notificationsOf(db, me),
      );
    },
  );
}

const mePatch = z.strictObject({
  name: personName.optional(),
  locale: locale.nullable().optional(),
  password: password.optional(),
  currentPassword: z.string().max(200).optional(),
  /** Members only (a contact's is 400); a switch left out keeps its value. */
  notifications: z
    .strictObject({ newTickets: z.boolean().optional(), customerReplies: z.boolean().optional() })
    .optional(),
});

type Notifications = z.infer<typeof notificationsAnswer>;

/** A member's switches as stored (members.notify_*); null for a contact. */
async function notificationsOf(db: Db, p: Principal): Promise<Notifications | null> {
  if (p.type !== 'member') return null;
  const row = await db
    .selectFrom('members')
    .select(['notify_new_tickets', 'notify_customer_replies'])
    .where('workspace_id', '=', p.workspaceId)
    .where('id', '=', p.id)
    .executeTakeFirstOrThrow();
  return { newTickets: row.notify_new_tickets, customerReplies: row.notify_customer_replies };
}

function meView(p: Principal, notifications: Notifications | null): z.infer<typeof meAnswer> {
  const base = { id: p.id, workspaceId: p.workspaceId, name: p.name, email: p.email, locale: p.locale };
  return p.type === 'member'
    ? {
        type: 'member',
        ...base,
        role: p.role,
        notifications: notifications ?? { newTickets: true, customerReplies: true },
      }
    : { type: 'contact', ...base };
}

/**
 * Once an account has had `loginFailures.max` failures in the window, from any
 * addresses, each further attempt on it waits before its password is checked:
 * 1 s, growing by 250 ms per further failure up to 5 s. The owner still gets in
 * (a little later); a guesser spread over many addresses gets few guesses.
 */
export const ACCOUNT_SLOWDOWN = { baseMs: 1000, stepMs: 250, maxMs: 5000 } as const;

function slowDown(failuresBeyond: number): Promise<void> {
  const ms = Math.min(
    ACCOUNT_SLOWDOWN.maxMs,
    ACCOUNT_SLOWDOWN.baseMs + failuresBeyond * ACCOUNT_SLOWDOWN.stepMs,
  );
  return new Promise((resolve) => setTimeout(resolve, ms));
}
