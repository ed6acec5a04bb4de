import type { AddressInfo } from 'node:net';
import { type AppOptions, buildApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/shared/config.js';
import type { RateLimits } from '../../src/shared/http/types.js';
import { openTestDatabase, type TestDatabase } from './database.js';

export type TestServer = {
  url: string;
  database: TestDatabase;
  /** The inbound SMTP listener's port when the test set INBOUND_SMTP_PORT (0: any free port), else null. */
  smtpPort: number | null;
  close(): Promise<void>;
};

const GENEROUS: RateLimits = {
  loginFailures: { max: 10_000, windowSeconds: 900 },
  signups: { max: 10_000, windowSeconds: 3600 },
  approvalLinks: { max: 10_000, windowSeconds: 60 },
};

/** The configuration of an in-process test server: silent, any port, the database given to buildApp. */
export function testConfig(env: NodeJS.ProcessEnv = {}): Config {
  return loadConfig({ ...process.env, LOG_LEVEL: 'silent', PORT: '0', DATABASE_URL: '', ...env });
}

/**
 * The real server on a loopback port over a fresh database. Abuse limits are
 * generous unless a test asks for the real ones.
 */
export async function startServer(
  options: {
    rateLimits?: Partial<RateLimits>;
    logger?: AppOptions['logger'];
    /** Fastify's request lines (src/shared/logging.ts BriefRequestLog); its default when absent. */
    logController?: AppOptions['logController'];
    env?: NodeJS.ProcessEnv;
    webDist?: string;
    inboundSmtp?: AppOptions['inboundSmtp'];
    /** DNS for inbound mail's SPF/DKIM/DMARC (test/support/inbound.ts fakeResolver). */
    dnsResolver?: AppOptions['dnsResolver'];
  } = {},
): Promise<TestServer> {
  const database = await openTestDatabase();
  const config = testConfig(options.env);
  const app = await buildApp({
    database: database.handle,
    config,
    rateLimits: { ...GENEROUS, ...options.rateLimits },
    logger: options.logger ?? false,
    ...(options.logController ? { logController: options.logController } : {}),
    ...(options.webDist ? { webDist: options.webDist } : {}),
    ...(options.inboundSmtp ? { inboundSmtp: options.inboundSmtp } : {}),
    ...(options.dnsResolver ? { dnsResolver: options.dnsResolver } : {}),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    database,
    smtpPort: app.inboundSmtp.port,
    async close() {
      await app.close();
      await database.close();
    },
  };
}
