import { sql } from 'kysely';
import type { Db } from '../shared/db/connect.js';

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

export async function reset(db: Db, key: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('key', '=', key).execute();
}

function toState(row: { count: number; window_start: Date }, limit: Limit): LimitState {
  const ends = new Date(row.window_start).getTime() + limit.windowSeconds * 1000;
  return { count: row.count, retryAfterSeconds: Math.max(1, Math.ceil((ends - Date.now()) / 1000)) };
}
