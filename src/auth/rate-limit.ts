import { sql } from 'kysely';
import type { Db } from '../shared/db/connect.js';
import { tooManyRequests } from '../shared/errors.js';

export type Limit = { max: number; windowSeconds: number };

export type LimitState = { count: number; retryAfterSeconds: number };

/**
 * Fixed-window counters in PostgreSQL, so every API process sees the same
 * counts. `hit` adds one and returns the count in the current window.
 */
export async function hit(db: Db, key: string, limit: Limit): Promise<LimitState> {
  const { rows } = await sql<{ count: number; window_start: Date }>`
    INSERT INTO rate_limits AS r (key, window_start, count) VALUES (${key}, now(), 1)
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN r.window_start <= now() - make_interval(secs => ${limit.windowSeconds}) THEN 1 ELSE r.count + 1 END,
      window_start = CASE WHEN r.window_start <= now() - make_interval(secs => ${limit.windowSeconds}) THEN now() ELSE r.window_start END
    RETURNING count, window_start`.execute(db);
  return toState(rows[0]!, limit);
}

/** The count in the current window without adding to it. */
export async function peek(db: Db, key: string, limit: Limit): Promise<LimitState> {
  const row = await db
    .selectFrom('rate_limits')
    .select(['count', 'window_start'])
    .where('key', '=', key)
    .where(sql<boolean>`window_start > now() - make_interval(secs => ${limit.windowSeconds})`)
    .executeTakeFirst();
  return row ? toState(row, limit) : { count: 0, retryAfterSeconds: 0 };
}

/** Gives back one count taken by `hit` (never below zero). */
export async function release(db: Db, key: string): Promise<void> {
  await sql`UPDATE rate_limits SET count = greatest(count - 1, 0) WHERE key = ${key}`.execute(db);
}

/**
 * Runs `attempt` holding an in-flight slot on each of `keys` (counted under
 * `<key>:inflight`), so that failures plus attempts in flight never exceed
 * `limit.max`: simultaneous attempts cannot all pass a check made before any
 * of them is counted. `attempt` records its own failure with `hit(key)`.
 * Answers 429 when the failures alone reach the limit; when attempts in
 * flight fill it, waits for them to finish (they take milliseconds), so
 * simultaneous good attempts are slowed, never refused.
 */
export async function withAttemptSlot<T>(
  db: Db,
  keys: string[],
  limit: Limit,
  attempt: () => Promise<T>,
  message: string,
): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    for (const key of keys) {
      const state = await peek(db, key, limit);
      if (state.count >= limit.max) throw tooManyRequests(state.retryAfterSeconds, message);
    }
    const taken: string[] = [];
    let full = false;
    for (const key of keys) {
      const inflight = await hit(db, `${key}:inflight`, limit);
      taken.push(`${key}:inflight`);
      const failures = await peek(db, key, limit);
      if (failures.count + inflight.count > limit.max) {
        full = true;
        break;
      }
    }
    if (!full) {
      try {
        return await attempt();
      } finally {
        for (const key of taken) await release(db, key);
      }
    }
    for (const key of taken) await release(db, key);
    if (Date.now() > deadline) throw tooManyRequests(1, message);
    await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40));
  }
}

export async function reset(db: Db, key: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('key', '=', key).execute();
}

function toState(row: { count: number; window_start: Date }, limit: Limit): LimitState {
  const ends = new Date(row.window_start).getTime() + limit.windowSeconds * 1000;
  return { count: row.count, retryAfterSeconds: Math.max(1, Math.ceil((ends - Date.now()) / 1000)) };
}

/**
 * The address part of a limit's key: an IPv4-mapped IPv6 address counts as its
 * IPv4 address, and an IPv6 address by its /64 (one subscriber usually holds a
 * whole /64, so counting single addresses would let them rotate freely).
 */
export function addressKey(ip: string): string {
  const address = ip.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** The account part of a limit's key: workspace id and email, trimmed and in lower case. */
export function accountKey(workspaceId: string, email: string): string {
  return `${workspaceId.trim().toLowerCase()}:${email.trim().toLowerCase()}`;
}
