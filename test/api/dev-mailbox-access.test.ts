import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { mailboxDir } from '../../src/mail/routes.js';
import { devMailboxTransport } from '../../src/mail/transport.js';
import { loadConfig } from '../../src/shared/config.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { testConfig } from '../support/server.js';

/**
 * Issue 12 item 3: the dev mailbox holds every email with its live links, so it
 * answers only the developer's own machine unless DEV_MAILBOX_PUBLIC=1; and
 * item 5: its files are readable by the developer's account alone.
 */
let database: TestDatabase;
let dataDir: string;
const apps: FastifyInstance[] = [];

async function appWith(env: Record<string, string>) {
  const config = testConfig({ SMTP_URL: '', DATA_DIR: dataDir, ...env });
  const app = await buildApp({ database: database.handle, config, logger: false });
  apps.push(app);
  return app;
}

beforeAll(async () => {
  database = await openTestDatabase();
  dataDir = mkdtempSync(join(tmpdir(), 'signoff-mailbox-'));
  await devMailboxTransport(mailboxDir(dataDir)).send({
    messageId: '<1@test>',
    from: 'Signoff <signoff@localhost>',
    to: { name: 'Ada', address: 'ada@example.test' },
    subject: 'Sign in to Signoff',
    text: 'http://localhost:3000/sign-in/link/live-token',
    html: '',
    locale: 'en',
  });
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await database?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('issue 12 item 3: GET /api/v1/dev/mailbox answers loopback addresses only', () => {
  it('answers a request from 127.0.0.1 over real HTTP', async () => {
    const app = await appWith({});
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const res = await fetch(`${url}/api/v1/dev/mailbox`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: { subject: string }[] };
    expect(body.items.map((e) => e.subject)).toEqual(['Sign in to Signoff']);

    // A reverse proxy on this machine connects from 127.0.0.1 on behalf of anyone.
    const proxied = await fetch(`${url}/api/v1/dev/mailbox`, {
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(proxied.status).toBe(403);
    expect(((await proxied.json()) as { code: string }).code).toBe('dev_mailbox_local_only');
    const forwarded = await fetch(`${url}/api/v1/dev/mailbox`, { headers: { forwarded: 'for=203.0.113.9' } });
    expect(forwarded.status).toBe(403);
  });

  it.each(['203.0.113.9', '10.0.0.2', '::ffff:192.0.2.1', '2001:db8::1'])(
    'refuses a request from %s with 403 dev_mailbox_local_only and no email',
    async (remoteAddress) => {
      const app = await appWith({});
      const res = await app.inject({ method: 'GET', url: '/api/v1/dev/mailbox', remoteAddress });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('dev_mailbox_local_only');
      expect(res.body).not.toContain('live-token');
    },
  );

  it.each(['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'])('answers %s', async (remoteAddress) => {
    const app = await appWith({});
    const res = await app.inject({ method: 'GET', url: '/api/v1/dev/mailbox', remoteAddress });
    expect(res.statusCode).toBe(200);
  });

  it('DEV_MAILBOX_PUBLIC=1 opens it to every address', async () => {
    const app = await appWith({ DEV_MAILBOX_PUBLIC: '1' });
    const res = await app.inject({ method: 'GET', url: '/api/v1/dev/mailbox', remoteAddress: '203.0.113.9' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('live-token');
  });

  it('DEV_MAILBOX_PUBLIC accepts only 0 or 1', () => {
    expect(loadConfig({ DEV_MAILBOX_PUBLIC: '1' }).devMailboxPublic).toBe(true);
    expect(loadConfig({ DEV_MAILBOX_PUBLIC: '0' }).devMailboxPublic).toBe(false);
    expect(loadConfig({}).devMailboxPublic).toBe(false);
    expect(() => loadConfig({ DEV_MAILBOX_PUBLIC: 'yes' })).toThrow(/DEV_MAILBOX_PUBLIC/);
  });
});

describe('issue 12 item 5: dev-mailbox files holding live tokens are 0600', () => {
  it('the folder is 0700 and each email file 0600', () => {
    const dir = mailboxDir(dataDir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const files = readdirSync(dir);
    expect(files.length).toBe(1);
    for (const file of files) expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
  });
});
