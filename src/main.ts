import { buildApp } from './app.js';
import { startBackground } from './background.js';
import { demoBanner, ensureDemoWorkspace } from './demo.js';
import { loadConfig } from './shared/config.js';
import { openAndMigrate } from './shared/db/connect.js';
import { StartupError } from './shared/db/data-dir.js';
import { startEmbeddedMaintenance } from './shared/db/maintenance.js';

const config = loadConfig();
const database = await openAndMigrate(config.database).catch((error: unknown) => {
  if (!(error instanceof StartupError)) throw error;
  process.stderr.write(`Signoff cannot start: ${error.message}\n`);
  process.exit(1);
});
const app = await buildApp({
  database,
  config,
  logger: { level: config.logLevel },
});

// By default on the embedded database only; SIGNOFF_DEMO=0 or 1 decides on both engines (loadConfig).
if (config.demo) {
  const demo = await ensureDemoWorkspace(database.db, config.dataDir);
  if (demo) process.stdout.write(`${demoBanner(demo, config.publicUrl, config.inbound.domain).join('\n')}\n`);
}

await app.listen({ port: config.port, host: config.host });
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
