import { expireDue, remindDue } from './approvals/scheduler.js';
import { outboxComposer } from './mail/assemble.js';
import { mailboxDir } from './mail/routes.js';
import { devMailboxTransport, type MailTransport, smtpTransport } from './mail/transport.js';
import { type DeliveryPolicy, DeliveryWorker, type Logger } from './mail/worker.js';
import type { Config } from './shared/config.js';
import type { Db } from './shared/db/connect.js';

export type Background = { worker: DeliveryWorker; transport: MailTransport; stop(): Promise<void> };

export function createTransport(config: Config): MailTransport {
  return config.smtpUrl ? smtpTransport(config.smtpUrl) : devMailboxTransport(mailboxDir(config.dataDir));
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
  policy?: Partial<DeliveryPolicy>;
  scheduleEveryMs?: number;
}): Background {
  const { db, config, log } = options;
  const transport = options.transport ?? createTransport(config);
  const worker = new DeliveryWorker({
    db,
    transport,
    compose: outboxComposer({ publicUrl: config.publicUrl, mailFrom: config.mailFrom }),
    messageIdDomain: new URL(config.publicUrl).hostname || 'signoff.local',
    ...(options.policy ? { policy: options.policy } : {}),
    log,
  });
  worker.start();
  let stopped = false;
  let pass: Promise<void> | null = null;
  const schedule = setInterval(() => {
    if (stopped || pass) return;
    pass = (async () => {
      try {
        const now = new Date();
        await expireDue(db, now);
        await remindDue(db, now);
      } catch (error) {
        log.error({ err: error }, 'scheduler pass failed');
      } finally {
        pass = null;
      }
    })();
  }, options.scheduleEveryMs ?? 30_000);
  return {
    worker,
    transport,
    async stop() {
      stopped = true;
      clearInterval(schedule);
      await pass;
      await worker.stop();
      await transport.close();
    },
  };
}
