/**
 * bench:mail — a step whose group has 1,000 approvers: how long creating the
 * request takes (every outbox row written in its one transaction), and how
 * long until a real SMTP server has received all 1,000 emails, on PGlite and
 * on PostgreSQL. Prints the figures and writes them to bench/results/.
 */

import { execSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { SMTPServer } from 'smtp-server';
import { buildApp } from '../src/app.js';
import { startBackground } from '../src/background.js';
import { smtpTransport } from '../src/mail/transport.js';
import { loadConfig } from '../src/shared/config.js';
import { type DatabaseHandle, openAndMigrate } from '../src/shared/db/connect.js';
import { createPostgresDatabase, reachablePostgres } from '../test/support/database.js';

const APPROVERS = Number(process.env.BENCH_APPROVERS ?? 1000);

async function sink() {
  let received = 0;
  const ids = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      let head = '';
      stream.on('data', (chunk: Buffer) => {
        if (head.length < 4096) head += chunk.toString('utf8');
      });
      stream.on('end', () => {
        const id = /^Message-ID:\s*(\S+)/im.exec(head)?.[1];
        if (id) ids.add(id);
        received++;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    count: () => received,
    unique: () => ids.size,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function json(res: Response) {
  const body = await res.json();
  if (!res.ok) throw new Error(`${res.status} ${JSON.stringify(body)}`);
  return body as any;
}

async function run(engine: 'pglite' | 'postgres') {
  let database: DatabaseHandle;
  let drop = async () => {};
  if (engine === 'postgres') {
    const base = await reachablePostgres();
    if (!base) return null;
    const created = await createPostgresDatabase(base);
    database = await openAndMigrate({ engine: 'postgres', url: created.url, poolSize: 10 });
    drop = created.drop;
  } else {
    database = await openAndMigrate({ engine: 'pglite' });
  }
  const mail = await sink();
  const config = {
    ...loadConfig({ ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: '' }),
    smtpUrl: mail.url,
  };
  const app = await buildApp({ database, config, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/v1`;
  const post = (path: string, body: unknown, token?: string) =>
    fetch(base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    }).then(json);

  const signup = await post('/signup', {
    workspaceName: 'Bench',
    name: 'Admin',
    email: 'admin@bench.test',
    password: 'bench password 1',
  });
  const ws = signup.workspace.id;
  const token = signup.token;
  await fetch(`${base}/settings`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ approvalsEnabled: true, maxApproversPerStep: Math.min(APPROVERS, 2000) }),
  }).then(json);
  // The benchmark measures delivery, not the sending quota: the operator's raise (npm run email-quota).
  await database.db
    .updateTable('workspaces')
    .set({ email_quota_per_hour: 1_000_000 })
    .where('id', '=', ws)
    .execute();
  // Seed the approvers directly: the benchmark is about the request and its emails, not account creation.
  const members = Array.from({ length: APPROVERS }, (_, i) => ({
    workspace_id: ws,
    id: randomUUID(),
    name: `Approver ${i}`,
    email: `approver${i}@bench.test`,
    role: 'agent' as const,
    locale: i % 2 ? ('fr' as const) : ('en' as const),
    password_hash: null,
  }));
  for (let i = 0; i < members.length; i += 1000) {
    await database.db
      .insertInto('members')
      .values(members.slice(i, i + 1000))
      .execute();
  }
  const group = await post(
    '/approval-groups',
    { name: 'Everyone', memberIds: members.map((m) => m.id) },
    token,
  );
  const contact = await post('/contacts', { name: 'Customer', email: 'customer@bench.test' }, token);
  const ticket = await post('/tickets', { subject: 'Bench', body: 'Hello', requesterId: contact.id }, token);

  const t0 = performance.now();
  await post(
    `/tickets/${ticket.id}/approvals`,
    { title: 'Everyone approves', approvers: [{ type: 'group', id: group.id }], rule: { type: 'any' } },
    token,
  );
  const createMs = performance.now() - t0;

  const background = startBackground({
    db: database.db,
    config,
    log: { info() {}, warn() {}, error: console.error },
    transport: smtpTransport(mail.url),
    policy: { batchSize: 50, pollMs: 200 },
  });
  const t1 = performance.now();
  while (mail.count() < APPROVERS) {
    if (performance.now() - t1 > 600_000) throw new Error(`only ${mail.count()} emails after 10 minutes`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const deliverMs = performance.now() - t1;
  await background.stop();
  const outboxRows = await database.db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  await app.close();
  await mail.close();
  await database.close();
  await drop();
  return {
    engine,
    approvers: APPROVERS,
    outboxRows: Number(outboxRows.n),
    createRequestMs: Math.round(createMs),
    deliverAllMs: Math.round(deliverMs),
    emailsPerSecond: Math.round((APPROVERS / deliverMs) * 1000 * 10) / 10,
    received: mail.count(),
    uniqueMessageIds: mail.unique(),
  };
}

const results = [];
const engines = (process.env.BENCH_ENGINES ?? 'pglite,postgres').split(',') as ('pglite' | 'postgres')[];
for (const engine of engines) {
  const r = await run(engine);
  if (r) {
    results.push(r);
    console.log(JSON.stringify(r));
  }
}
const commit = (() => {
  try {
    return execSync('git rev-parse --short HEAD').toString().trim();
  } catch {
    return 'unknown';
  }
})();
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const machine = { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version };
const table = [
  `# bench:mail — ${new Date().toISOString()} (commit ${commit}, ${machine.cores} cores, ${machine.cpu})`,
  '',
  '| engine | approvers | outbox rows | create request (ms) | all emails received (ms) | emails/s | unique Message-IDs |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...results.map(
    (r) =>
      `| ${r.engine} | ${r.approvers} | ${r.outboxRows} | ${r.createRequestMs} | ${r.deliverAllMs} | ${r.emailsPerSecond} | ${r.uniqueMessageIds} |`,
  ),
  '',
].join('\n');
mkdirSync('bench/results', { recursive: true });
writeFileSync(`bench/results/mail-${stamp}.json`, JSON.stringify({ commit, machine, results }, null, 2));
writeFileSync(`bench/results/mail-${stamp}.md`, table);
console.log(`\n${table}`);
