/**
 * The real app in this process over a Kysely instance that records every
 * statement it sends (with its parameters), on the same connections as
 * `handle`: for counting round trips and for EXPLAINing what a request ran.
 */

import { Kysely, PostgresDialect } from 'kysely';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/shared/config.js';
import type { DatabaseHandle } from '../../src/shared/db/connect.js';
import { PGliteDialect } from '../../src/shared/db/pglite-dialect.js';
import type { Database } from '../../src/shared/db/schema.js';

export type RecordedStatement = { level: 'query' | 'error'; sql: string; parameters: readonly unknown[] };

export async function recordingApp(handle: DatabaseHandle) {
  const statements: RecordedStatement[] = [];
  const db = new Kysely<Database>({
    // A second PGlite dialect has its own mutex: only for code that runs one request at a time.
    dialect: handle.pool ? new PostgresDialect({ pool: handle.pool }) : new PGliteDialect(handle.pglite!),
    log(event) {
      statements.push({ level: event.level, sql: event.query.sql, parameters: event.query.parameters });
    },
  });
  const app = await buildApp({
    database: { ...handle, db },
    config: loadConfig({ ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: '', SMTP_URL: '' }),
    logger: false,
  });
  await app.ready();
  return { app, statements };
}
