/**
 * bench:inbound — inbound email (SPEC §8.2) on PGlite, and on PostgreSQL when BENCH_DATABASE_URL or
 * TEST_DATABASE_URL is set:
 * 1. messages/second from SMTP to stored ticket message: the server with its SMTP listener on, N new-ticket
 *    messages (distinct senders, so that the 20-an-hour limit does not drop them) sent over a pool of
 *    nodemailer connections. The listener answers 250 only once the pipeline's transaction has committed, so
 *    the last 250 is the time the last message is stored; the stored rows are counted afterwards.
 *    Baselines in the same run, same concurrency: the same messages posted to `POST /api/v1/inbound/email`
 *    (when that door is on this commit), and plain ticket creation through `POST /api/v1/tickets`.
 * 2. time from an approval email's reply to the recorded decision: an ad hoc approval, its email caught by a
 *    local SMTP sink, a reply "Approved" sent over SMTP to the email's Reply-To, the approval polled until
 *    decided; p50/p95 over BENCH_INBOUND_REPLIES (20).
 * Prints the figures and writes them to bench/results/inbound-<time>.{json,md}.
 */

import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { buildApp } from '../src/app.js';
import { startBackground } from '../src/background.js';
import { smtpTransport } from '../src/mail/transport.js';
import { loadConfig } from '../src/shared/config.js';
import { type DatabaseHandle, openAndMigrate } from '../src/shared/db/connect.js';
import { createPostgresDatabase } from '../test/support/database.js';

const MESSAGES = Number(process.env.BENCH_INBOUND_MESSAGES ?? 300);
const CONNECTIONS = Number(process.env.BENCH_INBOUND_CONNECTIONS ?? 8);
const REPLIES = Number(process.env.BENCH_INBOUND_REPLIES ?? 20);
const DOMAIN = 'inbound.bench';
const SECRET = randomBytes(24).toString('hex');
const PG_URL = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || null;

type Engine = 'pglite' | 'postgres';

/**
 * SPF, DKIM and DMARC lookups answered "no such domain" at once: the senders' `.bench` domains exist nowhere,
 * and this machine's DNS server does not answer at all, so node's resolver would wait for its timeout on
 * every message and the bench would measure that timeout (SMTP gives SPF an IP to check, the HTTP door does
 * not). Both doors get the same resolver.
 */
const nxdomain = async (name: string) => {
  throw Object.assign(new Error(`ENOTFOUND ${name}`), { code: 'ENOTFOUND', hostname: name });
};

/** The outbound side: every email the worker sends, with the headers the reply needs. */
async function sink() {
  const emails: { to: string[]; replyTo: string | null; messageId: string | null; subject: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
      simpleParser(stream).then(
        (parsed) => {
          const replyTo = parsed.replyTo?.value[0]?.address ?? null;
          emails.push({ to, replyTo, messageId: parsed.messageId ?? null, subject: parsed.subject ?? '' });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    emails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function message(i: number, run: string, to: string): { from: string; raw: string } {
  const from = `customer${i}@c${i % 50}.bench`;
  const raw = [
    `From: Customer ${i} <${from}>`,
    `To: ${to}`,
    `Subject: Request ${i} of run ${run}`,
    `Message-ID: <${run}.${i}@c${i % 50}.bench>`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Hello, this is request ${i}. The printer in room ${i} does not print.`,
    '',
    'Thanks,',
    `Customer ${i}`,
    '',
  ].join('\r\n');
  return { from, raw };
}

/** Runs `task(i)` for i < n with `concurrency` at once; resolves with the wall time in ms. */
async function timed(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await task(next++);
    }),
  );
  return performance.now() - t0;
}

const perSecond = (n: number, ms: number) => Math.round((n / ms) * 1000 * 10) / 10;
const percentile = (values: number[], p: number) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
};

async function run(engine: Engine) {
  let database: DatabaseHandle;
  let drop = async () => {};
  if (engine === 'postgres') {
    const created = await createPostgresDatabase(PG_URL!);
    database = await openAndMigrate({ engine: 'postgres', url: created.url, poolSize: 10 });
    drop = created.drop;
  } else {
    database = await openAndMigrate({ engine: 'pglite' });
  }
  const mail = await sink();
  const config = {
    ...loadConfig({
      ...process.env,
      LOG_LEVEL: 'silent',
      DATABASE_URL: '',
      INBOUND_SMTP_PORT: '0',
      INBOUND_SMTP_HOST: '127.0.0.1',
      INBOUND_DOMAIN: DOMAIN,
      INBOUND_SECRET: SECRET,
    }),
    smtpUrl: mail.url,
  };
  const app = await buildApp({
    database,
    config,
    logger: false,
    dnsResolver: nxdomain,
    rateLimits: {
      signups: { max: 1000, windowSeconds: 3600 },
      loginFailures: { max: 1000, windowSeconds: 900 },
      approvalLinks: { max: 100_000, windowSeconds: 60 },
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const smtpPort = app.inboundSmtp.port!;
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/v1`;
  const call = async (method: string, path: string, body: unknown, token?: string) => {
    const res = await fetch(base + path, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };

  const signup = await call('POST', '/signup', {
    workspaceName: 'Inbound bench',
    name: 'Admin',
    email: 'admin@admin.bench',
    password: 'bench password 1',
  });
  const token: string = signup.token;
  const workspaceId: string = signup.workspace.id;
  await call('PATCH', '/settings', { approvalsEnabled: true, requireSignInForEmailResponses: false }, token);
  const settings = await call('GET', '/settings', undefined, token);
  const address: string = settings.inboundAddress;
  // The benchmark measures intake, not the sending quota (acknowledgements are queued for every ticket).
  await database.db
    .updateTable('workspaces')
    .set({ email_quota_per_hour: 1_000_000 })
    .where('id', '=', workspaceId)
    .execute();

  // 1. SMTP intake.
  const run1 = randomBytes(4).toString('hex');
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: smtpPort,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: CONNECTIONS,
    maxMessages: Number.POSITIVE_INFINITY,
  });
  let smtpRefused = 0;
  let firstRefusal: string | null = null;
  const smtpMs = await timed(MESSAGES, CONNECTIONS, async (i) => {
    const m = message(i, run1, address);
    try {
      await transport.sendMail({ envelope: { from: m.from, to: [address] }, raw: m.raw });
    } catch (error) {
      smtpRefused++;
      firstRefusal ??= String((error as Error).message);
    }
  });
  transport.close();
  const count = async (via: 'smtp' | 'http') => {
    const row = await database.db
      .selectFrom('inbound_messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('via', '=', via)
      .where('outcome', '=', 'ticket_created')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  const smtpStored = await count('smtp');

  // Baseline A: the same messages through the HTTP door (on this commit once the pipeline is built).
  const run2 = randomBytes(4).toString('hex');
  let httpMs: number | null = null;
  let httpStored: number | null = null;
  const probe = await fetch(`${base}/inbound/email`, { method: 'POST' });
  if (probe.status !== 404) {
    let refused = 0;
    httpMs = await timed(MESSAGES, CONNECTIONS, async (i) => {
      const res = await fetch(`${base}/inbound/email`, {
        method: 'POST',
        headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${SECRET}` },
        body: message(i, run2, address).raw,
      });
      await res.arrayBuffer();
      if (res.status !== 202) refused++;
    });
    httpStored = await count('http');
    if (refused) console.warn(`[bench:inbound] ${refused} HTTP posts were not taken`);
  }

  // Baseline B: plain ticket creation through the API (a contact each, as the pipeline makes one).
  const contacts: string[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    contacts.push(
      (await call('POST', '/contacts', { name: `Plain ${i}`, email: `plain${i}@p.bench` }, token)).id,
    );
  }
  const apiMs = await timed(MESSAGES, CONNECTIONS, async (i) => {
    await call(
      'POST',
      '/tickets',
      { subject: `Plain request ${i}`, body: 'The printer does not print.', requesterId: contacts[i] },
      token,
    );
  });

  // 2. Reply to approve: from the reply's 250 to the decision recorded.
  const replyTimes: number[] = [];
  let replyNote: string | null = null;
  const background = startBackground({
    db: database.db,
    config,
    log: { info() {}, warn() {}, error() {} },
    transport: smtpTransport(mail.url),
    policy: { pollMs: 100 },
    database,
  });
  try {
    // The intake queued acknowledgements and agent notices (hundreds): let them leave first, so that the
    // approval email is not measured behind that backlog.
    await waitFor(async () => {
      const row = await database.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'pending')
        .executeTakeFirstOrThrow();
      return Number(row.n) === 0 ? true : undefined;
    }, 300_000);
    const approver = await call(
      'POST',
      '/members',
      { name: 'Approver', email: 'approver@approver.bench', role: 'agent', password: 'bench password 1' },
      token,
    );
    const requester = await call('POST', '/contacts', { name: 'Requester', email: 'req@r.bench' }, token);
    const ticket = await call(
      'POST',
      '/tickets',
      { subject: 'Laptop', body: 'Please', requesterId: requester.id },
      token,
    );
    const replier = nodemailer.createTransport({
      host: '127.0.0.1',
      port: smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    for (let i = 0; i < REPLIES; i++) {
      const approval = await call(
        'POST',
        `/tickets/${ticket.id}/approvals`,
        { title: `Purchase ${i}`, approvers: [{ type: 'member', id: approver.id }], rule: { type: 'any' } },
        token,
      );
      const email = await waitFor(
        () =>
          mail.emails.find(
            (e) => e.to.includes('approver@approver.bench') && e.subject.includes(`Purchase ${i}`),
          ),
        15_000,
      );
      if (!email) {
        replyNote = `the approval email did not arrive (${mail.emails.length} emails: ${mail.emails
          .map((e) => e.subject)
          .slice(0, 3)
          .join('; ')})`;
        break;
      }
      if (!email.replyTo?.includes('+a')) {
        replyNote =
          'approval emails carry no per-approver Reply-To on this commit (reply-approve branch not merged)';
        break;
      }
      const t0 = performance.now();
      try {
        await replier.sendMail({
          envelope: { from: 'approver@approver.bench', to: [email.replyTo] },
          raw: [
            'From: Approver <approver@approver.bench>',
            `To: ${email.replyTo}`,
            `Subject: Re: ${email.subject}`,
            `Message-ID: <reply.${i}.${randomBytes(4).toString('hex')}@approver.bench>`,
            ...(email.messageId ? [`In-Reply-To: ${email.messageId}`, `References: ${email.messageId}`] : []),
            `Date: ${new Date().toUTCString()}`,
            'Content-Type: text/plain; charset=utf-8',
            '',
            'Approved, looks fine.',
            '',
            `On ${new Date().toUTCString()} Signoff wrote:`,
            '> Please approve',
            '',
          ].join('\r\n'),
        });
      } catch (error) {
        replyNote = `the reply was refused: ${(error as Error).message}`;
        break;
      }
      const decided = await waitFor(async () => {
        const a = await call('GET', `/approvals/${approval.id}`, undefined, token);
        return a.status === 'approved' ? a : undefined;
      }, 15_000);
      if (!decided) {
        replyNote = 'the reply did not decide the approval within 15 s';
        break;
      }
      replyTimes.push(performance.now() - t0);
    }
    replier.close();
  } finally {
    await background.stop();
  }

  await app.close();
  await mail.close();
  await database.close();
  await drop();
  return {
    engine,
    messages: MESSAGES,
    connections: CONNECTIONS,
    smtp: {
      ms: Math.round(smtpMs),
      perSecond: perSecond(MESSAGES, smtpMs),
      stored: smtpStored,
      refused: smtpRefused,
      firstRefusal,
    },
    httpDoor:
      httpMs === null
        ? null
        : { ms: Math.round(httpMs), perSecond: perSecond(MESSAGES, httpMs), stored: httpStored },
    apiTickets: { ms: Math.round(apiMs), perSecond: perSecond(MESSAGES, apiMs) },
    ratioToHttpDoor: httpMs === null ? null : Math.round((httpMs / smtpMs) * 100) / 100,
    ratioToApiTickets: Math.round((apiMs / smtpMs) * 100) / 100,
    replyToDecision: {
      replies: replyTimes.length,
      p50Ms: percentile(replyTimes, 50),
      p95Ms: percentile(replyTimes, 95),
      note: replyNote,
    },
  };
}

async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
): Promise<T | undefined> {
  const end = performance.now() + timeoutMs;
  while (performance.now() < end) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
  return undefined;
}

const engines: Engine[] =
  (process.env.BENCH_ENGINES?.split(',') as Engine[] | undefined) ??
  (PG_URL ? ['pglite', 'postgres'] : ['pglite']);
const results = [];
for (const engine of engines) {
  if (engine === 'postgres' && !PG_URL) {
    console.warn('[bench:inbound] postgres skipped: set BENCH_DATABASE_URL or TEST_DATABASE_URL');
    continue;
  }
  const r = await run(engine);
  results.push(r);
  console.log(JSON.stringify(r));
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
const dash = (v: unknown) => (v === null || v === undefined ? '—' : String(v));
const table = [
  `# bench:inbound — ${new Date().toISOString()} (commit ${commit}, ${machine.cores} cores, ${machine.cpu})`,
  '',
  `New-ticket messages, ${MESSAGES} per door, ${CONNECTIONS} connections at once.`,
  '',
  '| engine | SMTP msgs/s | stored (of sent) | refused | HTTP door msgs/s | SMTP ÷ HTTP door | POST /tickets/s | SMTP ÷ POST /tickets |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ...results.map(
    (r) =>
      `| ${r.engine} | ${r.smtp.perSecond} | ${r.smtp.stored} of ${r.messages} | ${r.smtp.refused} | ${dash(r.httpDoor?.perSecond)} | ${dash(r.ratioToHttpDoor)} | ${r.apiTickets.perSecond} | ${r.ratioToApiTickets} |`,
  ),
  '',
  `Reply to approve: from the reply's 250 to the approval read back as approved, ${REPLIES} approvals.`,
  '',
  '| engine | replies measured | p50 ms | p95 ms | note |',
  '| --- | --- | --- | --- | --- |',
  ...results.map(
    (r) =>
      `| ${r.engine} | ${r.replyToDecision.replies} | ${dash(r.replyToDecision.p50Ms)} | ${dash(r.replyToDecision.p95Ms)} | ${dash(r.replyToDecision.note)} |`,
  ),
  '',
].join('\n');
mkdirSync('bench/results', { recursive: true });
writeFileSync(`bench/results/inbound-${stamp}.json`, JSON.stringify({ commit, machine, results }, null, 2));
writeFileSync(`bench/results/inbound-${stamp}.md`, table);
console.log(`\n${table}`);
