/**
 * Start measurement (issue 12, "Measure"): the server started the old way
 * (`npx tsx src/main.ts`, what `npm start` ran before the build) and the new
 * way (`npm start` and `node dist/main.js`, the esbuild bundle), on the
 * embedded database (a fresh temporary DATA_DIR) and on PostgreSQL (a fresh
 * database, when 127.0.0.1:5432 answers). For each run: the number of
 * processes in the tree under the spawned command, the sum of their RSS read
 * from /proc, both taken at the first 200 from `GET /readyz`, and the time
 * from the spawn to that 200.
 *
 * Run with `npm run bench:start` (after `npm run build`); RUNS=n changes the
 * number of runs per row (3 by default).
 */

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { freePort } from '../test/support/processes.js';
import { stopProcessGroup } from './support/process-group.js';

const ROOT = resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.RUNS ?? 3);
const POSTGRES_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const READY_TIMEOUT_MS = 120_000;

type Launch = { label: string; command: string; args: string[] };
const LAUNCHES: Launch[] = [
  { label: 'before: npx tsx src/main.ts', command: 'npx', args: ['tsx', 'src/main.ts'] },
  { label: 'after: npm start', command: 'npm', args: ['start', '--silent'] },
  { label: 'after: node dist/main.js', command: process.execPath, args: ['dist/main.js'] },
];

type Sample = { processes: number; rssMb: number; readyMs: number };

/** Parent pid of every live process, from /proc. */
function parentsByPid(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
    } catch {
      // exited meanwhile
    }
  }
  return parents;
}

function processTree(rootPid: number): number[] {
  const parents = parentsByPid();
  const tree = [rootPid];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, parent] of parents) if (parent === tree[i]) tree.push(pid);
  }
  return tree;
}

function rssKb(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

async function measure(launch: Launch, env: Record<string, string>): Promise<Sample> {
  const port = await freePort();
  const childEnv = { ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', SIGNOFF_DEMO: '1' };
  const t0 = performance.now();
  // Its own process group, so that npm/npx, their shells and the server all stop together.
  const child = spawn(launch.command, launch.args, {
    cwd: ROOT,
    env: childEnv,
    stdio: 'ignore',
    detached: true,
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${launch.label} exited with ${child.exitCode}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`);
        if (res.status === 200) {
          const readyMs = Math.round(performance.now() - t0);
          const tree = processTree(child.pid!);
          const rssMb = Math.round(tree.reduce((sum, pid) => sum + rssKb(pid), 0) / 1024);
          return { processes: tree.length, rssMb, readyMs };
        }
      } catch {
        // not listening yet
      }
      if (performance.now() - t0 > READY_TIMEOUT_MS) throw new Error(`${launch.label}: not ready in 120 s`);
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    await stopProcessGroup(child, exited);
  }
}

function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !['DATABASE_URL', 'DATA_DIR', 'SMTP_URL', 'NODE_OPTIONS', 'PORT'].includes(k))
      env[k] = v;
  }
  return env;
}

async function postgresAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

async function withAdmin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** One run on the embedded database, in a fresh data folder. */
async function embeddedRun(launch: Launch): Promise<Sample> {
  const dataDir = mkdtempSync(join(tmpdir(), 'signoff-bench-start-'));
  try {
    return await measure(launch, { ...baseEnv(), DATA_DIR: dataDir });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** One run on PostgreSQL, in a fresh database (the data folder only holds the lock and demo file). */
async function postgresRun(launch: Launch): Promise<Sample> {
  const database = `signoff_bench_start_${randomBytes(4).toString('hex')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'signoff-bench-start-'));
  await withAdmin(`CREATE DATABASE ${database}`);
  try {
    return await measure(launch, {
      ...baseEnv(),
      DATA_DIR: dataDir,
      DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${database}`,
    });
  } finally {
    await withAdmin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  if (!existsSync(join(ROOT, 'dist/main.js')))
    throw new Error('dist/main.js is missing: run `npm run build` first');
  const engines: { name: string; run: (launch: Launch) => Promise<Sample> }[] = [
    { name: 'PGlite', run: embeddedRun },
  ];
  if (await postgresAnswers()) engines.push({ name: 'PostgreSQL', run: postgresRun });
  else console.log('PostgreSQL on 127.0.0.1:5432 does not answer: embedded engine only.');

  const lines = [
    '| engine | command | processes | RSS sum (MB) | time to /readyz 200 (ms) |',
    '|---|---|---|---|---|',
  ];
  for (const engine of engines) {
    for (const launch of LAUNCHES) {
      const samples: Sample[] = [];
      for (let i = 0; i < RUNS; i++) samples.push(await engine.run(launch));
      const list = (pick: (s: Sample) => number) => samples.map(pick).join(' / ');
      lines.push(
        `| ${engine.name} | \`${launch.label}\` | ${list((s) => s.processes)} | ${list((s) => s.rssMb)} ` +
          `(median ${median(samples.map((s) => s.rssMb))}) | ${list((s) => s.readyMs)} ` +
          `(median ${median(samples.map((s) => s.readyMs))}) |`,
      );
      console.log(lines.at(-1));
    }
  }
  console.log(`\n${RUNS} runs per row, each value listed in run order.\n`);
  console.log(lines.join('\n'));
}

await main();
