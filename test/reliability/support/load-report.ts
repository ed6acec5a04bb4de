import { type AuditReport, auditDatabase, auditLedger, auditMail, type MailReport } from './audit.js';
import { type LoadEnv, waitForDrain } from './load-env.js';
import { formatStatuses, type LoadResult } from './load-run.js';

export type Settled = { audit: AuditReport; mail: MailReport; ledger: string[]; drainMs: number };

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
  const lines = [
    `[${label}] ${formatStatuses(result)}`,
    `  faults: ${result.faults.length === 0 ? 'none' : result.faults.map((f) => `${f.name} at op ${f.at} (${f.startedMs}-${f.endedMs} ms)${f.error ? ` FAILED ${f.error}` : ''}`).join('; ')}`,
    `  network errors: ${result.networkErrors.length}, 5xx: ${result.serverErrors.length} (${[...new Set(result.serverErrors.map((e) => `${e.status} ${e.code}`))].join(', ')}), unexpected answers: ${result.unexpected.length}`,
    `  database: ${Object.entries(audit.figures)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `  mail: ${mail.sentRows} sent rows, ${mail.received} received, ${mail.uniqueReceived} unique Message-IDs, ${mail.missing.length} missing, ${mail.duplicates.length} delivered more than once, ${mail.unknown.length} unknown; drained in ${drainMs} ms`,
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
