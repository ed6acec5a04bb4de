/**
 * bench:round-trips — how many SQL statements (database round trips, BEGIN
 * and COMMIT included) the server runs for a few frequent requests. On a VM
 * where every round trip is expensive, this is the number to keep small.
 *
 * The app runs in-process on PostgreSQL with a Kysely instance whose `log`
 * records every statement, over the same pool as the seeding handle; each
 * request is driven with `app.inject` as a member who is an approver.
 * `--verbose` prints the statements of each request.
 */

import { openAndMigrate } from '../src/shared/db/connect.js';
import { createPostgresDatabase } from '../test/support/database.js';
import { recordingApp } from './support/recording-app.js';
import {
  cloneApprovals,
  createTicket,
  inProcessApi,
  requestApproval,
  seedMembers,
  seedWorkspace,
} from './support/seed.js';

const verbose = process.argv.includes('--verbose');
const base = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Measured with this script on 0b79c48 and b4324d4, before the round-trip reductions. */
const BEFORE: Record<string, number> = {
  'POST decision (completes a one-step `any`)': 15,
  'POST decision (1st of an `all` step of 3)': 15,
  'GET /approvals/{id}': 7,
  'GET /me/approval-tasks': 5,
  'GET /tickets': 5,
  'POST /approvals/{id}/comments': 9,
};

const created = await createPostgresDatabase(base);
const handle = await openAndMigrate({ engine: 'postgres', url: created.url, poolSize: 10 });
const api = await inProcessApi(handle);

const ws = await seedWorkspace(api, 'Round trips');
const [approver, second, third] = await seedMembers(handle.db, ws.id, 3);
const ticket = await createTicket(api, ws);
const member = (p: { id: string }) => ({ type: 'member' as const, id: p.id });
// Each request below acts on an approval of its own, so every one is the first answer on it.
const anyProto = await requestApproval(api, ws, ticket.id, [member(approver!)]);
const anyIds = [
  anyProto.id as string,
  ...(await cloneApprovals(handle.db, ws.id, anyProto.id, 4, { returnIds: true })),
];
const allProto = await requestApproval(
  api,
  ws,
  ticket.id,
  [member(approver!), member(second!), member(third!)],
  {
    type: 'all',
  },
);
const allIds = [
  allProto.id as string,
  ...(await cloneApprovals(handle.db, ws.id, allProto.id, 2, { returnIds: true })),
];

const { app, statements: recorded } = await recordingApp(handle);

type Request = { method: 'GET' | 'POST'; url: string; body?: unknown };

/** Statements of one request; fails on anything but a 2xx. */
async function statements(request: Request): Promise<string[]> {
  recorded.length = 0;
  const res = await app.inject({
    method: request.method,
    url: `/api/v1${request.url}`,
    headers: {
      authorization: `Bearer ${approver!.token}`,
      ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(request.body !== undefined ? { payload: JSON.stringify(request.body) } : {}),
  });
  if (res.statusCode >= 300)
    throw new Error(`${request.method} ${request.url}: ${res.statusCode} ${res.body}`);
  return recorded.map((r) => r.sql.replace(/\s+/g, ' ').trim());
}

const decision = { decision: 'approve' };
const scenarios: [string, (run: number) => Request][] = [
  [
    'POST decision (completes a one-step `any`)',
    (run) => ({ method: 'POST', url: `/approvals/${anyIds[run]}/decisions`, body: decision }),
  ],
  [
    'POST decision (1st of an `all` step of 3)',
    (run) => ({ method: 'POST', url: `/approvals/${allIds[run]}/decisions`, body: decision }),
  ],
  ['GET /approvals/{id}', (run) => ({ method: 'GET', url: `/approvals/${anyIds[2 + run]}` })],
  ['GET /me/approval-tasks', () => ({ method: 'GET', url: '/me/approval-tasks' })],
  ['GET /tickets', () => ({ method: 'GET', url: '/tickets' })],
  [
    'POST /approvals/{id}/comments',
    (run) => ({
      method: 'POST',
      url: `/approvals/${anyIds[2 + run]}/comments`,
      body: { body: 'Which model?' },
    }),
  ],
];

const rows: { request: string; before: number | string; now: number }[] = [];
for (const [name, request] of scenarios) {
  // Twice, on different approvals: the count must not depend on a warm-up.
  const first = await statements(request(0));
  const second = await statements(request(1));
  if (first.length !== second.length) {
    throw new Error(
      `${name}: ${first.length} statements, then ${second.length}\n${first.join('\n')}\n--\n${second.join('\n')}`,
    );
  }
  rows.push({ request: name, before: BEFORE[name] ?? '?', now: second.length });
  if (verbose) console.log(`\n${name}\n${second.map((s, i) => `  ${i + 1}. ${s.slice(0, 200)}`).join('\n')}`);
}

const width = Math.max(...rows.map((r) => r.request.length));
console.log(`\n${'request'.padEnd(width)}  before  now`);
for (const r of rows)
  console.log(`${r.request.padEnd(width)}  ${String(r.before).padStart(6)}  ${String(r.now).padStart(3)}`);

await app.close();
await api.close();
await handle.close();
await created.drop();
