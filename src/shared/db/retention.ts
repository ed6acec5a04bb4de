import { type RawBuilder, sql } from 'kysely';
import type { Db } from './connect.js';

/** How long rows that only the machinery needs are kept once they are done with (`loadConfig` → `retention`). */
export type RetentionPolicy = {
  /** Sent emails (their payload is dropped, the row stays), ended sessions, used or expired sign-in links, password tokens and idempotency keys. */
  days: number;
  /** Used, revoked or expired approval links: longer, because a dead link still tells its reason (SPEC §8.1). */
  approvalLinkDays: number;
};

export const DEFAULT_RETENTION: RetentionPolicy = { days: 30, approvalLinkDays: 90 };

/** Rows touched per statement: PGlite is one connection, so no statement may hold it long. */
const BATCH = 500;
/** Most statements per kind and pass: the next pass carries on where this one stopped. */
const MAX_BATCHES = 20;
/** Counters of rate limits and email quotas: their longest window is one hour, a day old is always stale. */
const COUNTER_DAYS = 1;

export type RetentionReport = Record<string, number>;

const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * 86_400_000);

/**
 * Deletes (or, for sent emails, empties) what nobody relies on any more, in
 * bounded batches. It never touches activity, audit events, decisions,
 * comments, tickets or approvals. Runs across workspaces: it is the
 * operator's clean-up, not a request of one workspace.
 */
export async function cleanUp(
  db: Db,
  now: Date,
  policy: RetentionPolicy = DEFAULT_RETENTION,
): Promise<RetentionReport> {
  const cutoff = daysBefore(now, policy.days);
  const linkCutoff = daysBefore(now, policy.approvalLinkDays);
  const counterCutoff = daysBefore(now, COUNTER_DAYS);
  const ended = (column: string, when: Date) => sql`${sql.ref(column)} < ${when}`;
  const deletions: Array<[table: string, condition: RawBuilder<unknown>]> = [
    ['sessions', sql`(${ended('expires_at', cutoff)} OR ${ended('revoked_at', cutoff)})`],
    ['sign_in_links', sql`(${ended('expires_at', cutoff)} OR ${ended('used_at', cutoff)})`],
    ['password_tokens', sql`(${ended('expires_at', cutoff)} OR ${ended('used_at', cutoff)})`],
    [
      'approval_links',
      sql`(${ended('expires_at', linkCutoff)} OR ${ended('used_at', linkCutoff)} OR ${ended('revoked_at', linkCutoff)})`,
    ],
    ['idempotency_keys', ended('created_at', cutoff)],
    ['rate_limits', ended('window_start', counterCutoff)],
    ['email_quota_usage', ended('window_start', counterCutoff)],
  ];
  const report: RetentionReport = {};
  for (const [table, condition] of deletions) {
    report[table] = await inBatches(
      (limit) => sql`
        DELETE FROM ${sql.table(table)} WHERE ctid IN (
          SELECT ctid FROM ${sql.table(table)} WHERE ${condition} LIMIT ${limit})`,
      db,
    );
  }
  // Sent emails keep their row (message id for reply threading, approval links point at it) and lose
  // the payload; dead ones stay whole for the operator to look into.
  report.outbox_payloads = await inBatches(
    (limit) => sql`
      UPDATE outbox SET payload = '{}'::jsonb WHERE ctid IN (
        SELECT ctid FROM outbox WHERE status = 'sent' AND sent_at < ${cutoff} AND payload <> '{}'::jsonb LIMIT ${limit})`,
    db,
  );
  return report;
}

async function inBatches(statement: (limit: number) => RawBuilder<unknown>, db: Db): Promise<number> {
  let total = 0;
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const result = await statement(BATCH).execute(db);
    const affected = Number(result.numAffectedRows ?? 0);
    total += affected;
    if (affected < BATCH) break;
  }
  return total;
}
