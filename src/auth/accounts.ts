import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../shared/db/connect.js';
import { type AccountMailKind, enqueue, type MailKind } from '../shared/outbox/index.js';
import type { PersonRef } from '../shared/vocabulary.js';
import { hit, type Limit } from './rate-limit.js';

export type Account = { workspaceId: string; person: PersonRef };

/**
 * Every account of an email address, in one workspace or in all of them, with its password hash. Per
 * workspace the member wins over a contact of the same address; a deactivated member stays (`active`
 * false) so that it still hides that contact: it opens nothing, and neither does the contact.
 */
async function accountsOfAddress(db: Db, email: string, workspaceId: string | null) {
  const address = email.trim().toLowerCase();
  const ws = workspaceId?.trim().toLowerCase() ?? null;
  let members = db
    .selectFrom('members')
    .select(['workspace_id', 'id', 'password_hash', 'active'])
    .where((eb) => eb(eb.fn('lower', ['email']), '=', address));
  let contacts = db
    .selectFrom('contacts')
    .select(['workspace_id', 'id', 'password_hash'])
    .where((eb) => eb(eb.fn('lower', ['email']), '=', address));
  if (ws) {
    members = members.where('workspace_id', '=', ws);
    contacts = contacts.where('workspace_id', '=', ws);
  }
  const [memberRows, contactRows] = await Promise.all([
    members.orderBy('workspace_id').execute(),
    contacts.orderBy('workspace_id').execute(),
  ]);
  const withMember = new Set(memberRows.map((m) => m.workspace_id));
  return [
    ...memberRows.map((m) => ({
      workspaceId: m.workspace_id,
      type: 'member' as const,
      id: m.id,
      hash: m.password_hash,
      active: m.active,
    })),
    ...contactRows
      .filter((c) => !withMember.has(c.workspace_id))
      .map((c) => ({
        workspaceId: c.workspace_id,
        type: 'contact' as const,
        id: c.id,
        hash: c.password_hash,
        active: true,
      })),
  ];
}

/** Every account an email address opens (for its emails): in one workspace, or in all of them. */
export async function findAccounts(db: Db, email: string, workspaceId: string | null): Promise<Account[]> {
  return (await accountsOfAddress(db, email, workspaceId))
    .filter((a) => a.active)
    .map((a) => ({ workspaceId: a.workspaceId, person: { type: a.type, id: a.id } }));
}

/**
 * At most this many emails of one kind per account in 15 minutes, whoever asks.
 * Beyond it a request is still answered 202 and sends nothing: nobody can flood a
 * mailbox, and nobody can lock the owner out either, since the owner already holds
 * the links those requests sent (each stays valid for its whole life).
 */
export const ACCOUNT_EMAIL_CAP: Limit = { max: 5, windowSeconds: 15 * 60 };

/** Queues one account email for each account, within the per-account cap. */
export async function sendAccountEmails(
  db: Db,
  accounts: Account[],
  kind: AccountMailKind,
  payload: Record<string, unknown>,
): Promise<number> {
  let sent = 0;
  for (const { workspaceId, person } of accounts) {
    const counted = await hit(
      db,
      `account-mail:${kind}:${workspaceId}:${person.type}:${person.id}`,
      ACCOUNT_EMAIL_CAP,
    );
    if (counted.count > ACCOUNT_EMAIL_CAP.max) continue;
    await enqueueAccountEmail(db, workspaceId, person, kind, payload);
    sent += 1;
  }
  return sent;
}

export async function enqueueAccountEmail(
  db: Db,
  workspaceId: string,
  person: PersonRef,
  kind: AccountMailKind,
  payload: Record<string, unknown>,
): Promise<void> {
  await enqueue(db, workspaceId, [
    { eventId: randomUUID(), kind: kind satisfies MailKind, approvalId: null, recipient: person, payload },
  ]);
}

/**
 * Runs `work` after the answer has gone out, so a request for a known address
 * takes as long to answer as one for an unknown address (no enumeration by
 * timing). A failure is logged, never answered: the caller already has its 202.
 */
export function afterAnswer(log: FastifyBaseLogger, what: string, work: () => Promise<unknown>): void {
  setImmediate(() => {
    work().catch((error: unknown) => log.error({ err: error }, `${what} failed`));
  });
}

/** An account a sign-in may open, with its password hash (null: no password, or a deactivated member). */
export type LoginAccount = {
  workspaceId: string;
  type: 'member' | 'contact';
  id: string;
  hash: string | null;
};

/**
 * The accounts a sign-in with this address may open: in `workspaceId`, or in every workspace when it
 * is null (SPEC §8.3), by the same rules as `findAccounts`; a deactivated member's hash is null.
 */
export async function findLoginAccounts(
  db: Db,
  email: string,
  workspaceId: string | null,
): Promise<LoginAccount[]> {
  return (await accountsOfAddress(db, email, workspaceId)).map((a) => ({
    workspaceId: a.workspaceId,
    type: a.type,
    id: a.id,
    hash: a.active ? a.hash : null,
  }));
}

/** The workspaces of `accounts` for a `choose_workspace` answer, by name. */
export async function workspacesOf(
  db: Db,
  accounts: { workspaceId: string }[],
): Promise<{ id: string; name: string; slug: string }[]> {
  const ids = [...new Set(accounts.map((a) => a.workspaceId))];
  if (ids.length === 0) return [];
  return db
    .selectFrom('workspaces')
    .select(['id', 'name', 'slug'])
    .where('id', 'in', ids)
    .orderBy('name')
    .orderBy('id')
    .execute();
}
