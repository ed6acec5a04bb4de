import { describe, expect, it, vi } from 'vitest';
import { reachablePostgres } from '../support/database.js';

/**
 * Issue 13 item 2: the PostgreSQL-only suites (row locks, worker processes, two server processes,
 * database timeouts, the demo on PostgreSQL) take their server from `reachablePostgres`. Under CI a
 * server that does not answer fails them; outside CI they are skipped with a warning; and without
 * TEST_DATABASE_URL they use the local server, so plain `npm test` runs them whenever it answers.
 */

// Nothing listens on port 1: the connection is refused at once.
const DEAD = 'postgres://postgres@127.0.0.1:1/postgres';

describe('reachablePostgres: fail under CI, never a silent skip', () => {
  it('under CI, an unreachable server is an error naming it', async () => {
    await expect(reachablePostgres({ CI: 'true', TEST_DATABASE_URL: DEAD })).rejects.toThrow(
      /required under CI.*127\.0\.0\.1:1/,
    );
  });

  it('outside CI, an unreachable server is a skip, with a warning saying so', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      expect(await reachablePostgres({ TEST_DATABASE_URL: DEAD })).toBeNull();
      expect(warn.mock.calls.flat().join(' ')).toMatch(/not reachable at .*127\.0\.0\.1:1/);
    } finally {
      warn.mockRestore();
    }
  });

  it('without TEST_DATABASE_URL it asks the local server, the one CI and this machine run', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const found = await reachablePostgres({});
      const said = warn.mock.calls.flat().join(' ');
      // Either it answered, or the warning names the local default: never another URL.
      if (found) expect(found).toBe('postgres://postgres@127.0.0.1:5432/postgres');
      else expect(said).toContain('127.0.0.1:5432');
    } finally {
      warn.mockRestore();
    }
  });
});
