import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SmtpListener, startSmtpListener } from '../../src/inbound/smtp-listener.js';
import { type DatabaseHandle, openAndMigrate } from '../../src/shared/db/connect.js';
import { createWorkspace } from '../../src/workspaces/repo.js';
import { createPostgresDatabase, engine } from '../support/database.js';
import { fakeResolver } from '../support/inbound.js';
import { testConfig } from '../support/server.js';
import { rawEmail, rawSmtpSession, sendSmtp } from '../support/smtp-client.js';

/**
 * The database goes away in the middle of an SMTP transaction (SPEC §8.2: the sender must keep the message).
 * For real on both engines: on PostgreSQL the test database stops taking connections and every connection
 * to it is terminated (what a failover does); on PGlite the database handle is closed, then opened again
 * on the same folder. The listener answers 451 4.3.0, nothing is written, and the sender's retry of the
 * same message (same Message-ID) is taken exactly once.
 */

const DOMAIN = 'inbound.test';
const config = testConfig({ INBOUND_DOMAIN: DOMAIN });
const silent = { info() {}, warn() {}, error() {} };

type Breakable = {
  db: () => DatabaseHandle['db'];
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
};

async function breakablePostgres(baseUrl: string): Promise<Breakable> {
  const created = await createPostgresDatabase(baseUrl);
  const name = new URL(created.url).pathname.slice(1);
  const handle = await openAndMigrate({ engine: 'postgres', url: created.url, poolSize: 4 });
  const admin = async (fn: (c: pg.Client) => Promise<unknown>) => {
    const c = new pg.Client({ connectionString: baseUrl });
    await c.connect();
    try {
      await fn(c);
    } finally {
      await c.end();
    }
  };
  return {
    db: () => handle.db,
    down: () =>
      admin(async (c) => {
        await c.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
        await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
      }),
    up: () => admin((c) => c.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`)),
    async close() {
      await handle.close();
      await created.drop();
    },
  };
}

async function breakablePglite(): Promise<Breakable> {
  const dir = mkdtempSync(join(tmpdir(), 'signoff-smtp-'));
  let handle = await openAndMigrate({ engine: 'pglite', dataDir: dir });
  let open = true;
  return {
    db: () => handle.db,
    async down() {
      await handle.close();
      open = false;
    },
    async up() {
      handle = await openAndMigrate({ engine: 'pglite', dataDir: dir });
      open = true;
    },
    async close() {
      if (open) await handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let database: Breakable;
let listener: SmtpListener;
let address: string;

beforeAll(async () => {
  database =
    engine === 'postgres' ? await breakablePostgres(process.env.TEST_DATABASE_URL!) : await breakablePglite();
  const slug = `help-${randomBytes(3).toString('hex')}`;
  await createWorkspace(database.db(), { name: 'Help', slug });
  address = `${slug}@${DOMAIN}`;
  // The listener reads the database at each message: a getter, so that the PGlite handle can be replaced.
  const deps = {
    get db() {
      return database.db();
    },
    config,
    now: () => new Date(),
    dnsResolver: fakeResolver(),
  };
  listener = await startSmtpListener(deps, { host: '127.0.0.1', port: 0, log: silent });
}, 60_000);

afterAll(async () => {
  await listener?.close();
  await database?.up().catch(() => {});
  await database?.close();
});

const stored = async (messageId: string) => {
  const { rows } = await sql<{ messages: number; tickets: number }>`
    SELECT (SELECT count(*)::int FROM inbound_messages WHERE message_id = ${messageId}) AS messages,
           (SELECT count(*)::int FROM tickets t JOIN inbound_messages i
              ON i.workspace_id = t.workspace_id AND i.ticket_id = t.id WHERE i.message_id = ${messageId}) AS tickets`.execute(
    database.db(),
  );
  return rows[0]!;
};

describe(`SMTP door with the database down (${engine})`, () => {
  it('SPEC §8.2 the database fails during DATA: 451 4.3.0, nothing written; the retry of the same Message-ID is taken exactly once', async () => {
    const messageId = `${randomBytes(6).toString('hex')}@customer.example`;
    const raw = rawEmail({
      from: 'Carla <carla@customer.example>',
      to: address,
      subject: 'Cannot log in',
      text: 'My password does not work.',
      messageId,
    });

    // The envelope is accepted while the database is up…
    const session = await rawSmtpSession(listener.port);
    await session.command('EHLO mta.customer.example\r\n');
    expect((await session.command('MAIL FROM:<carla@customer.example>\r\n')).code).toBe(250);
    expect((await session.command(`RCPT TO:<${address}>\r\n`)).code).toBe(250);
    // …then it goes away before the message is handed to the pipeline.
    await database.down();
    try {
      expect((await session.command('DATA\r\n')).code).toBe(354);
      const reply = await session.command(`${raw}\r\n.\r\n`, 20_000);
      expect(reply.text).toMatch(/^451 4\.3\.0 /);
      // A sender trying meanwhile is told to come back later at RCPT already (the address check reads the database).
      const meanwhile = await sendSmtp(listener.port, { from: 'carla@customer.example', to: [address], raw });
      expect(meanwhile).toMatchObject({ ok: false, responseCode: 451 });
    } finally {
      session.close();
      await database.up();
    }

    expect(await stored(messageId)).toEqual({ messages: 0, tickets: 0 });
    // The sender's MTA retries (twice here, as a retry racing a slow 250 would): one message, one ticket.
    for (let attempt = 0; attempt < 2; attempt++) {
      const sent = await sendSmtp(listener.port, { from: 'carla@customer.example', to: [address], raw });
      expect(sent, JSON.stringify(sent)).toMatchObject({ ok: true });
    }
    expect(await stored(messageId)).toEqual({ messages: 1, tickets: 1 });
  }, 60_000);
});
