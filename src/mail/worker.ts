import { sql } from 'kysely';
import type { Db } from '../shared/db/connect.js';
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

export type DeliveryPolicy = {
  batchSize: number;
  /** Attempts before a message is dead (listed for admins, who may retry it). */
  maxAttempts: number;
  /** First retry delay; doubles each attempt up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long a claimed message is reserved for the worker that claimed it. */
  leaseMs: number;
  pollMs: number;
  /** Emails sent at the same time. */
  concurrency: number;
};

export const DEFAULT_POLICY: DeliveryPolicy = {
  batchSize: 50,
  maxAttempts: 8,
  baseDelayMs: 5_000,
  maxDelayMs: 3_600_000,
  leaseMs: 120_000,
  pollMs: 1_000,
  concurrency: 5,
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
 * Claims due messages: several workers (and processes) share the outbox
 * safely, since SKIP LOCKED hands each row to one claimer and the lease keeps
 * it theirs until they finish or die.
 */
export async function claimDue(db: Db, policy: DeliveryPolicy): Promise<OutboxRow[]> {
  const { rows } = await sql<OutboxRow>`
    UPDATE outbox o SET locked_until = now() + make_interval(secs => ${policy.leaseMs / 1000}), attempts = o.attempts + 1
    FROM (
      SELECT workspace_id, id FROM outbox
      WHERE status = 'pending' AND next_attempt_at <= now() AND (locked_until IS NULL OR locked_until < now())
      ORDER BY next_attempt_at, seq
      LIMIT ${policy.batchSize}
      FOR UPDATE SKIP LOCKED
    ) due
    WHERE o.workspace_id = due.workspace_id AND o.id = due.id
    RETURNING o.workspace_id, o.id, o.event_id, o.kind, o.approval_id, o.recipient_type, o.recipient_id, o.payload,
      o.attempts, o.created_at`.execute(db);
  return rows;
}

async function markSent(db: Db, row: OutboxRow, messageId: string) {
  await db
    .updateTable('outbox')
    .set({ status: 'sent', sent_at: sql`now()`, locked_until: null, message_id: messageId, last_error: null })
    .where('workspace_id', '=', row.workspace_id)
    .where('id', '=', row.id)
    .execute();
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

/** Renders a row; `cache` lives for one batch, so rows of one approval share what they load. */
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

/** Delivers the outbox: claim, compose (minting links), send, record. At least once; Message-ID makes it idempotent. */
export class DeliveryWorker {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #stopped = true;

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

  /** One pass: returns how many messages it handled. */
  async runOnce(): Promise<number> {
    const { db, transport, compose, messageIdDomain, log } = this.deps;
    const policy = this.policy;
    const rows = await claimDue(db, policy);
    const cache = new Map<string, unknown>();
    const deliver = async (row: OutboxRow) => {
      const messageId = messageIdOf(row, messageIdDomain);
      let sent = false;
      try {
        const email = await compose(db, row, messageId, cache);
        await transport.send(email);
        sent = true;
        await markSent(db, row, messageId);
      } catch (error) {
        if (sent) {
          // Delivered but not recorded (the database connection dropped): record it again rather than
          // send it twice. If that keeps failing the row stays leased and is re-sent after the lease.
          for (let attempt = 1; attempt <= 5; attempt++) {
            await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
            try {
              await markSent(db, row, messageId);
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
    };
    // A few sends in flight at once, as many as the SMTP pool has connections.
    let next = 0;
    const lanes = Array.from({ length: Math.min(policy.concurrency, rows.length) }, async () => {
      while (next < rows.length) await deliver(rows[next++]!);
    });
    await Promise.all(lanes);
    return rows.length;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    const tick = async () => {
      if (this.#stopped) return;
      this.#running = (async () => {
        try {
          // Drain while there is work, then wait for the next poll.
          while (!this.#stopped && (await this.runOnce()) > 0) {}
        } catch (error) {
          this.deps.log?.error({ err: error }, 'delivery pass failed');
        }
      })();
      await this.#running;
      this.#running = null;
      if (!this.#stopped) this.#timer = setTimeout(tick, this.policy.pollMs);
    };
    this.#timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running;
  }
}
