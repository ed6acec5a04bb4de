import { expireDue, remindDue } from './approvals/scheduler.js';
import { outboxComposer } from './mail/assemble.js';
import { DEFAULT_POLICY, type DeliveryPolicy } from './mail/policy.js';
import { mailboxDir } from './mail/routes.js';
import { devMailboxTransport, type MailTransport, smtpTransport } from './mail/transport.js';
import { listenForOutbox } from './mail/wake.js';
import { DeliveryWorker, type Logger } from './mail/worker.js';
import type { Config } from './shared/config.js';
import type { DatabaseHandle, Db } from './shared/db/connect.js';
import { cleanUp } from './shared/db/retention.js';

export type Background = { worker: DeliveryWorker; transport: MailTransport; stop(): Promise<void> };

/** SMTP when configured (one pooled connection per email the worker sends at once), else the dev mailbox. */
export function createTransport(config: Config, maxConnections = DEFAULT_POLICY.concurrency): MailTransport {
  return config.smtpUrl
    ? smtpTransport(config.smtpUrl, { maxConnections })
    : devMailboxTransport(mailboxDir(config.dataDir));
}

/**
 * The background work that lives in PostgreSQL: the outbox delivery worker,
 * and a scheduler for expiries and automatic reminders. Safe to run in
 * several processes at once.
 */
export function startBackground(options: {
  db: Db;
  config: Config;
  log: Logger;
  transport?: MailTransport;
  /** Overrides of the delivery policy on top of the operator's `DELIVERY_*` settings (tests). */
  policy?: Partial<DeliveryPolicy>;
  scheduleEveryMs?: number;
  /** How often the retention clean-up runs, in a scheduler pass (default hourly; the first pass runs it). */
  cleanUpEveryMs?: number;
  /** The database handle of `db`: with it, new outbox rows wake the worker at once (else it only polls). */
  database?: DatabaseHandle;
}): Background {
  const { db, config, log } = options;
  // The in-process worker and `npm run worker` read the same settings (config.delivery, from DELIVERY_*).
  const policy: Partial<DeliveryPolicy> = { ...config.delivery, ...options.policy };
  const concurrency = policy.concurrency ?? DEFAULT_POLICY.concurrency;
  const transport = options.transport ?? createTransport(config, concurrency);
  const worker = new DeliveryWorker({
    db,
    transport,
    compose: outboxComposer({
      publicUrl: config.publicUrl,
      mailFrom: config.mailFrom,
      inboundDomain: config.inbound.domain,
    }),
    messageIdDomain: new URL(config.publicUrl).hostname || 'signoff.local',
    policy: { defaultQuotaPerHour: config.emailQuotaPerHour, ...policy },
    log,
  });
  worker.start();
  const wakeup = options.database ? listenForOutbox(options.database, () => worker.wake(), log) : null;
  let stopped = false;
  let pass: Promise<void> | null = null;
  const cleanUpEveryMs = options.cleanUpEveryMs ?? 60 * 60_000;
  let lastCleanUp = Number.NEGATIVE_INFINITY;
  // Apart from expiries and reminders, so that a failure of one never stops the other.
  const cleanUpIfDue = async () => {
    const now = new Date();
    if (now.getTime() - lastCleanUp < cleanUpEveryMs) return;
    lastCleanUp = now.getTime();
    try {
      const removed = await cleanUp(db, now, config.retention);
      log.info({ removed }, 'retention clean-up');
    } catch (error) {
      log.error({ err: error }, 'retention clean-up failed');
    }
  };
  const schedule = setInterval(() => {
    if (stopped || pass) return;
    pass = (async () => {
      const now = new Date();
      try {
        await expireDue(db, now);
        await remindDue(db, now);
      } catch (error) {
        log.error({ err: error }, 'scheduler pass failed');
      }
    })()
      .then(() => cleanUpIfDue())
      .finally(() => {
        pass = null;
      });
  }, options.scheduleEveryMs ?? 30_000);
  return {
    worker,
    transport,
    async stop() {
      stopped = true;
      clearInterval(schedule);
      await wakeup?.close();
      await pass;
      await worker.stop();
      await transport.close();
    },
  };
}
