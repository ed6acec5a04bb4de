import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export type WorkerProcess = {
  pid: number;
  output(): string;
  /** Resolves when the process has exited, with how it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL: the process dies on the spot, mid-whatever. */
  kill9(): Promise<void>;
  /** SIGTERM and wait (SIGKILL after 5 s). */
  stop(): Promise<void>;
};

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * The real delivery worker, `node --import tsx src/worker-main.ts`, with the
 * environment given (DATABASE_URL, SMTP_URL, PUBLIC_URL…). Resolves once it
 * logged "worker started". Built like `spawnServer` in processes.ts.
 */
export async function spawnWorker(
  env: Record<string, string>,
  options: { readyTimeoutMs?: number } = {},
): Promise<WorkerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'signoff-worker-'));
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && k !== 'SMTP_URL' && k !== 'SIGNOFF_DEMO' && k !== 'NODE_OPTIONS') childEnv[k] = v;
  }
  Object.assign(childEnv, { DATA_DIR: dataDir, LOG_LEVEL: 'info', ...env });
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker-main.ts'], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      rmSync(dataDir, { recursive: true, force: true });
      done({ code, signal });
    });
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  const handle: WorkerProcess = {
    pid: child.pid ?? 0,
    output: () => output,
    exited,
    async kill9() {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (alive()) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
    },
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  while (!output.includes('"worker started"')) {
    if (!alive()) throw new Error(`worker exited before it was ready:\n${output}`);
    if (Date.now() > deadline) {
      await handle.kill9();
      throw new Error(`worker not ready in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return handle;
}
