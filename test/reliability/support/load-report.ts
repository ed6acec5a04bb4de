import { sql } from 'kysely';
import type { Db } from '../../../src/shared/db/connect.js';
import { type AuditReport, auditDatabase, auditLedger, auditMail, type MailReport } from './audit.js';
import { type LoadEnv, waitForDrain } from './load-env.js';
import { formatStatuses, type LoadResult } from './load-run.js';

export type Settled = { audit: AuditReport; mail: MailReport; ledger: string[]; drainMs: number };

export type Latency = { n: number; p50: number; p95: number; p99: number; max: number };

/**
 * Outbox-to-send latency of the sent rows (`sent_at - created_at`, in seconds), over the rows
 * created since `since` when given. SPEC §4: an email within 5 s of its event under normal load.
 */
export async function outboxLatency(db: Db, since?: Date): Promise<Latency> {
  const { rows } = await sql<Latency>`
    WITH l AS (
      SELECT extract(epoch FROM sent_at - created_at)::float8 AS s FROM outbox
      WHERE status = 'sent' AND sent_at IS NOT NULL AND created_at >= ${since ?? new Date(0)}
    )
    SELECT count(*)::int AS n,
      coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY s), 0)::float8 AS p50,
      coalesce(percentile_cont(0.95) WITHIN GROUP (ORDER BY s), 0)::float8 AS p95,
      coalesce(percentile_cont(0.99) WITHIN GROUP (ORDER BY s), 0)::float8 AS p99,
      coalesce(max(s), 0)::float8 AS max
    FROM l`.execute(db);
  const r = rows[0]!;
  return { n: Number(r.n), p50: Number(r.p50), p95: Number(r.p95), p99: Number(r.p99), max: Number(r.max) };
}

export const formatLatency = (l: Latency) =>
  `${l.n} emails, p50 ${l.p50.toFixed(2)} s, p95 ${l.p95.toFixed(2)} s, p99 ${l.p99.toFixed(2)} s, max ${l.max.toFixed(2)} s`;

/**
 * After a load: waits for the outbox to drain, runs the SQL audit, the mail audit (by
 * Message-ID) and the ledger check, and prints the figures of the run.
 */
export async function settleAndAudit(
  label: string,
  env: LoadEnv,
  result: LoadResult,
  options: { drainTimeoutMs?: number; onStall?: () => Promise<void>; stallMs?: number } = {},
): Promise<Settled> {
  const { ms: drainMs } = await waitForDrain(env, options.drainTimeoutMs ?? 60_000, {
    ...(options.onStall ? { onStall: options.onStall } : {}),
    ...(options.stallMs ? { stallMs: options.stallMs } : {}),
  });
  const audit = await auditDatabase(env.db);
  const mail = await auditMail(env.db, env.sink.messages);
  const ledger = await auditLedger(env.db, result.ledger);
  // Printed, not asserted: faults and the seeding burst make these figures vary.
  const latencyAll = await outboxLatency(env.db);
  const latencyLoad = await outboxLatency(env.db, new Date(result.startedAt));
  const lines = [
    `[${label}] ${formatStatuses(result)}`,
    `  faults: ${result.faults.length === 0 ? 'none' : result.faults.map((f) => `${f.name} at op ${f.at} (${f.startedMs}-${f.endedMs} ms)${f.error ? ` FAILED ${f.error}` : ''}`).join('; ')}`,
    `  network errors: ${result.networkErrors.length}, 5xx: ${result.serverErrors.length} (${[...new Set(result.serverErrors.map((e) => `${e.status} ${e.code}`))].join(', ')}), unexpected answers: ${result.unexpected.length}`,
    `  database: ${Object.entries(audit.figures)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `  mail: ${mail.sentRows} sent rows, ${mail.received} received, ${mail.uniqueReceived} unique Message-IDs, ${mail.missing.length} missing, ${mail.duplicates.length} delivered more than once, ${mail.unknown.length} unknown; drained in ${drainMs} ms`,
    `  outbox latency (sent_at - created_at): during the load ${formatLatency(latencyLoad)}; all sent rows (seeding too) ${formatLatency(latencyAll)}`,
    `  audit violations: ${audit.violations.length === 0 ? 'none' : audit.violations.map((v) => `${v.check} (${v.rows.length})`).join('; ')}; ledger problems: ${ledger.length}`,
  ];
  if (result.networkErrors.length > 0 || result.serverErrors.some((e) => e.status !== 503)) {
    lines.push(
      `  first network errors: ${JSON.stringify(result.networkErrors.slice(0, 5))}`,
      `  process output:\n${env.dump()}`,
    );
  }
  console.log(lines.join('\n'));
  return { audit, mail, ledger, drainMs };
}
