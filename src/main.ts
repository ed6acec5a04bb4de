import { buildApp } from './app.js';
import { startBackground } from './background.js';
import { ensureDemoWorkspace, startBlock } from './demo.js';
import { loadConfig } from './shared/config.js';
import { openAndMigrate } from './shared/db/connect.js';
import { StartupError } from './shared/db/data-dir.js';
import { startEmbeddedMaintenance } from './shared/db/maintenance.js';
import { logFormat, serverLogging } from './shared/logging.js';

const config = loadConfig();
const database = await openAndMigrate(config.database).catch((error: unknown) => {
  if (!(error instanceof StartupError)) throw error;
  process.stderr.write(`Signoff cannot start: ${error.message}\n`);
  process.exit(1);
});
// Pretty and brief at a terminal, JSON otherwise or in production (issue 15 item 5).
const logging = serverLogging(
  config.logLevel,
  logFormat({ tty: process.stdout.isTTY === true, production: config.production }),
);
const app = await buildApp({
  database,
  config,
  logger: logging.logger,
  ...(logging.logController ? { logController: logging.logController } : {}),
});

// By default on the embedded database only; SIGNOFF_DEMO=0 or 1 decides on both engines (loadConfig).
const demo = config.demo ? await ensureDemoWorkspace(database.db, config.dataDir) : null;

await app.listen({ port: config.port, host: config.host });
// One block, once the server answers: where things are and who to sign in as.
process.stdout.write(
  `${startBlock(
    { publicUrl: config.publicUrl, devMailbox: !config.smtpUrl, inboundDomain: config.inbound.domain },
    demo,
  ).join('\n')}\n`,
);
const maintenance = startEmbeddedMaintenance(database, app.log);

// The delivery worker and scheduler run inside the server unless WORKER=off (then run `npm run worker`).
const background = config.inProcessWorker
  ? startBackground({ db: database.db, database, config, log: app.log })
  : null;

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'shutting down');
  app.markNotReady();
  const timer = setTimeout(() => process.exit(1), 10_000);
  timer.unref();
  try {
    maintenance.stop();
    await app.close();
    await background?.stop();
    await database.close();
  } finally {
    process.exit(0);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
