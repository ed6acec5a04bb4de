import pg from 'pg';
import type { DatabaseHandle } from '../shared/db/connect.js';
import type { Logger } from './worker.js';

/** The channel a trigger on `outbox` notifies after each INSERT (migration 004). */
export const OUTBOX_CHANNEL = 'signoff_outbox';

export type Wakeup = { close(): Promise<void> };

/**
 * Calls `onWake` whenever outbox rows are inserted, so that the delivery worker picks them up at once
 * instead of at its next poll. On PostgreSQL a connection of its own LISTENs (reconnecting after a
 * loss, and waking once then, since a notification may have been missed); on PGlite, its own listen().
 * Polling stays the safety net either way: a lost notification only delays an email to the next poll.
 */
export function listenForOutbox(database: DatabaseHandle, onWake: () => void, log?: Logger): Wakeup {
  if (database.pglite) {
    const pglite = database.pglite;
    const unsubscribe = pglite
      .listen(OUTBOX_CHANNEL, () => onWake())
      .catch((error) => {
        log?.warn({ err: error }, 'outbox wake-ups unavailable; polling only');
        return null;
      });
    return {
      async close() {
        const stop = await unsubscribe;
        await stop?.().catch(() => {});
      },
    };
  }
  const connectionString = database.pool?.options.connectionString;
  if (!connectionString) return { close: async () => {} };

  let closed = false;
  let client: pg.Client | null = null;
  let retry: NodeJS.Timeout | null = null;
  let failures = 0;

  const connect = async () => {
    retry = null;
    if (closed) return;
    const c = new pg.Client({ connectionString });
    client = c;
    let lost = false;
    const onLost = (error?: unknown) => {
      if (lost) return;
      lost = true;
      client = null;
      c.end().catch(() => {});
      if (closed) return;
      failures++;
      if (failures === 1)
        log?.warn({ err: error }, 'outbox wake-up connection lost; polling until it is back');
      retry = setTimeout(connect, Math.min(30_000, 500 * 2 ** Math.min(failures, 6)));
    };
    c.on('error', onLost);
    c.on('end', () => onLost());
    c.on('notification', () => onWake());
    try {
      await c.connect();
      await c.query(`LISTEN ${OUTBOX_CHANNEL}`);
      if (closed) {
        lost = true;
        await c.end().catch(() => {});
        return;
      }
      if (failures > 0) log?.info({}, 'outbox wake-up connection back');
      failures = 0;
      // Rows inserted while not listening would wait for the next poll.
      onWake();
    } catch (error) {
      onLost(error);
    }
  };
  void connect();

  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const c = client;
      client = null;
      await c?.end().catch(() => {});
    },
  };
}
