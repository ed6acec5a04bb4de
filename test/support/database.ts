import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type DatabaseHandle, openAndMigrate } from '../../src/shared/db/connect.js';

/** The server suites run against: PostgreSQL when TEST_DATABASE_URL is set, otherwise embedded PGlite. */
export const engine = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A new, empty database on the server for one test file; dropped by `drop`. */
export async function createPostgresDatabase(
  baseUrl: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `signoff_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(baseUrl, name),
    async drop() {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export type TestDatabase = { handle: DatabaseHandle; url: string | null; close(): Promise<void> };

/** A fresh, migrated database for one test file: a new PGlite in memory, or a new database on the server. */
export async function openTestDatabase(): Promise<TestDatabase> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) {
    const handle = await openAndMigrate({ engine: 'pglite' });
    return { handle, url: null, close: () => handle.close() };
  }
  const created = await createPostgresDatabase(base);
  const handle = await openAndMigrate({ engine: 'postgres', url: created.url, poolSize: 10 });
  return {
    handle,
    url: created.url,
    async close() {
      await handle.close();
      await created.drop();
    },
  };
}

/**
 * The PostgreSQL server for tests that need one whatever the engine (several
 * processes on one database, row locks): TEST_DATABASE_URL, else the local
 * server, so that plain `npm test` (PGlite) runs them whenever one answers.
 * Null when none answers; under CI that is a failure, never a skip (issue 13).
 */
export async function reachablePostgres(env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const url = env.TEST_DATABASE_URL || DEFAULT_PG_URL;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return url;
  } catch (error) {
    if (env.CI) throw new Error(`PostgreSQL is required under CI but ${url} is unreachable: ${error}`);
    console.warn(`[skip] PostgreSQL not reachable at ${url}; skipping tests that need it`);
    return null;
  }
}
