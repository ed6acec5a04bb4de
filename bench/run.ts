/**
 * `npm run bench` — every scenario on PostgreSQL and on PGlite, each against a
 * baseline measured in the same run; `npm run bench -- --quick` is the same
 * with smaller sizes and shorter runs (under five minutes).
 *
 *   --only=decisions,contention,reads,scale,start   run some scenarios
 *   --engines=postgres,pglite                        run on some engines
 *
 * Writes bench/results/bench-<time>.{json,md} and the table in docs/performance.md.
 */

import { execSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { reachablePostgres } from '../test/support/database.js';
import { type ContentionResult, contention } from './scenarios/contention.js';
import { type DecisionsResult, decisions } from './scenarios/decisions.js';
import { type ReadsResult, reads } from './scenarios/reads.js';
import { type ScaleResult, scale } from './scenarios/scale.js';
import { embeddedStart, type StartResult } from './scenarios/start.js';
import type { Engine } from './support/engine.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    engines: { type: 'string', default: 'postgres,pglite' },
  },
});

const quick = values.quick!;
const scenarios = new Set((values.only ?? 'decisions,contention,reads,scale,start').split(','));
let engines = values.engines!.split(',') as Engine[];
if (engines.includes('postgres') && !(await reachablePostgres())) {
  console.warn('PostgreSQL is not reachable: running on PGlite only');
  engines = engines.filter((e) => e !== 'postgres');
}

const plan = {
  decisions: { connections: [1, 8, 32], perLevel: quick ? 400 : 2_000, baselineSeconds: quick ? 4 : 10 },
  contention: { approvers: 200, rounds: quick ? 1 : 3 },
  reads: { connections: 8, seconds: quick ? 4 : 10 },
  scale: {
    postgres: quick
      ? { tickets: 100_000, approvals: 20_000, workspaces: 10, busyWaiting: 5_000 }
      : { tickets: 1_000_000, approvals: 200_000, workspaces: 50, busyWaiting: 5_000 },
    pglite: quick
      ? { tickets: 20_000, approvals: 6_000, workspaces: 5, busyWaiting: 5_000 }
      : { tickets: 100_000, approvals: 20_000, workspaces: 50, busyWaiting: 5_000 },
    seconds: quick ? 3 : 8,
  },
  start: { runs: quick ? 1 : 3 },
};

type Results = {
  decisions: DecisionsResult[];
  contention: ContentionResult[];
  reads: ReadsResult[];
  scale: ScaleResult[];
  start: StartResult | null;
};
const results: Results = { decisions: [], contention: [], reads: [], scale: [], start: null };
const started = performance.now();

for (const engine of engines) {
  if (scenarios.has('decisions')) {
    console.log(`decisions on ${engine}`);
    results.decisions.push(await decisions(engine, plan.decisions));
  }
  if (scenarios.has('contention')) {
    console.log(`contention on ${engine}`);
    results.contention.push(await contention(engine, plan.contention));
  }
  if (scenarios.has('reads')) {
    console.log(`reads on ${engine}`);
    results.reads.push(await reads(engine, plan.reads));
  }
  if (scenarios.has('scale')) {
    console.log(`scale on ${engine}`);
    results.scale.push(await scale(engine, { size: plan.scale[engine], seconds: plan.scale.seconds }));
  }
}
if (scenarios.has('start')) {
  console.log('embedded start');
  results.start = await embeddedStart(plan.start);
}

const git = (cmd: string) => {
  try {
    return execSync(`git ${cmd}`, { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return 'unknown';
  }
};
const commit = `${git('rev-parse --short HEAD')}${git('status --porcelain --untracked-files=no') ? ' (with uncommitted changes)' : ''}`;
const machine = {
  cores: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  postgres: engines.includes('postgres') ? execSync('pgbench --version').toString().trim() : null,
};
const at = new Date().toISOString();
const minutes = Math.round((performance.now() - started) / 600) / 100;
const md = markdown(results, { at, commit, machine, quick, minutes });
const stamp = at.replace(/[:.]/g, '-');
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  `bench/results/bench-${stamp}.json`,
  `${JSON.stringify({ at, commit, machine, quick, plan, results }, null, 2)}\n`,
);
writeFileSync(`bench/results/bench-${stamp}.md`, md);
updatePerformanceDoc(md, `bench/results/bench-${stamp}.md`);
console.log(`\n${md}`);
console.log(`written: bench/results/bench-${stamp}.{json,md} and docs/performance.md (${minutes} min)`);
process.exit(0);

function markdown(
  r: Results,
  meta: { at: string; commit: string; machine: typeof machine; quick: boolean; minutes: number },
): string {
  const lines: string[] = [];
  const row = (cells: unknown[]) => lines.push(`| ${cells.join(' | ')} |`);
  const head = (cells: string[]) => {
    row(cells);
    row(cells.map(() => '---'));
  };
  lines.push(
    `Run ${meta.at}${meta.quick ? ' (--quick)' : ''}, commit ${meta.commit}, ${meta.machine.cores} cores (${meta.machine.cpu}), ` +
      `${meta.machine.memoryGiB} GiB, Node ${meta.machine.node}${meta.machine.postgres ? `, ${meta.machine.postgres}` : ''}; ` +
      `load generator, server and database on this one machine; ${meta.minutes} min in all.`,
    '',
  );
  if (r.decisions.length) {
    lines.push(
      '### Decisions',
      '',
      'Distinct pending approvals approved over HTTP (each completes its approval). Baseline: pgbench TPC-B-like at the same client count (PostgreSQL), the same transaction in-process (PGlite). Target: ratio ≥ 0.5, p99 ≤ 50 ms at 32.',
      '',
    );
    head([
      'engine',
      'connections',
      'decisions',
      'decisions/s',
      'p50 ms',
      'p99 ms',
      '5xx',
      'baseline TPS',
      'ratio',
    ]);
    for (const d of r.decisions) {
      for (const l of d.levels) {
        row([
          d.engine,
          l.connections,
          l.load.requests,
          l.load.requestsPerSecond,
          l.load.p50Ms,
          l.load.p99Ms,
          l.load.serverErrors,
          l.baseline.tps,
          l.ratio,
        ]);
      }
    }
    lines.push(
      '',
      ...r.decisions.map(
        (d) =>
          `${d.engine}: ${d.approvalsSeeded} approvals seeded, ${d.decisionsRecorded} decisions recorded, ${d.approvalsApproved} approved.`,
      ),
      '',
    );
  }
  if (r.contention.length) {
    lines.push(
      '### Contention',
      '',
      '200 approvers of one `all` step answer at once, one connection each.',
      '',
    );
    head([
      'engine',
      'round',
      'total ms',
      'p50 ms',
      'p99 ms',
      '5xx',
      'decisions recorded',
      'decision activities',
      'status',
    ]);
    for (const c of r.contention) {
      c.rounds.forEach((x, i) => {
        row([
          c.engine,
          i + 1,
          x.totalMs,
          x.load.p50Ms,
          x.load.p99Ms,
          x.load.serverErrors,
          x.decisionsRecorded,
          x.decisionActivities,
          x.status,
        ]);
      });
    }
    lines.push('');
  }
  if (r.reads.length) {
    lines.push(
      '### Reads',
      '',
      'Baseline: a hello-world Fastify route in its own process, same load, same run. Target: ratio ≥ 0.4. For scale, the same process also serves a route that runs one `SELECT 1` on the same PostgreSQL server (the floor of any database read).',
      '',
    );
    head([
      'engine',
      'route',
      'connections',
      'requests/s',
      'p50 ms',
      'p99 ms',
      '5xx',
      'hello world req/s',
      'ratio',
      'one-query route req/s',
      'ratio to it',
    ]);
    for (const x of r.reads) {
      for (const route of x.routes) {
        row([
          x.engine,
          route.route,
          x.connections,
          route.load.requestsPerSecond,
          route.load.p50Ms,
          route.load.p99Ms,
          route.load.serverErrors,
          x.baseline.requestsPerSecond,
          route.ratio,
          x.oneQuery?.requestsPerSecond ?? '—',
          route.ratioToOneQuery ?? '—',
        ]);
      }
    }
    lines.push('');
  }
  if (r.scale.length) {
    lines.push('### Scale', '', 'One connection; target p95 ≤ 20 ms (searches: ≤ 50 ms).', '');
    head(['engine', 'seeded', 'route', 'requests', 'p50 ms', 'p95 ms', 'p99 ms', '5xx']);
    for (const s of r.scale) {
      const seeded = `${s.seed.counts.tickets.toLocaleString('en')} tickets, ${s.seed.counts.approvals.toLocaleString('en')} approvals, ${s.seed.counts.workspaces} workspaces (seeded in ${Math.round(s.seed.seedMs / 1000)} s)`;
      for (const route of s.routes) {
        row([
          s.engine,
          seeded,
          route.route,
          route.load.requests,
          route.load.p50Ms,
          route.load.p95Ms,
          route.load.p99Ms,
          route.load.serverErrors,
        ]);
      }
    }
    lines.push('');
    // Issue 15: the plan of each search, to show which index answers it (target p95 ≤ 50 ms).
    lines.push('#### Search plans (EXPLAIN ANALYZE of the statement `GET /tickets?q=` runs)', '');
    for (const s of r.scale) {
      for (const p of s.searchPlans ?? []) {
        lines.push(
          `${s.engine}, \`q=${p.q}\`: ${p.usesSearchIndex ? 'uses' : 'does not use'} \`tickets_search_idx\``,
          '',
          '```',
          p.plan,
          '```',
          '',
        );
      }
    }
  }
  if (r.start) {
    lines.push(
      '### Embedded start (PGlite)',
      '',
      'From spawning `npm start` to the first 200 from `/readyz`.',
      '',
    );
    head(['data folder', 'runs (ms)', 'median ms']);
    row(['new', r.start.newFolderMs.join(', '), median(r.start.newFolderMs)]);
    row(['existing', r.start.existingFolderMs.join(', '), median(r.start.existingFolderMs)]);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}

/** Replaces the block between the markers in docs/performance.md with the latest table. */
function updatePerformanceDoc(md: string, file: string) {
  const path = 'docs/performance.md';
  const begin = '<!-- bench:begin -->';
  const end = '<!-- bench:end -->';
  let doc: string;
  try {
    doc = readFileSync(path, 'utf8');
  } catch {
    return;
  }
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end);
  if (i < 0 || j < i) return;
  const block = `${begin}\n\n${md}\nFull figures: \`${file.replace(/\.md$/, '.json')}\`.\n\n${end}`;
  writeFileSync(path, doc.slice(0, i) + block + doc.slice(j + end.length));
}
