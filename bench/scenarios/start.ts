/**
 * Embedded start: `npm start` on a bare data folder (PGlite initialises its
 * cluster, migrations run, the demo workspace is created) and again on the
 * folder it left, timed from the spawn of `npm start` to the first 200 from
 * `GET /readyz`.
 */

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../test/support/processes.js';
import { stopProcessGroup } from '../support/process-group.js';

const ROOT = resolve(import.meta.dirname, '../..');

export type StartResult = { newFolderMs: number[]; existingFolderMs: number[] };

async function timeStart(dataDir: string): Promise<number> {
  const port = await freePort();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !['DATABASE_URL', 'SMTP_URL', 'NODE_OPTIONS'].includes(k)) env[k] = v;
  }
  Object.assign(env, { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
  const t0 = performance.now();
  // Its own process group, so that npm, its shell and the server all stop together.
  const child = spawn('npm', ['start', '--silent'], { cwd: ROOT, env, stdio: 'ignore', detached: true });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let ms = 0;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`);
        if (res.status === 200) {
          ms = Math.round(performance.now() - t0);
          break;
        }
      } catch {
        // not listening yet
      }
      if (performance.now() - t0 > 120_000) throw new Error('not ready after 120 s');
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    await stopProcessGroup(child, exited);
  }
  return ms;
}

export async function embeddedStart(options: { runs: number }): Promise<StartResult> {
  const result: StartResult = { newFolderMs: [], existingFolderMs: [] };
  for (let i = 0; i < options.runs; i++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'signoff-start-'));
    try {
      result.newFolderMs.push(await timeStart(dataDir));
      result.existingFolderMs.push(await timeStart(dataDir));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    console.log(
      `  start: new folder ${result.newFolderMs.at(-1)} ms, existing folder ${result.existingFolderMs.at(-1)} ms`,
    );
  }
  return result;
}
