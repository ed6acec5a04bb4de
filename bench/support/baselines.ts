/**
 * Baselines measured in the same run as the scenarios they are compared with:
 * pgbench's built-in TPC-B-like script on the same PostgreSQL server, the same
 * five statements per transaction on PGlite (which has no server for pgbench to
 * connect to), and a hello-world Fastify process.
 */

import { execFile, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { freePort } from '../../test/support/processes.js';
import { type LoadResult, load } from './load.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');

export type TpcbResult = {
  clients: number;
  transactions: number;
  seconds: number;
  tps: number;
  latencyAvgMs: number;
};

/** A scratch database for pgbench, initialised once per run at `scale` (≥ the largest client count). */
export async function pgbenchDatabase(baseUrl: string, scale: number) {
  const name = `signoff_pgbench_${process.pid}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  await run('pgbench', ['-i', '-q', '-s', String(scale), url.toString()], { maxBuffer: 64 * 1024 * 1024 });
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function pgbench(url: string, clients: number, seconds: number): Promise<TpcbResult> {
  const { stdout } = await run('pgbench', [
    '-c',
    String(clients),
    '-j',
    String(Math.min(clients, 2)),
    '-T',
    String(seconds),
    '-n',
    url,
  ]);
  const tps = Number(/tps = ([\d.]+)/.exec(stdout)?.[1]);
  const transactions = Number(/number of transactions actually processed: (\d+)/.exec(stdout)?.[1]);
  const latency = Number(/latency average = ([\d.]+) ms/.exec(stdout)?.[1]);
  if (!Number.isFinite(tps)) throw new Error(`could not read pgbench output:\n${stdout}`);
  return { clients, transactions, seconds, tps: Math.round(tps * 10) / 10, latencyAvgMs: latency };
}

/**
 * pgbench's TPC-B-like transaction on PGlite, in this process: `clients`
 * loops share its single connection (as the server's requests do).
 */
export async function pgliteTpcb(clients: number, seconds: number, scale = 1): Promise<TpcbResult> {
  const db = new PGlite();
  await db.exec(`
    CREATE TABLE pgbench_branches (bid int PRIMARY KEY, bbalance int, filler char(88));
    CREATE TABLE pgbench_tellers (tid int PRIMARY KEY, bid int, tbalance int, filler char(84));
    CREATE TABLE pgbench_accounts (aid int PRIMARY KEY, bid int, abalance int, filler char(84));
    CREATE TABLE pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp, filler char(22));
    INSERT INTO pgbench_branches SELECT b, 0, '' FROM generate_series(1, ${scale}) b;
    INSERT INTO pgbench_tellers SELECT t, (t - 1) / 10 + 1, 0, '' FROM generate_series(1, ${10 * scale}) t;
    INSERT INTO pgbench_accounts SELECT a, (a - 1) / 100000 + 1, 0, '' FROM generate_series(1, ${100_000 * scale}) a;
  `);
  // As pgbench -i does; VACUUM cannot share the implicit transaction of a multi-statement exec.
  await db.exec('VACUUM ANALYZE');
  const rnd = (n: number) => 1 + Math.floor(Math.random() * n);
  let transactions = 0;
  let latencyTotal = 0;
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  const client = async () => {
    while (performance.now() < end) {
      const aid = rnd(100_000 * scale);
      const bid = rnd(scale);
      const tid = rnd(10 * scale);
      const delta = rnd(10_000) - 5_000;
      const t0 = performance.now();
      await db.transaction(async (tx) => {
        await tx.query('UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2', [delta, aid]);
        await tx.query('SELECT abalance FROM pgbench_accounts WHERE aid = $1', [aid]);
        await tx.query('UPDATE pgbench_tellers SET tbalance = tbalance + $1 WHERE tid = $2', [delta, tid]);
        await tx.query('UPDATE pgbench_branches SET bbalance = bbalance + $1 WHERE bid = $2', [delta, bid]);
        await tx.query(
          'INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP)',
          [tid, bid, aid, delta],
        );
      });
      latencyTotal += performance.now() - t0;
      transactions++;
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  const elapsed = (performance.now() - started) / 1000;
  await db.close();
  return {
    clients,
    transactions,
    seconds: Math.round(elapsed * 100) / 100,
    tps: Math.round((transactions / elapsed) * 10) / 10,
    latencyAvgMs: Math.round((latencyTotal / Math.max(1, transactions)) * 100) / 100,
  };
}

/**
 * Requests/s of a hello-world Fastify route in its own process, under the same
 * load; with `pgUrl`, also of a route that runs one `SELECT 1` on that server.
 */
export async function helloWorld(
  connections: number,
  seconds: number,
  pgUrl?: string,
): Promise<{ hello: LoadResult; oneQuery: LoadResult | null }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/support/hello-server.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), NODE_OPTIONS: '', PG_URL: pgUrl ?? '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((ready, fail) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) ready();
    });
    child.once('exit', (code) => fail(new Error(`hello server exited with ${code}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await load({ url: `${base}/hello`, connections: 2, amount: 500 });
    const hello = await load({ url: `${base}/hello`, connections, duration: seconds });
    let oneQuery: LoadResult | null = null;
    if (pgUrl) {
      await load({ url: `${base}/hello-db`, connections: 2, amount: 500 });
      oneQuery = await load({ url: `${base}/hello-db`, connections, duration: seconds });
    }
    return { hello, oneQuery };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}
