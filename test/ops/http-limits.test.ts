import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, requestPath } from '../../src/app.js';
import { loadConfig } from '../../src/shared/config.js';
import { registerProblemHandlers } from '../../src/shared/http/problem.js';
import { client } from '../support/client.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { newWorkspace } from '../support/workspace.js';

/** One raw HTTP/1.1 exchange on a socket: what fetch cannot send (absolute-form targets, trickled bodies). */
function rawRequest(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(head));
    let answer = '';
    socket.on('data', (d) => {
      answer += d.toString();
    });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer in 10 s')));
  });
}

let database: TestDatabase;
let app: Awaited<ReturnType<typeof buildApp>>;
let port: number;

beforeAll(async () => {
  database = await openTestDatabase();
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    PORT: '0',
    DATABASE_URL: '',
    HTTP_REQUEST_TIMEOUT_MS: '2000',
    HTTP_HEADERS_TIMEOUT_MS: '1000',
    HTTP_MAX_CONNECTIONS: '20',
  });
  app = await buildApp({ database: database.handle, config, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await app?.close();
  await database?.close();
});

describe('issue 12 item 5: HTTP timeouts and connection cap', () => {
  it('cuts off a client that sends its body one byte every second (HTTP_REQUEST_TIMEOUT_MS)', async () => {
    const started = Date.now();
    const socket: Socket = connect(port, '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    socket.write(
      'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n',
    );
    let answer = '';
    socket.on('data', (d) => {
      answer += d.toString();
    });
    socket.on('error', () => {});
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    const trickle = setInterval(() => {
      if (!socket.destroyed) socket.write('{');
    }, 1000);
    const bounded = setTimeout(() => socket.destroy(), 15_000);
    await closed;
    clearInterval(trickle);
    clearTimeout(bounded);
    const elapsed = Date.now() - started;
    // Request timeout 2 s, checked every second: closed (with a 408) well before the 15 s guard.
    expect(elapsed).toBeLessThan(5000);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  }, 20_000);

  it('cuts off a client that never finishes its headers', async () => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1', () => socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n'));
    let answer = '';
    // Read (flowing mode), or the end of the stream and so 'close' would never come.
    socket.on('data', (d) => {
      answer += d.toString();
    });
    socket.on('error', () => {});
    const bounded = setTimeout(() => socket.destroy(), 15_000);
    await new Promise<void>((r) => socket.once('close', () => r()));
    clearTimeout(bounded);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  }, 20_000);

  it('applies the configured limits to the Node server', () => {
    expect(app.server.requestTimeout).toBe(2000);
    expect(app.server.headersTimeout).toBe(1000);
    expect(app.server.keepAliveTimeout).toBe(5000);
    expect(app.server.maxConnections).toBe(20);
    expect(app.server.timeout).toBe(60_000);
  });

  it('rejects headers timeout longer than the request timeout at configuration time', () => {
    expect(() => loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '5000', HTTP_HEADERS_TIMEOUT_MS: '6000' })).toThrow(
      /HTTP_HEADERS_TIMEOUT_MS/,
    );
  });
});

describe('issue 12 item 5: authentication on the parsed path', () => {
  it('authenticates an absolute-form request target like the origin form', async () => {
    const api = client(`http://127.0.0.1:${port}`);
    const ws = await newWorkspace(api);
    const origin = await rawRequest(
      port,
      `GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ws.admin.token}\r\nConnection: close\r\n\r\n`,
    );
    const absolute = await rawRequest(
      port,
      `GET http://x/api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ws.admin.token}\r\nConnection: close\r\n\r\n`,
    );
    expect(origin).toMatch(/^HTTP\/1\.1 200/);
    expect(absolute).toMatch(/^HTTP\/1\.1 200/);
    expect(absolute).toContain(ws.admin.email);
    // And without credentials, the auth hook (not only the handler) refuses it.
    const anonymous = await rawRequest(
      port,
      'GET http://x/api/v1/me HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    expect(anonymous).toMatch(/^HTTP\/1\.1 401/);
  });

  it('takes the path of either form without its query', () => {
    expect(requestPath('/api/v1/me?x=1')).toBe('/api/v1/me');
    expect(requestPath('http://x/api/v1/me?x=1')).toBe('/api/v1/me');
    expect(requestPath('https://x:8443/api/v1/tickets#a')).toBe('/api/v1/tickets');
    expect(requestPath('/')).toBe('/');
  });
});

describe('issue 12 item 5: exhausted resources answer 503 with Retry-After', () => {
  const cases: Array<[string, Error]> = [
    [
      'a full disk (ENOSPC)',
      Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }),
    ],
    ['a read-only disk (EROFS)', Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' })],
    ['PostgreSQL disk_full', Object.assign(new Error('could not extend file'), { code: '53100' })],
    [
      'the statement timeout',
      Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }),
    ],
    ['the pool acquire timeout', new Error('timeout exceeded when trying to connect')],
  ];
  for (const [what, error] of cases) {
    it(`answers ${what} with 503 and Retry-After, not 500`, async () => {
      const bare = Fastify({ logger: false });
      registerProblemHandlers(bare);
      bare.get('/boom', async () => {
        throw error;
      });
      const res = await bare.inject({ method: 'GET', url: '/boom' });
      await bare.close();
      expect(res.statusCode).toBe(503);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(res.json().code).toBe('service_unavailable');
    });
  }
});
