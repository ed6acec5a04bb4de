import { sql } from 'kysely';
import type { Db } from '../shared/db/connect.js';
import { DEFAULT_POLICY, type DeliveryPolicy } from './policy.js';
import type { MailTransport, OutgoingEmail } from './transport.js';

export type OutboxRow = {
  workspace_id: string;
  id: string;
  event_id: string;
  kind: string;
  approval_id: string | null;
  recipient_type: 'member' | 'contact';
  recipient_id: string;
  payload: Record<string, unknown>;
  attempts: number;
  created_at: Date;
};

export function backoffMs(attempts: number, policy: DeliveryPolicy): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
}

/** Stable per event and recipient: a retried or re-sent email carries the same id. */
export function messageIdOf(
  row: Pick<OutboxRow, 'event_id' | 'recipient_type' | 'recipient_id'>,
  domain: string,
): string {
  return `<${row.event_id}.${row.recipient_type}.${row.recipient_id}@${domain}>`;
}

/**
 * Emails of over-quota workspaces moved to the next hour per claim: a backlog of tens of thousands is
 * deferred over several claims, so no single statement holds the embedded database for long.
 */
const DEFER_AT_ONCE = 1000;

/**
 * Claims up to `limit` due messages: several workers (and processes) share the
 * outbox safely, since SKIP LOCKED hands each row to one claimer and the lease
 * keeps it theirs until they finish or die.
 *
 * Fair across workspaces (issue 10 item 5): due rows are ranked within their workspace, and a claim takes
 * every workspace's first row, then every workspace's second, and so on, so one workspace's backlog never
 * queues another's email behind it. Each workspace sends at most its quota per clock hour (its own
 * `email_quota_per_hour`, else `policy.defaultQuotaPerHour`), counted in `email_quota_usage` by this very
 * statement; the due rows of a workspace whose quota is used up wait for the next hour (their
 * `next_attempt_at` moves there, `DEFER_AT_ONCE` at a time): delayed, never lost, and no longer ranked by
 * every claim meanwhile.
 * Two claims at once may together overshoot a quota by a batch: it is a bound on abuse, not an invoice.
 */
export async function claimDue(
  db: Db,
  policy: DeliveryPolicy,
  limit = policy.batchSize,
): Promise<OutboxRow[]> {
  const { rows } = await sql<OutboxRow>`
    WITH ranked AS (
      SELECT workspace_id, id, next_attempt_at, seq,
        row_number() OVER (PARTITION BY workspace_id ORDER BY next_attempt_at, seq) AS turn
      FROM outbox
      WHERE status = 'pending' AND next_attempt_at <= now() AND (locked_until IS NULL OR locked_until < now())
    ),
    allowance AS (
      SELECT w.id AS workspace_id,
        coalesce(w.email_quota_per_hour, ${policy.defaultQuotaPerHour}::int) - coalesce(u.claimed, 0) AS remaining
      FROM workspaces w
      LEFT JOIN email_quota_usage u ON u.workspace_id = w.id AND u.window_start = date_trunc('hour', now())
      WHERE w.id IN (SELECT workspace_id FROM ranked)
    ),
    picked AS (
      SELECT r.workspace_id, r.id
      FROM ranked r JOIN allowance a ON a.workspace_id = r.workspace_id
      WHERE r.turn <= a.remaining
      ORDER BY r.turn, r.next_attempt_at, r.seq
      LIMIT ${limit}
    ),
    due AS (
      SELECT o.workspace_id, o.id FROM outbox o JOIN picked p ON o.workspace_id = p.workspace_id AND o.id = p.id
      WHERE o.status = 'pending' AND (o.locked_until IS NULL OR o.locked_until < now())
      FOR UPDATE OF o SKIP LOCKED
    ),
    claimed AS (
      UPDATE outbox o
      SET locked_until = now() + make_interval(secs => ${policy.leaseMs / 1000}), attempts = o.attempts + 1
      FROM due
      WHERE o.workspace_id = due.workspace_id AND o.id = due.id
      RETURNING o.workspace_id, o.id, o.event_id, o.kind, o.approval_id, o.recipient_type, o.recipient_id,
        o.payload, o.attempts, o.created_at
    ),
    counted AS (
      INSERT INTO email_quota_usage (workspace_id, window_start, claimed)
      SELECT workspace_id, date_trunc('hour', now()), count(*) FROM claimed
      GROUP BY workspace_id ORDER BY workspace_id
      ON CONFLICT (workspace_id, window_start) DO UPDATE SET claimed = email_quota_usage.claimed + excluded.claimed
    ),
    over_quota AS (
      SELECT o.workspace_id, o.id
      FROM outbox o JOIN allowance a ON a.workspace_id = o.workspace_id AND a.remaining <= 0
      WHERE o.status = 'pending' AND o.next_attempt_at <= now() AND (o.locked_until IS NULL OR o.locked_until < now())
      LIMIT ${DEFER_AT_ONCE}
      FOR UPDATE OF o SKIP LOCKED
    ),
    deferred AS (
      UPDATE outbox o SET next_attempt_at = date_trunc('hour', now()) + interval '1 hour'
      FROM over_quota q
      WHERE o.workspace_id = q.workspace_id AND o.id = q.id
    ),
    forgotten AS (
      DELETE FROM email_quota_usage WHERE window_start < date_trunc('hour', now()) - interval '1 hour'
    )
    SELECT * FROM claimed`.execute(db);
  return rows;
}

type Sent = { row: OutboxRow; messageId: string };

/** Records delivered messages, several in one UPDATE. */
export async function markSent(db: Db, sent: Sent[]): Promise<void> {
  if (sent.length === 0) return;
  await sql`
    UPDATE outbox o SET status = 'sent', sent_at = now(), locked_until = NULL, message_id = v.message_id,
      last_error = NULL
    FROM (VALUES ${sql.join(sent.map((s) => sql`(${s.row.workspace_id}::uuid, ${s.row.id}::uuid, ${s.messageId}::text)`))})
      AS v(workspace_id, id, message_id)
    WHERE o.workspace_id = v.workspace_id AND o.id = v.id`.execute(db);
}

async function markFailed(db: Db, row: OutboxRow, error: unknown, policy: DeliveryPolicy) {
  const dead = row.attempts >= policy.maxAttempts;
  const message = error instanceof Error ? error.message : String(error);
  await db
    .updateTable('outbox')
    .set({
      status: dead ? 'dead' : 'pending',
      locked_until: null,
      last_error: message.slice(0, 1000),
      next_attempt_at: sql`now() + make_interval(secs => ${backoffMs(row.attempts, policy) / 1000})`,
    })
    .where('workspace_id', '=', row.workspace_id)
    .where('id', '=', row.id)
    .execute();
}

/** Hands rows claimed but never attempted back at once (the worker is stopping), rather than after their lease. */
async function release(db: Db, rows: OutboxRow[]) {
  if (rows.length === 0) return;
  await sql`
    UPDATE outbox o SET locked_until = NULL, attempts = o.attempts - 1
    FROM (VALUES ${sql.join(rows.map((r) => sql`(${r.workspace_id}::uuid, ${r.id}::uuid, ${r.attempts}::int)`))})
      AS v(workspace_id, id, attempts)
    WHERE o.workspace_id = v.workspace_id AND o.id = v.id AND o.status = 'pending' AND o.attempts = v.attempts`.execute(
    db,
  );
}

/** Renders a row; `cache` is shared by the rows of one claim, so rows of one approval share what they load. */
export type Composer = (
  db: Db,
  row: OutboxRow,
  messageId: string,
  cache: Map<string, unknown>,
) => Promise<OutgoingEmail>;

export type Logger = {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
};

type Claimed = { row: OutboxRow; cache: Map<string, unknown>; claimedAt: number };

const keyOf = (row: OutboxRow) => `${row.workspace_id}:${row.id}`;

/**
 * Delivers the outbox: claim, compose (minting links), send, record. At least once; Message-ID makes it idempotent.
 *
 * A pipeline rather than batch after batch: `concurrency` lanes each compose and send one email after
 * another, taking them from a small queue that the claimer refills (FOR UPDATE SKIP LOCKED, with a lease)
 * as soon as it runs low, so one slow email never holds up the others. The claimer only sleeps when a
 * claim found less than it asked for, until `pollMs` has passed or `wake()` is called (a NOTIFY on
 * PostgreSQL, see ./wake.ts). Delivered emails are recorded together, in one UPDATE per flush.
 */
export class DeliveryWorker {
  #stopped = true;
  #loop: Promise<void> | null = null;
  #queue: Claimed[] = [];
  /** Rows this worker holds (queued or being delivered): never delivered twice by it, even if claimed again. */
  #held = new Set<string>();
  /** Set by `wake()`; cleared when the claimer looks for due rows. */
  #woken = false;
  /** Lanes waiting for the queue to fill. */
  #idleLanes: (() => void)[] = [];
  /** The claimer, when it waits: for the queue to run low ('refill'), or for the poll or a wake-up ('idle'). */
  #claimerWaits: { why: 'refill' | 'idle'; resume: () => void } | null = null;
  #marks: { sent: Sent; done: (error?: unknown) => void }[] = [];
  #flushing: Promise<void> | null = null;

  constructor(
    private readonly deps: {
      db: Db;
      transport: MailTransport;
      compose: Composer;
      messageIdDomain: string;
      policy?: Partial<DeliveryPolicy>;
      log?: Logger;
    },
  ) {}

  get policy(): DeliveryPolicy {
    return { ...DEFAULT_POLICY, ...this.deps.policy };
  }

  /** Something new may be due: look at once instead of at the next poll. */
  wake(): void {
    this.#woken = true;
    this.#resumeClaimer();
  }

  #resumeClaimer(only?: 'refill') {
    const waits = this.#claimerWaits;
    if (!waits || (only && waits.why !== only)) return;
    this.#claimerWaits = null;
    waits.resume();
  }

  /** Waits up to `ms` for `#resumeClaimer()`. */
  #claimerWait(why: 'refill' | 'idle', ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#claimerWaits = null;
        resolve();
      }, ms);
      this.#claimerWaits = {
        why,
        resume: () => {
          clearTimeout(timer);
          resolve();
        },
      };
    });
  }

  #resumeLanes(count: number) {
    for (let i = 0; i < count && this.#idleLanes.length > 0; i++) this.#idleLanes.shift()!();
  }

  /**
   * One pass, for tests and tools: claims one batch and delivers it completely. Returns how many
   * messages it handled. Not to be mixed with `start()`.
   */
  async runOnce(): Promise<number> {
    const policy = this.policy;
    const rows = await claimDue(this.deps.db, policy);
    const cache = new Map<string, unknown>();
    let next = 0;
    const lanes = Array.from({ length: Math.min(policy.concurrency, rows.length) }, async () => {
      while (next < rows.length) await this.#deliver(rows[next++]!, cache, policy);
    });
    await Promise.all(lanes);
    return rows.length;
  }

  async #deliver(row: OutboxRow, cache: Map<string, unknown>, policy: DeliveryPolicy): Promise<void> {
    const { db, transport, compose, messageIdDomain, log } = this.deps;
    const messageId = messageIdOf(row, messageIdDomain);
    let sent = false;
    try {
      const email = await compose(db, row, messageId, cache);
      await transport.send(email);
      sent = true;
      await this.#recordSent({ row, messageId });
    } catch (error) {
      if (sent) {
        // Delivered but not recorded (the database connection dropped): record it again rather than
        // send it twice. If that keeps failing the row stays leased and is re-sent after the lease.
        for (let attempt = 1; attempt <= 5; attempt++) {
          await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
          try {
            await markSent(db, [{ row, messageId }]);
            return;
          } catch {
            // retried below
          }
        }
        log?.error({ err: error, outboxId: row.id }, 'email sent but not recorded as sent');
        return;
      }
      log?.warn({ err: error, outboxId: row.id, attempts: row.attempts }, 'email delivery failed');
      await markFailed(db, row, error, policy).catch((e) =>
        log?.error({ err: e }, 'could not record failure'),
      );
    }
  }

  /**
   * Records a delivered email; emails delivered while an UPDATE is under way are recorded by the next
   * one, together. Resolves once this one is recorded, so a lane has at most one email delivered and
   * not yet recorded.
   */
  #recordSent(sent: Sent): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#marks.push({ sent, done: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!this.#flushing) this.#flushing = this.#flush();
    });
  }

  async #flush(): Promise<void> {
    while (this.#marks.length > 0) {
      const marks = this.#marks;
      this.#marks = [];
      try {
        await markSent(
          this.deps.db,
          marks.map((m) => m.sent),
        );
        for (const m of marks) m.done();
      } catch (error) {
        for (const m of marks) m.done(error ?? new Error('markSent failed'));
      }
    }
    this.#flushing = null;
  }

  /** A lane: delivers queued emails one after the other until the worker stops. */
  async #lane(policy: DeliveryPolicy): Promise<void> {
    for (;;) {
      const item = this.#queue.shift();
      if (!item) {
        if (this.#stopped) return;
        await new Promise<void>((resolve) => this.#idleLanes.push(resolve));
        continue;
      }
      // Running low: the claimer refills while this lane works.
      if (this.#queue.length < policy.concurrency) this.#resumeClaimer('refill');
      const key = keyOf(item.row);
      // Waited so long that its lease may run out mid-send and another worker take it: leave it to them.
      if (Date.now() - item.claimedAt > policy.leaseMs / 2) {
        this.#held.delete(key);
        continue;
      }
      try {
        await this.#deliver(item.row, item.cache, policy);
      } finally {
        this.#held.delete(key);
      }
    }
  }

  /** The claimer: keeps the queue stocked while rows are due, then sleeps until the poll or a wake-up. */
  async #claimer(policy: DeliveryPolicy): Promise<void> {
    const { db, log } = this.deps;
    const capacity = Math.max(policy.batchSize, policy.concurrency);
    while (!this.#stopped) {
      // Enough queued for every lane: wait until the lanes have taken some.
      if (this.#queue.length >= policy.concurrency) {
        await this.#claimerWait('refill', policy.pollMs);
        continue;
      }
      this.#woken = false;
      const room = Math.min(policy.batchSize, capacity - this.#queue.length);
      let rows: OutboxRow[];
      try {
        rows = await claimDue(db, policy, room);
      } catch (error) {
        log?.error({ err: error }, 'delivery pass failed');
        await this.#claimerWait('idle', policy.pollMs);
        continue;
      }
      if (this.#stopped) {
        await release(db, rows).catch(() => {});
        break;
      }
      const cache = new Map<string, unknown>();
      const claimedAt = Date.now();
      let queued = 0;
      for (const row of rows) {
        const key = keyOf(row);
        if (this.#held.has(key)) continue;
        this.#held.add(key);
        this.#queue.push({ row, cache, claimedAt });
        queued++;
      }
      this.#resumeLanes(queued);
      // Fewer than asked for: nothing else is due now. Sleep until the poll, unless woken meanwhile.
      if (rows.length < room && !this.#woken) await this.#claimerWait('idle', policy.pollMs);
    }
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    const policy = this.policy;
    this.#loop = (async () => {
      const lanes = Array.from({ length: policy.concurrency }, () => this.#lane(policy));
      await this.#claimer(policy);
      await Promise.all(lanes);
    })().catch((error) => this.deps.log?.error({ err: error }, 'delivery worker failed'));
  }

  /** Stops claiming, finishes the emails being delivered, and hands the others back. */
  async stop(): Promise<void> {
    if (this.#stopped) {
      await this.#loop;
      return;
    }
    this.#stopped = true;
    const unstarted = this.#queue.splice(0);
    for (const item of unstarted) this.#held.delete(keyOf(item.row));
    this.#resumeClaimer();
    this.#resumeLanes(this.#idleLanes.length);
    await this.#loop;
    this.#loop = null;
    await this.#flushing;
    await release(
      this.deps.db,
      unstarted.map((i) => i.row),
    ).catch((error) => this.deps.log?.warn({ err: error }, 'could not hand back claimed emails'));
  }
}
