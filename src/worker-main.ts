import pino from 'pino';
import { startBackground } from './background.js';
import { loadConfig } from './shared/config.js';
import { openAndMigrate } from './shared/db/connect.js';
import { loggerOptions } from './shared/logging.js';

/** `npm run worker`: email delivery and the scheduler, without the HTTP server, beside any number of API processes. */
const config = loadConfig();
const log = pino(loggerOptions(config.logLevel));
const database = await openAndMigrate(config.database);
const background = startBackground({ db: database.db, database, config, log });
log.info({ transport: background.transport.kind }, 'worker started');

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'worker shutting down');
  const timer = setTimeout(() => process.exit(1), 10_000);
  timer.unref();
  try {
    await background.stop();
    await database.close();
  } finally {
    process.exit(0);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
