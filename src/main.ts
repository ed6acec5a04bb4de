import { buildApp } from './app.js';
import { startBackground } from './background.js';
import { ensureDemoWorkspace } from './demo.js';
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

if (config.database.engine === 'pglite' || process.env.SIGNOFF_DEMO === '1') {
  const demo = await ensureDemoWorkspace(database.db, config.dataDir);
  if (demo) {
    const lines = [
      '',
      'Signoff demo workspace',
      `  workspaceId: ${demo.workspaceId}`,
      `  admin:       ${demo.admin}`,
      `  agent:       ${demo.agent}`,
      `  contact:     ${demo.contact}`,
      `  password:    ${demo.password}  (the same for all three)`,
      `  sign in:     POST ${config.publicUrl}/api/v1/auth/login {"workspaceId","email","password"}`,
      `  API docs:    ${config.publicUrl}/docs`,
      '',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
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
