import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../config.js';
import type { Db, Engine } from '../db/connect.js';
import type { DnsResolver } from '../email/dns.js';

export type Api = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export type RateLimits = {
  loginFailures: { max: number; windowSeconds: number };
  signups: { max: number; windowSeconds: number };
  approvalLinks: { max: number; windowSeconds: number };
};

export const DEFAULT_RATE_LIMITS: RateLimits = {
  loginFailures: { max: 10, windowSeconds: 15 * 60 },
  signups: { max: 20, windowSeconds: 60 * 60 },
  approvalLinks: { max: 120, windowSeconds: 60 },
};

/** What every module's routes are built with. Nothing in it is per-request state. */
export type AppDeps = {
  db: Db;
  engine: Engine;
  config: Config;
  rateLimits: RateLimits;
  now: () => Date;
  /** DNS for inbound mail's SPF/DKIM/DMARC (tests answer from a table); node's resolver when absent. */
  dnsResolver?: DnsResolver;
};
