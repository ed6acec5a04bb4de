import pino from 'pino';
import { startBackground } from './background.js';
import { loadConfig } from './shared/config.js';
import { openAndMigrate } from './shared/db/connect.js';
import { logFormat, loggerOptions, prettyStream } from './shared/logging.js';

/** `npm run worker`: email delivery and the scheduler, without the HTTP server, beside any number of API processes. */
const config = loadConfig();
// Pretty at a terminal, JSON otherwise or in production (issue 15 item 5), like the server.
const pretty = logFormat({ tty: process.stdout.isTTY === true, production: config.production }) === 'pretty';
const log = pretty
  ? pino(loggerOptions(config.logLevel), prettyStream())
  : pino(loggerOptions(config.logLevel));
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
