import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { expect } from 'vitest';
import { type Background, startBackground } from '../../src/background.js';
import type { DeliveryPolicy } from '../../src/mail/policy.js';
import { type Config, loadConfig } from '../../src/shared/config.js';
import type { Db } from '../../src/shared/db/connect.js';
import { type Client, client } from '../support/client.js';
import { startServer, type TestServer } from '../support/server.js';
import { type ReceivedEmail, type SmtpSink, startSmtpSink } from '../support/smtp-sink.js';
import { login, PASSWORD, type Person, type Workspace } from '../support/workspace.js';

/** Shared set-up of the email suites: the server, a real SMTP sink, and the delivery worker. */

/** Short retries and a quick poll, so the suites do not wait on production delays. */
export const FAST_POLICY: Partial<DeliveryPolicy> = {
  baseDelayMs: 200,
  maxDelayMs: 1000,
  pollMs: 100,
};

export type LogLine = { level: 'info' | 'warn' | 'error'; obj: object; msg?: string };

/** A logger that keeps what the worker said, for failure messages and "no error" checks. */
export function recordingLog() {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (obj: object, msg?: string) => void lines.push({ level: 'info', obj, msg: msg ?? '' }),
    warn: (obj: object, msg?: string) => void lines.push({ level: 'warn', obj, msg: msg ?? '' }),
    error: (obj: object, msg?: string) => void lines.push({ level: 'error', obj, msg: msg ?? '' }),
  };
}

export function mailConfig(opts: { publicUrl: string; smtpUrl: string | null; dataDir: string }): Config {
  return loadConfig({
    ...process.env,
    LOG_LEVEL: 'silent',
    PORT: '0',
    DATABASE_URL: '',
    PUBLIC_URL: opts.publicUrl,
    SMTP_URL: opts.smtpUrl ?? '',
    DATA_DIR: opts.dataDir,
  });
}

export type MailEnv = {
  server: TestServer;
  api: Client;
  db: Db;
  sink: SmtpSink;
  config: Config;
  log: ReturnType<typeof recordingLog>;
  backgrounds: Background[];
  /** Starts (another) delivery worker and scheduler over the server's database. */
  startWorker(policy?: Partial<DeliveryPolicy>): Background;
  /** Stops every worker started so far. */
  stopWorkers(): Promise<void>;
  close(): Promise<void>;
};

export async function startMailEnv(
  options: {
    policy?: Partial<DeliveryPolicy> | null;
    worker?: boolean;
    /** Extra environment of the API server (INBOUND_SECRET for the inbound door, …). */
    serverEnv?: NodeJS.ProcessEnv;
  } = {},
): Promise<MailEnv> {
  const sink = await startSmtpSink();
  const server = await startServer(options.serverEnv ? { env: options.serverEnv } : {});
  const dataDir = mkdtempSync(join(tmpdir(), 'signoff-mail-'));
  const config = mailConfig({ publicUrl: server.url, smtpUrl: sink.url, dataDir });
  const log = recordingLog();
  const db = server.database.handle.db;
  const backgrounds: Background[] = [];
  const env: MailEnv = {
    server,
    api: client(server.url),
    db,
    sink,
    config,
    log,
    backgrounds,
    startWorker(policy) {
      const chosen = policy === undefined ? options.policy : policy;
      const bg = startBackground({
        db,
        database: server.database.handle,
        config,
        log,
        ...(chosen ? { policy: chosen } : {}),
        scheduleEveryMs: 3_600_000,
      });
      backgrounds.push(bg);
      return bg;
    },
    async stopWorkers() {
      await Promise.all(backgrounds.map((b) => b.stop()));
      backgrounds.length = 0;
    },
    async close() {
      await Promise.allSettled(backgrounds.map((b) => b.stop()));
      await server.close();
      await sink.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  if (options.worker !== false) env.startWorker();
  return env;
}

/** The Message-ID the worker gives an outbox row (SPEC §4: stable per event and recipient). */
export function expectedMessageId(
  row: { event_id: string; recipient_type: string; recipient_id: string },
  host = '127.0.0.1',
): string {
  return `<${row.event_id}.${row.recipient_type}.${row.recipient_id}@${host}>`;
}

/**
 * Waits until the outbox has nothing left to send (no pending row), then
 * checks that every sent row reached the sink.
 */
export async function drain(db: Db, sink: SmtpSink, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM outbox WHERE status = 'pending'`.execute(db);
    if (Number(rows[0]!.n) === 0) break;
    if (Date.now() > deadline) {
      const left = await db
        .selectFrom('outbox')
        .select(['kind', 'recipient_id', 'attempts', 'last_error', 'next_attempt_at', 'locked_until'])
        .where('status', '=', 'pending')
        .execute();
      throw new Error(`outbox not drained after ${timeoutMs} ms: ${JSON.stringify(left).slice(0, 3000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const sent = await db.selectFrom('outbox').select('message_id').where('status', '=', 'sent').execute();
  const received = new Set(sink.messages.map((m) => m.messageId));
  const missing = sent.filter((r) => !received.has(r.message_id!));
  expect(missing, 'sent outbox rows that never reached the SMTP sink').toEqual([]);
}

export const LINK = /\/respond\/([A-Za-z0-9_-]+)(\?decision=(approve|deny))?/g;

/** Every link token found in an email's text and HTML. */
export function tokensIn(email: Pick<ReceivedEmail, 'text' | 'html'>): string[] {
  const found = new Set<string>();
  for (const source of [email.text, email.html]) {
    for (const m of source.matchAll(LINK)) found.add(m[1]!);
  }
  return [...found];
}

/** The single token of an email with links (its Approve, Deny and Respond buttons share it). */
export function tokenOf(email: Pick<ReceivedEmail, 'text' | 'html'>): string {
  const tokens = tokensIn(email);
  expect(tokens, `one link token in the email:\n${email.text}`).toHaveLength(1);
  return tokens[0]!;
}

export const to = (person: { email: string }) => (m: ReceivedEmail) =>
  m.to.includes(person.email.toLowerCase());

/**
 * A helpdesk email of a ticket (SPEC §8.2: acknowledgement, agents' notices, relayed messages): its subject
 * carries `[#number]`, which no approval or account email's does. Suites about other emails leave them out.
 */
export const isTicketEmail = (m: Pick<ReceivedEmail, 'subject'>): boolean => /\[#\d+\]/.test(m.subject);

/** Emails to `person` other than the helpdesk's ticket emails. */
export const nonTicketTo = (person: { email: string }) => (m: ReceivedEmail) =>
  m.to.includes(person.email.toLowerCase()) && !isTicketEmail(m);

/** Emails to `person` whose subject contains `subjectPart`. */
export const mailTo =
  (person: { email: string }, subjectPart: string) =>
  (m: ReceivedEmail): boolean =>
    m.to.includes(person.email.toLowerCase()) && m.subject.includes(subjectPart);

let counter = 0;
const unique = () => `${process.pid}-${Date.now().toString(36)}-${counter++}`;

/** A member with an optional locale, signed in. */
export async function addMember(
  api: Client,
  ws: Workspace,
  opts: { name: string; locale?: 'en' | 'fr'; role?: 'admin' | 'agent' },
): Promise<Person> {
  const email = `m-${unique()}@example.test`;
  const res = await api.post(
    '/members',
    {
      name: opts.name,
      email,
      role: opts.role ?? 'agent',
      password: PASSWORD,
      ...(opts.locale ? { locale: opts.locale } : {}),
    },
    { token: ws.admin.token },
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.id, email, name: opts.name, token: await login(api, ws.id, email) };
}

/** A contact with an optional locale, signed in. */
export async function addContact(
  api: Client,
  ws: Workspace,
  opts: { name: string; locale?: 'en' | 'fr' },
): Promise<Person> {
  const email = `c-${unique()}@example.test`;
  const res = await api.post(
    '/contacts',
    { name: opts.name, email, password: PASSWORD, ...(opts.locale ? { locale: opts.locale } : {}) },
    { token: ws.admin.token },
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.id, email, name: opts.name, token: await login(api, ws.id, email) };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `n` members created without a password (they only receive emails), fast. */
export async function bulkMembers(
  api: Client,
  ws: Workspace,
  n: number,
  prefix = 'Bulk',
): Promise<{ id: string; email: string; name: string }[]> {
  const out: { id: string; email: string; name: string }[] = [];
  for (let i = 0; i < n; i += 20) {
    const chunk = await Promise.all(
      Array.from({ length: Math.min(20, n - i) }, async (_, j) => {
        const name = `${prefix} ${i + j + 1}`;
        const email = `b-${unique()}@example.test`;
        // invite: false, so these many recipients get only the emails a suite counts, no invitation.
        const res = await api.post(
          '/members',
          { name, email, role: 'agent', invite: false },
          { token: ws.admin.token },
        );
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        return { id: res.body.id as string, email, name };
      }),
    );
    out.push(...chunk);
  }
  return out;
}

/** Message-IDs received more than once. */
export function duplicates(messageIds: string[]): string[] {
  const seen = new Map<string, number>();
  for (const id of messageIds) seen.set(id, (seen.get(id) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
}
