/**
 * How the mail worker delivers: its own file, so that the worker and the SMTP transport (which sizes
 * its pool by `concurrency`) both read it without importing each other.
 */
export type DeliveryPolicy = {
  /** Most rows one claim takes. */
  batchSize: number;
  /** Attempts before a message is dead (listed for admins, who may retry it). */
  maxAttempts: number;
  /** First retry delay; doubles each attempt up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long a claimed message is reserved for the worker that claimed it. */
  leaseMs: number;
  /** How long the worker waits before looking again once nothing is due (a wake-up cuts it short). */
  pollMs: number;
  /** Emails sent at the same time (the SMTP pool has as many connections). */
  concurrency: number;
  /** Emails a workspace may send per clock hour unless it has its own quota (`workspaces.email_quota_per_hour`). */
  defaultQuotaPerHour: number;
};

export const DEFAULT_POLICY: DeliveryPolicy = {
  batchSize: 50,
  maxAttempts: 8,
  baseDelayMs: 5_000,
  maxDelayMs: 3_600_000,
  leaseMs: 120_000,
  pollMs: 1_000,
  concurrency: 16,
  defaultQuotaPerHour: 500,
};
