/**
 * A fresh database for one scenario on either engine, seeded from this
 * process and then served by the real server in its own process
 * (`node --import tsx src/main.ts`), exactly as `npm start` runs it.
 *
 * PGlite has one owner: the seeding handle is closed before the server opens
 * the data folder, and reopened only after the server has stopped.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DatabaseHandle, openAndMigrate } from '../../src/shared/db/connect.js';
import { createPostgresDatabase } from '../../test/support/database.js';
import { type ServerProcess, spawnServer } from '../../test/support/processes.js';

export type Engine = 'pglite' | 'postgres';

export const PG_BASE = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export type BenchDatabase = {
  engine: Engine;
  /** The PostgreSQL URL of this scenario's database (postgres only). */
  url: string | null;
  open(): Promise<DatabaseHandle>;
  serve(env?: Record<string, string>, nodeArgs?: string[]): Promise<ServerProcess>;
  drop(): Promise<void>;
};

export async function benchDatabase(engine: Engine): Promise<BenchDatabase> {
  if (engine === 'postgres') {
    const created = await createPostgresDatabase(PG_BASE);
    return {
      engine,
      url: created.url,
      open: () => openAndMigrate({ engine: 'postgres', url: created.url, poolSize: 10 }),
      serve: (env = {}, nodeArgs = []) =>
        spawnServer(created.url, {
          env: { WORKER: 'off', LOG_LEVEL: 'warn', ...env },
          readyTimeoutMs: 120_000,
          nodeArgs,
        }),
      drop: () => created.drop(),
    };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'signoff-bench-'));
  return {
    engine,
    url: null,
    // Where the server keeps its PGlite database inside DATA_DIR (src/shared/config.ts).
    open: () => openAndMigrate({ engine: 'pglite', dataDir: join(dataDir, 'pglite') }),
    serve: (env = {}, nodeArgs = []) =>
      spawnServer('', {
        env: { WORKER: 'off', LOG_LEVEL: 'warn', DATA_DIR: dataDir, ...env },
        readyTimeoutMs: 300_000,
        nodeArgs,
      }),
    async drop() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
