import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/shared/config.js';
import { openAndMigrate } from '../../src/shared/db/connect.js';
import { lockDataDir, StartupError } from '../../src/shared/db/data-dir.js';
import { spawnServer } from '../support/processes.js';

/** Issue 12 item 5: one process per embedded data folder, and readable messages for unusable folders. */
const scratch = mkdtempSync(join(tmpdir(), 'signoff-datadir-'));
const mounts: string[] = [];

afterAll(() => {
  // Lazy: a database that failed to close may still hold files open there.
  for (const mount of mounts) spawnSync('umount', ['-l', mount]);
  rmSync(scratch, { recursive: true, force: true });
});

/** A tmpfs of `size` at a fresh folder, or null when this machine does not let us mount one. */
function tinyMount(name: string, options: string): string | null {
  const at = join(scratch, name);
  mkdirSync(at);
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', at], { encoding: 'utf8' });
  if (result.status !== 0) {
    console.warn(`[skip] cannot mount a tmpfs here (${result.stderr.trim() || result.error}); skipping`);
    return null;
  }
  mounts.push(at);
  return at;
}

/** `npm start` on the embedded database in `dataDir`; what it printed and its exit code when it stops by itself. */
function startAndExit(dataDir: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: join(import.meta.dirname, '../..'),
    env: {
      ...process.env,
      DATABASE_URL: '',
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('issue 12 item 5: exclusive lock on the embedded data folder', () => {
  it('a second process on the same DATA_DIR refuses to start with a clear message', async () => {
    const dataDir = join(scratch, 'shared');
    const first = await spawnServer('', { env: { DATA_DIR: dataDir } });
    try {
      const second = startAndExit(dataDir);
      expect(second.status).toBe(1);
      expect(second.output).toContain(`is in use by another Signoff process (pid ${first.pid})`);
      expect(second.output).not.toMatch(/RuntimeError|\n\s+at /);
      // The first one is unharmed.
      expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
    } finally {
      await first.stop();
    }
    // Stopped cleanly: the lock is gone and the folder can be opened again.
    expect(existsSync(join(scratch, 'shared', 'pglite.lock'))).toBe(false);
  }, 90_000);

  it('takes over a lock left by a process that no longer runs, and refuses a live one', () => {
    const dir = join(scratch, 'stale', 'pglite');
    mkdirSync(join(scratch, 'stale'), { recursive: true });
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    writeFileSync(join(scratch, 'stale', 'pglite.lock'), `${gone.stdout}\n`);
    const lock = lockDataDir(dir);
    expect(readFileSync(join(scratch, 'stale', 'pglite.lock'), 'utf8').trim()).toBe(String(process.pid));
    // A lock held by a live process (here: the parent of this test process) is respected.
    lock.release();
    writeFileSync(join(scratch, 'stale', 'pglite.lock'), `${process.ppid}\n`);
    expect(() => lockDataDir(dir)).toThrow(StartupError);
    expect(() => lockDataDir(dir)).toThrow(/in use by another Signoff process/);
  });
});

/** The start stops with one readable line naming the cause, not PGlite's WASM crash. */
function expectReadableRefusal(dataDir: string, cause: string): void {
  const result = startAndExit(dataDir);
  expect(result.status).toBe(1);
  expect(result.output).toContain('Signoff cannot start: Cannot write to the data folder');
  expect(result.output).toContain(cause);
  expect(result.output).not.toContain('RuntimeError');
}

describe('issue 12 item 5: unusable data folders are reported readably at start', () => {
  it('a read-only folder', () => {
    const mount = tinyMount('readonly', 'ro,size=1m');
    if (!mount) return;
    expectReadableRefusal(join(mount, 'data'), 'read-only');
  }, 60_000);

  it('a full disk', () => {
    const mount = tinyMount('full', 'size=256k');
    if (!mount) return;
    // Fill it up.
    spawnSync('dd', ['if=/dev/zero', `of=${join(mount, 'filler')}`, 'bs=4k'], { encoding: 'utf8' });
    expectReadableRefusal(join(mount, 'data'), 'the disk is full');
  }, 60_000);

  it('a path through a file', () => {
    const file = join(scratch, 'a-file');
    writeFileSync(file, 'not a folder');
    expectReadableRefusal(join(file, 'data'), 'a part of the path is a file');
  }, 60_000);
});

describe('issue 12 item 5: a disk that fills up while running', () => {
  it('answers writes with 503 and Retry-After (not 500), and works again once there is room', async () => {
    const mount = tinyMount('fills', 'size=48m');
    if (!mount) return;
    const database = await openAndMigrate({ engine: 'pglite', dataDir: join(mount, 'pglite') });
    const app = await buildApp({ database, config: loadConfig({ LOG_LEVEL: 'silent' }), logger: false });
    try {
      const filler = join(mount, 'filler');
      spawnSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { encoding: 'utf8' });
      const signup = (i: number) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/signup',
          payload: {
            workspaceName: `Full ${i} ${'x'.repeat(100)}`,
            name: 'Ada',
            email: `a${i}@example.test`,
            password: 'correct horse battery',
          },
        });
      // Bounded: each signup writes a few rows; the pages left fill up within a few hundred.
      let refused: Awaited<ReturnType<typeof signup>> | null = null;
      for (let i = 0; i < 400 && !refused; i++) {
        const res = await signup(i);
        if (res.statusCode !== 201) refused = res;
      }
      expect(refused, 'the disk never filled up').not.toBeNull();
      expect(refused!.statusCode, refused!.body).toBe(503);
      expect(Number(refused!.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused!.json().code).toBe('service_unavailable');
      rmSync(filler);
      expect((await signup(10_000)).statusCode).toBe(201);
    } finally {
      await app.close();
      await database.close();
    }
  }, 120_000);
});
