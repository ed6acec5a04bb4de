import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logFormat, MASK, serverLogging } from '../../src/shared/logging.js';
import { startServer, type TestServer } from '../support/server.js';

/**
 * Issue 15 item 5: request logs are quiet at `npm start` in a terminal (pretty,
 * one short line per API request), JSON when not a terminal or in production;
 * tokens stay masked in both (issue 12 item 2).
 */
const secret = () => randomBytes(32).toString('base64url');

function memory() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

/** Until the request's line is written (it goes out as the answer does) or a second has passed. */
async function settle(lines: string[], until: (all: string) => boolean) {
  for (let i = 0; i < 100 && !until(lines.join('\n')); i++) await new Promise((r) => setTimeout(r, 10));
}

describe('issue 15 item 5: which format', () => {
  it.each([
    [true, false, 'pretty'],
    [true, true, 'json'],
    [false, false, 'json'],
    [false, true, 'json'],
  ] as const)('tty %s, production %s: %s', (tty, production, format) => {
    expect(logFormat({ tty, production })).toBe(format);
  });
});

describe('issue 15 item 5: at a terminal, one brief line per API request', () => {
  let server: TestServer;
  const out = memory();
  beforeAll(async () => {
    const logging = serverLogging('info', 'pretty', out.stream);
    server = await startServer({
      logger: logging.logger,
      ...(logging.logController ? { logController: logging.logController } : {}),
    });
  });
  afterAll(async () => server?.close());

  it('an API call: one line with method, path, status and time; no "incoming request", no JSON', async () => {
    const token = secret();
    const before = out.lines.length;
    await fetch(`${server.url}/api/v1/me?token=${token}`);
    await settle(out.lines.slice(before), (all) => all.includes('/api/v1/me'));
    const written = out.lines.slice(before);
    expect(written).toHaveLength(1);
    expect(written[0]).toContain('INFO');
    expect(written[0]).toMatch(/GET \/api\/v1\/me\?token=\[redacted\] 401 \d+ ms/);
    expect(written.join('\n')).not.toContain(token);
    expect(written.join('\n')).not.toContain('incoming request');
    expect(written[0]!.trim().startsWith('{')).toBe(false);
  });

  it('pages and health checks that succeed write nothing; a failing page writes a warning', async () => {
    const before = out.lines.length;
    await fetch(`${server.url}/readyz`);
    await fetch(`${server.url}/healthz`);
    const token = secret();
    // A POST: with the web app built (CI builds it at install), a GET of any page path is the app (200).
    await fetch(`${server.url}/no-such-page/respond/${token}`, { method: 'POST' });
    await settle(out.lines.slice(before), (all) => all.includes('no-such-page'));
    const written = out.lines.slice(before);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/WARN.*POST \/no-such-page\/respond\/\[redacted\] 404/);
    expect(written[0]).not.toContain(token);
  });
});

describe('issue 15 item 5: not a terminal (or production), JSON lines as before', () => {
  let server: TestServer;
  const out = memory();
  beforeAll(async () => {
    server = await startServer({ logger: { ...serverLogging('info', 'json').logger, stream: out.stream } });
  });
  afterAll(async () => server?.close());

  it("every line parses as JSON, with Fastify's request lines and the token masked", async () => {
    const token = secret();
    const before = out.lines.length;
    await fetch(`${server.url}/api/v1/me?token=${token}`);
    await settle(out.lines.slice(before), (all) => all.includes('request completed'));
    const written = out.lines.slice(before);
    const parsed = written.map((l) => JSON.parse(l) as { msg: string });
    expect(parsed.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['incoming request', 'request completed']),
    );
    expect(written.join('\n')).not.toContain(token);
    expect(written.join('\n')).toContain(`token=${MASK}`);
  });
});
