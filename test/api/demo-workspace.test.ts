import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS_FILE, ensureDemoWorkspace } from '../../src/demo.js';
import { loadConfig } from '../../src/shared/config.js';
import { openAndMigrate } from '../../src/shared/db/connect.js';
import { client } from '../support/client.js';
import { createPostgresDatabase, reachablePostgres } from '../support/database.js';
import { spawnServer } from '../support/processes.js';
import { startServer } from '../support/server.js';

/**
 * Issue 12 item 2: the demo password is printed once, on the first start, and
 * stored nowhere in plain text after; SIGNOFF_DEMO=0 is honoured on both engines.
 */
const folders: string[] = [];
const folder = () => {
  const dir = mkdtempSync(join(tmpdir(), 'signoff-demo-'));
  folders.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe('issue 12 item 2: SIGNOFF_DEMO decides on both engines', () => {
  it('on by default on the embedded database, off by default on PostgreSQL, 0 or 1 decides on both', () => {
    const postgres = 'postgres://postgres@127.0.0.1:5432/x';
    expect(loadConfig({}).demo).toBe(true);
    expect(loadConfig({ SIGNOFF_DEMO: '0' }).demo).toBe(false);
    expect(loadConfig({ SIGNOFF_DEMO: '' }).demo).toBe(true);
    expect(loadConfig({ DATABASE_URL: postgres }).demo).toBe(false);
    expect(loadConfig({ DATABASE_URL: postgres, SIGNOFF_DEMO: '1' }).demo).toBe(true);
    expect(loadConfig({ DATABASE_URL: postgres, SIGNOFF_DEMO: '0' }).demo).toBe(false);
    expect(() => loadConfig({ SIGNOFF_DEMO: 'no' })).toThrow(/SIGNOFF_DEMO/);
  });

  it('SIGNOFF_DEMO=0 on the embedded database: the server starts without a demo workspace', async () => {
    const dataDir = folder();
    const server = await spawnServer('', { env: { SIGNOFF_DEMO: '0', DATA_DIR: dataDir } });
    try {
      expect(server.output()).not.toContain('Signoff demo workspace');
      expect(existsSync(join(dataDir, DEMO_CREDENTIALS_FILE))).toBe(false);
    } finally {
      await server.stop();
    }
    // The embedded database itself, opened once the server is gone: no workspace at all.
    const database = await openAndMigrate(loadConfig({ DATA_DIR: dataDir, DATABASE_URL: '' }).database);
    try {
      const workspaces = await database.db.selectFrom('workspaces').select('id').execute();
      expect(workspaces).toEqual([]);
    } finally {
      await database.close();
    }
  }, 60_000);
});

describe('issue 12 item 2: SIGNOFF_DEMO on PostgreSQL', () => {
  it('SIGNOFF_DEMO=1 on an empty PostgreSQL database with a DATA_DIR not made yet: the demo is made and the start goes on', async (context) => {
    // Skipped (reported, not a silent pass) without a server; a failure under CI.
    const base = await reachablePostgres();
    if (!base) return context.skip();
    const created = await createPostgresDatabase(base);
    const dataDir = join(folder(), 'a', 'b');
    try {
      const server = await spawnServer(created.url, { env: { SIGNOFF_DEMO: '1', DATA_DIR: dataDir } });
      try {
        expect(server.output()).toMatch(/password: +\S+ +\(the same for all three/);
        const stored = JSON.parse(readFileSync(join(dataDir, DEMO_CREDENTIALS_FILE), 'utf8'));
        expect(stored).not.toHaveProperty('password');
      } finally {
        await server.stop();
      }
      // SIGNOFF_DEMO=0 on a database that has it already: nothing printed either.
      const again = await spawnServer(created.url, { env: { SIGNOFF_DEMO: '0', DATA_DIR: dataDir } });
      try {
        expect(again.output()).not.toContain('Signoff demo workspace');
      } finally {
        await again.stop();
      }
    } finally {
      await created.drop();
    }
  }, 120_000);
});

describe('issue 12 item 2: the demo password is shown once and never stored in plain text', () => {
  it('the first start prints it and the file keeps the accounts only; later starts say how to reset it', async () => {
    const dataDir = join(folder(), 'not-made-yet');
    const first = await spawnServer('', { env: { DATA_DIR: dataDir } });
    let password: string;
    try {
      const printed = /password: +(\S+)/.exec(first.output());
      expect(printed, first.output()).not.toBeNull();
      password = printed![1]!;
      const file = join(dataDir, DEMO_CREDENTIALS_FILE);
      const stored = readFileSync(file, 'utf8');
      expect(stored).not.toContain(password);
      expect(JSON.parse(stored)).not.toHaveProperty('password');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      // The printed password is the accounts' own.
      const { workspaceId, admin } = JSON.parse(stored);
      const login = await client(first.url).post('/auth/login', { workspaceId, email: admin, password });
      expect(login.status).toBe(200);
    } finally {
      await first.stop();
    }

    const second = await spawnServer('', { env: { DATA_DIR: dataDir } });
    try {
      const output = second.output();
      expect(output).toContain('Signoff demo workspace');
      // SPEC §8.2 (issue 14): the demo has an inbound address, printed with the dev mailbox's way in.
      expect(output).toMatch(/inbound: +demo@\S+/);
      expect(output).toContain('/dev/mailbox sends mail in');
      expect(output).not.toContain(password);
      expect(output).toContain('printed on the first start only');
      expect(output).toContain('/api/v1/auth/password-resets');
    } finally {
      await second.stop();
    }
  }, 120_000);

  it('a credentials file written by an older version loses its password on the next start', async () => {
    const server = await startServer();
    try {
      const dataDir = folder();
      const created = await ensureDemoWorkspace(server.database.handle.db, dataDir);
      expect(created?.created).toBe(true);
      const file = join(dataDir, DEMO_CREDENTIALS_FILE);
      const legacy = { ...JSON.parse(readFileSync(file, 'utf8')), password: 'old-plain-password' };
      writeFileSync(file, JSON.stringify(legacy));
      const again = await ensureDemoWorkspace(server.database.handle.db, dataDir);
      expect(again).toEqual({ created: false, ...JSON.parse(readFileSync(file, 'utf8')) });
      expect(readFileSync(file, 'utf8')).not.toContain('old-plain-password');
    } finally {
      await server.close();
    }
  });
});
