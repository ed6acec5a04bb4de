import { resolve } from 'node:path';
import { z } from 'zod';

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: z.url().optional(),
  DATABASE_URL: z.string().optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
  DATA_DIR: z.string().default('./data'),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default('Signoff <signoff@localhost>'),
  SESSION_SECRET: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.string().default('development'),
  EMAIL_QUOTA_PER_HOUR: z.coerce.number().int().min(0).max(10_000_000).default(500),
  // '' as unset: `SIGNOFF_DEMO= npm start` means "the default".
  SIGNOFF_DEMO: z.enum(['', '0', '1']).optional(),
  DEV_MAILBOX_PUBLIC: z.enum(['', '0', '1']).optional(),
});

export type Config = {
  port: number;
  host: string;
  publicUrl: string;
  database: { engine: 'postgres'; url: string; poolSize: number } | { engine: 'pglite'; dataDir: string };
  dataDir: string;
  smtpUrl: string | null;
  mailFrom: string;
  sessionSecret: string | null;
  logLevel: string;
  production: boolean;
  /** Emails a workspace may send per clock hour unless the operator set its own (npm run email-quota). */
  emailQuotaPerHour: number;
  /** Create the demo workspace on an empty database: by default on the embedded one only; SIGNOFF_DEMO=0/1 decides on both. */
  demo: boolean;
  /** The dev mailbox answers every address, not only loopback ones (DEV_MAILBOX_PUBLIC=1). */
  devMailboxPublic: boolean;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    database: e.DATABASE_URL
      ? { engine: 'postgres', url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE }
      : { engine: 'pglite', dataDir: resolve(dataDir, 'pglite') },
    dataDir,
    smtpUrl: e.SMTP_URL || null,
    mailFrom: e.MAIL_FROM,
    sessionSecret: e.SESSION_SECRET ?? null,
    logLevel: e.LOG_LEVEL,
    production: e.NODE_ENV === 'production',
    emailQuotaPerHour: e.EMAIL_QUOTA_PER_HOUR,
    demo: e.SIGNOFF_DEMO ? e.SIGNOFF_DEMO === '1' : !e.DATABASE_URL,
    devMailboxPublic: e.DEV_MAILBOX_PUBLIC === '1',
  };
}
