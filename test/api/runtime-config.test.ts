import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/mail/policy.js';
import { loadConfig } from '../../src/shared/config.js';
import { DEFAULT_RETENTION } from '../../src/shared/db/retention.js';
import { engine } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';

const servers: TestServer[] = [];
afterAll(async () => {
  for (const server of servers) await server.close();
});

/** One approval-link lookup per minute and address: the cheapest per-address limit to reach. */
async function serverWith(env: NodeJS.ProcessEnv) {
  const server = await startServer({ env, rateLimits: { approvalLinks: { max: 1, windowSeconds: 60 } } });
  servers.push(server);
  return (forwardedFor: string) =>
    fetch(`${server.url}/api/v1/approval-links/no-such-token`, {
      headers: { 'x-forwarded-for': forwardedFor },
    }).then((res) => res.status);
}

describe(`issue 12 item 4: configuration in one place (${engine})`, () => {
  it('TRUST_PROXY off (the default): X-Forwarded-For is ignored, every request from the proxy is one address', async () => {
    const lookUp = await serverWith({ TRUST_PROXY: '' });
    expect(await lookUp('203.0.113.1')).toBe(410);
    expect(await lookUp('203.0.113.2')).toBe(429);
  });

  it('TRUST_PROXY naming the proxy (127.0.0.1): per-address limits count the client address it forwards', async () => {
    const lookUp = await serverWith({ TRUST_PROXY: '127.0.0.1/32, ::1' });
    expect(await lookUp('203.0.113.1')).toBe(410);
    expect(await lookUp('203.0.113.2')).toBe(410);
    expect(await lookUp('203.0.113.1')).toBe(429);
  });

  it('TRUST_PROXY as a hop count trusts that many proxies', async () => {
    const lookUp = await serverWith({ TRUST_PROXY: '1' });
    expect(await lookUp('198.51.100.1, 203.0.113.1')).toBe(410);
    // One hop trusted: the client is the last forwarded address, whatever it claims before it.
    expect(await lookUp('198.51.100.2, 203.0.113.1')).toBe(429);
    expect(await lookUp('203.0.113.2')).toBe(410);
  });

  it('TRUST_PROXY values are parsed and validated in loadConfig', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.1,::1' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '192.168.1.1',
      '::1',
    ]);
    for (const bad of ['yes', '10.0.0.0/33', 'proxy.example.com', '10.0.0.1/8/1']) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/);
    }
  });

  it('DELIVERY_*, RETENTION_* and WORKER are read by loadConfig, so both workers see the same settings; bad values stop the start', () => {
    expect(loadConfig({}).delivery).toEqual({});
    expect(loadConfig({ DELIVERY_LEASE_MS: '', DELIVERY_CONCURRENCY: '' }).delivery).toEqual({});
    expect(
      loadConfig({ DELIVERY_LEASE_MS: '60000', DELIVERY_MAX_DELAY_MS: '600000', DELIVERY_CONCURRENCY: '4' })
        .delivery,
    ).toEqual({ leaseMs: 60_000, maxDelayMs: 600_000, concurrency: 4 });
    for (const [name, value] of [
      ['DELIVERY_LEASE_MS', '0'],
      ['DELIVERY_MAX_DELAY_MS', '1.5'],
      ['DELIVERY_CONCURRENCY', 'many'],
      ['RETENTION_DAYS', '0'],
      ['RETENTION_APPROVAL_LINK_DAYS', '-1'],
    ] as const) {
      expect(() => loadConfig({ [name]: value }), name).toThrow(name);
    }
    expect(loadConfig({}).retention).toEqual(DEFAULT_RETENTION);
    expect(loadConfig({ RETENTION_DAYS: '7', RETENTION_APPROVAL_LINK_DAYS: '120' }).retention).toEqual({
      days: 7,
      approvalLinkDays: 120,
    });
    expect(loadConfig({}).inProcessWorker).toBe(true);
    expect(loadConfig({ WORKER: 'off' }).inProcessWorker).toBe(false);
    expect(() => loadConfig({ WORKER: 'no' })).toThrow(/WORKER/);
    expect(DEFAULT_POLICY.concurrency).toBeGreaterThan(4); // the override above is a real change
  });

  it('NODE_ENV=production changes caching: hashed assets are kept a year in production, revalidated in development', async () => {
    const webDist = mkdtempSync(join(tmpdir(), 'signoff-web-'));
    mkdirSync(join(webDist, 'assets'));
    writeFileSync(join(webDist, 'index.html'), '<!doctype html><title>Signoff</title>');
    writeFileSync(join(webDist, 'assets', 'app-1a2b3c.js'), 'console.log(1)');
    const cachingOf = async (nodeEnv: string) => {
      const server = await startServer({ env: { NODE_ENV: nodeEnv }, webDist });
      servers.push(server);
      const asset = await fetch(`${server.url}/assets/app-1a2b3c.js`);
      const page = await fetch(`${server.url}/portal`);
      expect([asset.status, page.status]).toEqual([200, 200]);
      return { asset: asset.headers.get('cache-control'), page: page.headers.get('cache-control') };
    };
    expect(await cachingOf('production')).toEqual({
      asset: 'public, max-age=31536000, immutable',
      page: 'no-cache',
    });
    expect(await cachingOf('development')).toEqual({ asset: 'no-cache', page: 'no-cache' });
  });

  it('NODE_ENV=production changes logging: info unless LOG_LEVEL says otherwise, debug while developing', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).logLevel).toBe('info');
    expect(loadConfig({}).logLevel).toBe('debug');
    expect(loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'warn' }).logLevel).toBe('warn');
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });

  it('SESSION_SECRET is gone from the configuration: sessions are random tokens hashed at rest, nothing is signed', () => {
    expect(loadConfig({ SESSION_SECRET: 'whatever' })).not.toHaveProperty('sessionSecret');
  });
});
