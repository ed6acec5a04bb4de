import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASK } from '../../src/shared/logging.js';
import { client } from '../support/client.js';
import { startServer, type TestServer } from '../support/server.js';
import { newWorkspace } from '../support/workspace.js';

/**
 * Issue 12 item 2 ("secrets stay secret") and item 5 ("no SQL parameters or
 * bodies in logs"): the real server with a logger writing into memory.
 */
let server: TestServer;
const lines: string[] = [];

beforeAll(async () => {
  server = await startServer({
    logger: { level: 'info', stream: { write: (line: string) => void lines.push(line) } },
  });
});
afterAll(async () => server?.close());

const token = () => randomBytes(32).toString('base64url');

describe('issue 12 item 2: tokens in request URLs are masked in every log line', () => {
  it.each([
    ['approval link (API)', (t: string) => `/api/v1/approval-links/${t}`],
    ['approval link decisions (API)', (t: string) => `/api/v1/approval-links/${t}/decisions`],
    ['response page', (t: string) => `/respond/${t}`],
    ['member sign-in link page', (t: string) => `/sign-in/link/${t}`],
    ['contact sign-in link page', (t: string) => `/portal/sign-in/${t}`],
    ['password reset / invitation page', (t: string) => `/set-password/${t}?invitation=1`],
    ['a token in the query string', (t: string) => `/api/v1/me?token=${t}&x=1`],
  ])('%s', async (_name, path) => {
    const secret = token();
    const before = lines.length;
    await fetch(`${server.url}${path(secret)}`);
    // The "request completed" line is written as the answer goes out; give it a moment.
    for (let i = 0; i < 50 && !lines.slice(before).some((l) => l.includes('request completed')); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const written = lines.slice(before).join('');
    expect(written).toContain('incoming request');
    expect(written).not.toContain(secret);
    const masked = path(MASK).split('?')[0] ?? '';
    expect(written).toContain(masked);
  });
});

describe('issue 12 item 5: a database error is logged without its SQL, parameters or row values', () => {
  it('a failing insert logs the error code and constraint, never the subject or body sent', async () => {
    const api = client(server.url);
    const ws = await newWorkspace(api);
    const requester = await ws.contact();
    // A constraint the application does not know about: the insert fails with an unhandled 23514.
    await sql`alter table tickets add constraint test_refuses_forbidden check (subject not like '%forbidden%')`.execute(
      server.database.handle.db,
    );
    const subject = `forbidden-subject-${token()}`;
    const body = `private-body-${token()}`;
    const before = lines.length;
    const res = await api.post(
      '/tickets',
      { subject, body, requesterId: requester.id },
      { token: ws.admin.token },
    );
    expect(res.status).toBe(500);
    const written = lines.slice(before).join('');
    const errorLine = lines.slice(before).find((l) => l.includes('unhandled error'));
    expect(errorLine, written).toBeDefined();
    const logged = JSON.parse(errorLine!).err;
    expect(logged.code).toBe('23514');
    expect(logged.constraint).toBe('test_refuses_forbidden');
    expect(logged).not.toHaveProperty('query');
    expect(logged).not.toHaveProperty('params');
    expect(logged).not.toHaveProperty('detail');
    expect(written).not.toContain(subject);
    expect(written).not.toContain(body);
    expect(written.toLowerCase()).not.toContain('insert into');
  });
});
