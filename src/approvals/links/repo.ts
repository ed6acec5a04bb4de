import { randomToken, sha256 } from '../../auth/tokens.js';
import type { Db } from '../../shared/db/connect.js';
import type { PersonRef } from '../core/types.js';

/** The step index stored for an appeal reviewer's link. */
export { APPEAL_STEP } from '../core/links.js';

export type LinkRow = {
  token_hash: string;
  workspace_id: string;
  approval_id: string;
  step_index: number;
  person_type: 'member' | 'contact';
  person_id: string;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
};

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Creates a link for one person, one step and one approval, and returns its
 * token. Called while an email is rendered for delivery: the token goes into
 * the email and only its SHA-256 is stored.
 *
 * The same row carries the email's reply token (SPEC §8.2 reply to approve: the per-recipient
 * `Reply-To` address `{slug}+a{replyToken}@…`), a second random token stored only as its SHA-256: a
 * reply through it lives and dies with the link (used, revoked, expired, step moved on, finished).
 * Two tokens, not one: the link's token is in URLs (browser history, proxies), the reply token in
 * addresses (mail logs); knowing one never gives the other.
 */
export async function mintLink(
  db: Db,
  input: {
    workspaceId: string;
    approvalId: string;
    stepIndex: number;
    person: PersonRef;
    outboxId: string | null;
    expiresAt: Date;
  },
): Promise<{ token: string; replyToken: string }> {
  const token = randomToken();
  const replyToken = randomToken();
  await db
    .insertInto('approval_links')
    .values({
      token_hash: sha256(token),
      reply_token_hash: sha256(replyToken),
      workspace_id: input.workspaceId,
      approval_id: input.approvalId,
      step_index: input.stepIndex,
      person_type: input.person.type,
      person_id: input.person.id,
      outbox_id: input.outboxId,
      expires_at: input.expiresAt,
    })
    .execute();
  return { token, replyToken };
}

/** What a link's checks read: the same row whether it is found by its token or by its reply token. */
const LINK_COLUMNS = [
  'token_hash',
  'workspace_id',
  'approval_id',
  'step_index',
  'person_type',
  'person_id',
  'expires_at',
  'used_at',
  'revoked_at',
] as const;

/** The link of a token; null for a malformed or unknown one (both answer 410 alike). */
export async function findLink(db: Db, token: string, lock = false): Promise<LinkRow | null> {
  if (!TOKEN.test(token)) return null;
  let q = db.selectFrom('approval_links').select(LINK_COLUMNS).where('token_hash', '=', sha256(token));
  if (lock) q = q.forUpdate();
  return (await q.executeTakeFirst()) ?? null;
}

/**
 * The link of an approval email's reply token (SPEC §8.2), in one workspace; null for a malformed or
 * unknown one. `lock`: FOR UPDATE — take the approval's row lock first (see openLink's lock order).
 */
export async function findLinkByReplyToken(
  db: Db,
  workspaceId: string,
  replyToken: string,
  lock = false,
): Promise<LinkRow | null> {
  if (!TOKEN.test(replyToken)) return null;
  let q = db
    .selectFrom('approval_links')
    .select(LINK_COLUMNS)
    .where('workspace_id', '=', workspaceId)
    .where('reply_token_hash', '=', sha256(replyToken));
  if (lock) q = q.forUpdate();
  return (await q.executeTakeFirst()) ?? null;
}

export async function markUsed(db: Db, tokenHash: string, now: Date): Promise<void> {
  await db.updateTable('approval_links').set({ used_at: now }).where('token_hash', '=', tokenHash).execute();
}

/**
 * Kills every live link of one person in a workspace (a member deactivated):
 * they stay dead if the member is reactivated, who then answers through new
 * links or signed in. Call it in the transaction that deactivates.
 */
export async function revokeLinksOfPerson(db: Db, workspaceId: string, person: PersonRef): Promise<number> {
  const result = await db
    .updateTable('approval_links')
    .set({ revoked_at: new Date() })
    .where('workspace_id', '=', workspaceId)
    .where('person_type', '=', person.type)
    .where('person_id', '=', person.id)
    .where('revoked_at', 'is', null)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
