import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_RETENTION, type RetentionPolicy } from './db/retention.js';

/** A whole number from 1 to `max`; an empty variable counts as unset. */
const positiveInt = (max: number) =>
  z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).max(max).optional());

/**
 * Fastify's `trustProxy`: off (the default: the client address is the socket's), `true` (trust every
 * hop: only when nothing but the proxy can reach the port), a hop count, or a comma-separated list of
 * proxy addresses and CIDR ranges.
 */
const trustProxy = z
  .string()
  .default('')
  .transform((raw, ctx): boolean | number | string[] => {
    const value = raw.trim();
    if (value === '' || value === 'false' || value === '0') return false;
    if (value === 'true') return true;
    if (/^\d+$/.test(value)) return Number(value);
    const entries = value.split(',').map((entry) => entry.trim());
    for (const entry of entries) {
      const [address, bits, ...rest] = entry.split('/');
      const version = isIP(address ?? '');
      const maxBits = version === 6 ? 128 : 32;
      const validBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= maxBits);
      if (!version || !validBits || rest.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `"${entry}" is not an IP address or CIDR range (use true, a hop count, or a list of addresses)`,
        });
        return z.NEVER;
      }
    }
    return entries;
  });

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: z.url().optional(),
  DATABASE_URL: z.string().optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
  DATA_DIR: z.string().default('./data'),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default('Signoff <signoff@localhost>'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  NODE_ENV: z.string().default('development'),
  EMAIL_QUOTA_PER_HOUR: z.coerce.number().int().min(0).max(10_000_000).default(500),
  TRUST_PROXY: trustProxy,
  WORKER: z.enum(['on', 'off', '']).optional(),
  // Unset = the worker's defaults (src/mail/policy.ts DEFAULT_POLICY), for the in-process and the standalone worker alike.
  DELIVERY_LEASE_MS: positiveInt(86_400_000),
  DELIVERY_MAX_DELAY_MS: positiveInt(604_800_000),
  DELIVERY_CONCURRENCY: positiveInt(1000),
  RETENTION_DAYS: positiveInt(3650),
  RETENTION_APPROVAL_LINK_DAYS: positiveInt(3650),
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(10_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(5_000),
  HTTP_IDLE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
  HTTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(1_000_000).default(1024),
  DATABASE_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(15_000),
  // '' as unset: `SIGNOFF_DEMO= npm start` means "the default".
  SIGNOFF_DEMO: z.enum(['', '0', '1']).optional(),
  DEV_MAILBOX_PUBLIC: z.enum(['', '0', '1']).optional(),
  // Inbound email (SPEC §8.2). The SMTP listener is off unless a port is given; the HTTP door is off
  // (404) unless a secret is given. The domain defaults to PUBLIC_URL's host.
  INBOUND_SMTP_PORT: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.coerce.number().int().min(0).max(65535).optional(),
  ),
  INBOUND_SMTP_HOST: z.string().default('0.0.0.0'),
  INBOUND_SECRET: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(16).optional()),
  INBOUND_DOMAIN: z.preprocess((v) => (v === '' ? undefined : v), z.string().optional()),
});

/** Limits of the HTTP server: a slow or idle client cannot hold a connection (and a file descriptor) forever. */
export type HttpLimits = {
  /** The whole request (headers and body) must arrive within this. */
  requestTimeoutMs: number;
  /** The headers must arrive within this (at most requestTimeoutMs). */
  headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** A socket with no traffic at all is closed after this. */
  idleTimeoutMs: number;
  /** Connections beyond this many are refused at once. */
  maxConnections: number;
};

export type Config = {
  port: number;
  host: string;
  publicUrl: string;
  database:
    | {
        engine: 'postgres';
        url: string;
        poolSize: number;
        /** How long a query waits for a free pooled connection before it fails (503). */
        acquireTimeoutMs: number;
        /** PostgreSQL's statement_timeout for every query of the server (503 when it runs out). */
        statementTimeoutMs: number;
      }
    | { engine: 'pglite'; dataDir: string };
  http: HttpLimits;
  dataDir: string;
  smtpUrl: string | null;
  mailFrom: string;
  logLevel: string;
  production: boolean;
  /** Emails a workspace may send per clock hour unless the operator set its own (npm run email-quota). */
  emailQuotaPerHour: number;
  /** Fastify's `trustProxy`, so that per-address limits count the client behind the proxy. */
  trustProxy: boolean | number | string[];
  /** Only what the operator set: the worker fills in the rest from its defaults. */
  // Spelled out here, not picked from src/mail/policy.ts: src/shared imports no feature module.
  delivery: { leaseMs?: number; maxDelayMs?: number; concurrency?: number };
  retention: RetentionPolicy;
  /** The delivery worker and scheduler inside the HTTP server (`WORKER=off`: run `npm run worker` beside it). */
  inProcessWorker: boolean;
  /** Create the demo workspace on an empty database: by default on the embedded one only; SIGNOFF_DEMO=0/1 decides on both. */
  demo: boolean;
  /** The dev mailbox answers every address, not only loopback ones (DEV_MAILBOX_PUBLIC=1). */
  devMailboxPublic: boolean;
  /** Inbound email (SPEC §8.2): workspaces receive at `{slug}@{domain}`. */
  inbound: {
    domain: string;
    /** The SMTP listener's port; null: no listener. */
    smtpPort: number | null;
    smtpHost: string;
    /** The bearer secret of `POST /inbound/email`; null: that door answers 404. */
    secret: string | null;
  };
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.HTTP_HEADERS_TIMEOUT_MS > e.HTTP_REQUEST_TIMEOUT_MS) {
    throw new Error(
      'Invalid configuration:\nHTTP_HEADERS_TIMEOUT_MS: must not be longer than HTTP_REQUEST_TIMEOUT_MS',
    );
  }
  const dataDir = resolve(e.DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    database: e.DATABASE_URL
      ? {
          engine: 'postgres',
          url: e.DATABASE_URL,
          poolSize: e.DATABASE_POOL_SIZE,
          acquireTimeoutMs: e.DATABASE_ACQUIRE_TIMEOUT_MS,
          statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
        }
      : { engine: 'pglite', dataDir: resolve(dataDir, 'pglite') },
    http: {
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      idleTimeoutMs: e.HTTP_IDLE_TIMEOUT_MS,
      maxConnections: e.HTTP_MAX_CONNECTIONS,
    },
    dataDir,
    smtpUrl: e.SMTP_URL || null,
    mailFrom: e.MAIL_FROM,
    // NODE_ENV=production (SPEC §7, logging only): `info` unless told, `debug` while developing.
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'production' ? 'info' : 'debug'),
    production: e.NODE_ENV === 'production',
    emailQuotaPerHour: e.EMAIL_QUOTA_PER_HOUR,
    trustProxy: e.TRUST_PROXY,
    delivery: {
      ...(e.DELIVERY_LEASE_MS === undefined ? {} : { leaseMs: e.DELIVERY_LEASE_MS }),
      ...(e.DELIVERY_MAX_DELAY_MS === undefined ? {} : { maxDelayMs: e.DELIVERY_MAX_DELAY_MS }),
      ...(e.DELIVERY_CONCURRENCY === undefined ? {} : { concurrency: e.DELIVERY_CONCURRENCY }),
    },
    inProcessWorker: e.WORKER !== 'off',
    retention: {
      days: e.RETENTION_DAYS ?? DEFAULT_RETENTION.days,
      approvalLinkDays: e.RETENTION_APPROVAL_LINK_DAYS ?? DEFAULT_RETENTION.approvalLinkDays,
    },
    demo: e.SIGNOFF_DEMO ? e.SIGNOFF_DEMO === '1' : !e.DATABASE_URL,
    devMailboxPublic: e.DEV_MAILBOX_PUBLIC === '1',
    inbound: {
      domain: (e.INBOUND_DOMAIN ?? new URL(e.PUBLIC_URL ?? 'http://localhost').hostname).toLowerCase(),
      smtpPort: e.INBOUND_SMTP_PORT ?? null,
      smtpHost: e.INBOUND_SMTP_HOST,
      secret: e.INBOUND_SECRET ?? null,
    },
  };
}
