import { PGlite } from '@electric-sql/pglite';
import { Kysely, type OperationNodeSource, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { lockDataDir } from './data-dir.js';
import { migrateToLatest } from './migrate.js';
import { PGliteDialect } from './pglite-dialect.js';
import type { Database } from './schema.js';

// int8 (counts, identity columns) as numbers, as PGlite returns them.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

export type Engine = 'pglite' | 'postgres';

export type Db = Kysely<Database>;

export type DatabaseHandle = {
  db: Db;
  engine: Engine;
  /** The embedded engine, for tools (pg-boss) that speak to it directly. */
  pglite?: PGlite;
  pool?: pg.Pool;
  close(): Promise<void>;
};

export type DatabaseOptions =
  | {
      engine: 'postgres';
      url: string;
      poolSize?: number;
      /** Wait at most this for a pooled connection (pg's connectionTimeoutMillis); none when absent. */
      acquireTimeoutMs?: number;
      /** PostgreSQL's statement_timeout for every query; none when absent or 0. */
      statementTimeoutMs?: number;
    }
  /** `dataDir` undefined keeps the database in memory (tests). */
  | { engine: 'pglite'; dataDir?: string };

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.engine === 'postgres') {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      // Both run out as errors that the API answers with 503 and Retry-After (shared/http/problem.ts).
      ...(options.acquireTimeoutMs ? { connectionTimeoutMillis: options.acquireTimeoutMs } : {}),
      ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    });
    // An idle client whose server connection dies must not crash the process.
    pool.on('error', () => {});
    // Nor one checked out between two queries of a transaction (pg_terminate_backend, failover): pg emits
    // 'error' on the client, which has no listener then. Its next query fails instead (503), and the pool
    // discards it on release.
    pool.on('connect', (client) => {
      client.on('error', () => {});
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, engine: 'postgres', pool, close: () => db.destroy() };
  }
  // One process per folder (two would each keep their own copy and lose the other's writes), and a
  // readable message for a read-only or full folder instead of PGlite's WASM `RuntimeError: unreachable`.
  const lock = options.dataDir ? lockDataDir(options.dataDir) : null;
  try {
    const pglite = options.dataDir ? new PGlite(options.dataDir) : new PGlite();
    await pglite.waitReady;
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
    return {
      db,
      engine: 'pglite',
      pglite,
      close: async () => {
        await db.destroy();
        await pglite.close();
        lock?.release();
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}

export async function openAndMigrate(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.engine === 'postgres' && options.statementTimeoutMs) {
    // Migrations (an index on a big table) may rightly take longer than any request: on a pool of their own.
    const migrating = await openDatabase({ ...options, poolSize: 1, statementTimeoutMs: 0 });
    try {
      await migrateToLatest(migrating.db as unknown as Kysely<unknown>);
    } finally {
      await migrating.close();
    }
    return openDatabase(options);
  }
  const handle = await openDatabase(options);
  await migrateToLatest(handle.db as unknown as Kysely<unknown>);
  return handle;
}

export async function ping(db: Db): Promise<void> {
  await sql`SELECT 1`.execute(db);
}

/** Runs `fn` in a transaction, joining the caller's when `db` already is one. */
export function inTransaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

/**
 * Runs several statements as one, each in a WITH query of its own: one round
 * trip instead of one each. Every statement must return rows (an INSERT,
 * UPDATE or DELETE with RETURNING, or a SELECT such as one taking row
 * locks); answers how many rows each returned.
 *
 * They all run on the snapshot the statement starts with, and none sees the
 * rows another one writes: combine only statements that do not depend on each
 * other. A later statement of the transaction sees all their changes.
 */
export async function executeAsOne(db: Db, statements: OperationNodeSource[]): Promise<number[]> {
  if (statements.length === 0) return [];
  const name = (i: number) => sql.ref(`s${i}`);
  const { rows } = await sql<Record<string, number>>`
    WITH ${sql.join(statements.map((s, i) => sql`${name(i)} AS (${s})`))}
    SELECT ${sql.join(statements.map((_, i) => sql`(SELECT count(*) FROM ${name(i)})::int AS ${name(i)}`))}`.execute(
    db,
  );
  const counts = rows[0]!;
  return statements.map((_, i) => Number(counts[`s${i}`]));
}
