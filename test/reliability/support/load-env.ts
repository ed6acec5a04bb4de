import { sql } from 'kysely';
import { type DatabaseHandle, type Db, openDatabase } from '../../../src/shared/db/connect.js';
import { createPostgresDatabase, reachablePostgres } from '../../support/database.js';
import { type ServerProcess, spawnServer } from '../../support/processes.js';
import { type SmtpSink, startSmtpSink } from '../../support/smtp-sink.js';
import { spawnWorker, type WorkerProcess } from '../../support/worker-process.js';

/**
 * The set-up of the load, crash and fault suites: one fresh PostgreSQL database, several
 * real API processes (`src/main.ts` with WORKER=off), one real delivery worker
 * (`src/worker-main.ts`) and a real SMTP sink in the test process. Everything on 127.0.0.1.
 */

export type LoadEnv = {
  dbUrl: string;
  /** The test's own connection (a small pool) for the audit and the faults. */
  db: Db;
  dbName: string;
  sink: SmtpSink;
  /** The live API processes; a killed one is taken out until it is replaced. */
  servers: (ServerProcess | null)[];
  worker: WorkerProcess | null;
  /** Base URLs of the API processes that are up, for the load's clients. */
  urls(): string[];
  /** SIGKILL of API process `i`; resolves once it is gone. */
  killServer(i: number): Promise<number>;
  /** A fresh API process in slot `i` on the same database. */
  restartServer(i: number): Promise<ServerProcess>;
  /** SIGKILL of the worker; resolves with the database clock at its death. */
  killWorker(): Promise<Date>;
  startWorker(extra?: Record<string, string>): Promise<WorkerProcess>;
  /** Output of every process so far, for failure messages. */
  dump(): string;
  close(): Promise<void>;
};

export const PROCESS_LOG_ERROR = /"level":(50|60)/;

export async function startLoadEnv(
  pgBase: string,
  options: { apiProcesses?: number; workerEnv?: Record<string, string> } = {},
): Promise<LoadEnv> {
  const created = await createPostgresDatabase(pgBase);
  const dbName = new URL(created.url).pathname.slice(1);
  const sink = await startSmtpSink();
  const n = options.apiProcesses ?? 3;
  const retired: { name: string; output: string }[] = [];
  const servers: (ServerProcess | null)[] = [];
  let worker: WorkerProcess | null = null;
  let handle: DatabaseHandle | null = null;
  const serverEnv = { WORKER: 'off', LOG_LEVEL: 'warn' };

  const env: LoadEnv = {
    dbUrl: created.url,
    dbName,
    get db() {
      return handle!.db;
    },
    sink,
    servers,
    get worker() {
      return worker;
    },
    urls: () => servers.filter((s): s is ServerProcess => s !== null).map((s) => s.url),
    async killServer(i) {
      const s = servers[i];
      if (!s) throw new Error(`no API process in slot ${i}`);
      servers[i] = null;
      process.kill(s.pid, 'SIGKILL');
      await s.stop();
      retired.push({ name: `api ${i} (pid ${s.pid}, killed)`, output: s.output() });
      return s.pid;
    },
    async restartServer(i) {
      if (servers[i]) throw new Error(`API process ${i} is still running`);
      const s = await spawnServer(created.url, { env: serverEnv });
      servers[i] = s;
      return s;
    },
    async killWorker() {
      const w = worker;
      if (!w) throw new Error('no worker to kill');
      worker = null;
      await w.kill9();
      retired.push({ name: `worker (pid ${w.pid}, killed)`, output: w.output() });
      const { rows } = await sql<{ now: Date }>`SELECT clock_timestamp() AS now`.execute(handle!.db);
      return new Date(rows[0]!.now);
    },
    async startWorker(extra = {}) {
      if (worker) throw new Error('a worker is running already');
      worker = await spawnWorker({
        DATABASE_URL: created.url,
        SMTP_URL: sink.url,
        // Links in the emails point at the first API process; the tests read only their tokens.
        PUBLIC_URL: servers.find((s) => s)?.url ?? 'http://127.0.0.1:9',
        LOG_LEVEL: 'info',
        // The load is about correctness under faults, not the sending quota (test/mail/fair-delivery.test.ts).
        EMAIL_QUOTA_PER_HOUR: '1000000',
        ...options.workerEnv,
        ...extra,
      });
      return worker;
    },
    dump() {
      const parts = [
        ...retired.map((r) => `--- ${r.name} ---\n${r.output.slice(-3000)}`),
        ...servers.flatMap((s, i) =>
          s ? [`--- api ${i} (pid ${s.pid}) ---\n${s.output().slice(-3000)}`] : [],
        ),
        ...(worker ? [`--- worker (pid ${worker.pid}) ---\n${worker.output().slice(-3000)}`] : []),
      ];
      return parts.join('\n');
    },
    async close() {
      await Promise.allSettled([...servers.map((s) => s?.stop()), worker?.stop()]);
      await handle?.close().catch(() => {});
      await sink.stop().catch(() => {});
      await created.drop();
    },
  };

  try {
    // The first process migrates the empty database; the others start on the migrated one.
    servers.push(await spawnServer(created.url, { env: serverEnv }));
    const started = await Promise.allSettled([
      env.startWorker(),
      ...Array.from({ length: n - 1 }, () => spawnServer(created.url, { env: serverEnv })),
    ]);
    for (const s of started.slice(1)) if (s.status === 'fulfilled') servers.push(s.value as ServerProcess);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    handle = await openDatabase({ engine: 'postgres', url: created.url, poolSize: 3 });
  } catch (error) {
    await env.close();
    throw error;
  }
  return env;
}

/** Counts of the outbox by status, and how many pending rows are leased right now. */
export async function outboxState(db: Db) {
  const { rows } = await sql<{ status: string; n: number; leased: number }>`
    SELECT status, count(*)::int AS n,
      count(*) FILTER (WHERE locked_until IS NOT NULL AND locked_until > now())::int AS leased
    FROM outbox GROUP BY status`.execute(db);
  const out = { pending: 0, sent: 0, dead: 0, leased: 0 } as Record<string, number> & {
    pending: number;
    leased: number;
  };
  for (const r of rows) {
    out[r.status] = Number(r.n);
    out.leased += Number(r.leased);
  }
  return out;
}

/**
 * Waits until no outbox row is pending, then until every sent row's Message-ID reached
 * the sink. `onStall` runs once if nothing moved for `stallMs` (to release a dead worker's leases).
 */
export async function waitForDrain(
  env: LoadEnv,
  timeoutMs: number,
  opts: { onStall?: () => Promise<void>; stallMs?: number } = {},
): Promise<{ ms: number }> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  let last = -1;
  let lastMove = Date.now();
  let stallHandled = false;
  for (;;) {
    const state = await outboxState(env.db).catch(() => null);
    if (state) {
      if (state.pending === 0) break;
      if (state.pending !== last) {
        last = state.pending;
        lastMove = Date.now();
      } else if (opts.onStall && !stallHandled && Date.now() - lastMove > (opts.stallMs ?? 5000)) {
        stallHandled = true;
        await opts.onStall();
      }
    }
    if (Date.now() > deadline) {
      const left = await env.db
        .selectFrom('outbox')
        .select(['kind', 'attempts', 'last_error', 'next_attempt_at', 'locked_until'])
        .where('status', '=', 'pending')
        .limit(20)
        .execute();
      throw new Error(
        `outbox not drained after ${timeoutMs} ms (${JSON.stringify(state)}): ${JSON.stringify(left)}\n${env.dump()}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  // Sent rows are marked after the SMTP answer, so the sink has them already; give late duplicates a moment.
  const sent = await env.db.selectFrom('outbox').select('message_id').where('status', '=', 'sent').execute();
  const want = new Set(sent.map((r) => r.message_id ?? ''));
  for (;;) {
    const got = new Set(env.sink.messages.map((m) => m.messageId));
    if ([...want].every((id) => got.has(id))) break;
    if (Date.now() > deadline) break; // the audit reports what is missing
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 1000));
  return { ms: Date.now() - started };
}

/** The PostgreSQL server of the run; the suite fails (never skips) without one. */
export async function requirePostgres(): Promise<string> {
  const url = await reachablePostgres();
  if (!url) {
    throw new Error(
      'The reliability suite needs PostgreSQL: none answers at TEST_DATABASE_URL or postgres://postgres@127.0.0.1:5432/postgres',
    );
  }
  return url;
}
