import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScaleSeed, seedScale } from '../../bench/support/scale-seed.js';
import type { Principal } from '../../src/auth/principal.js';
import { listTickets, RANKED_MATCHES } from '../../src/tickets/repo.js';
import { engine, openTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * SPEC §8.3 ranked search, bounded (docs/decisions.md, issue 15): a ranked search ranks the newest
 * RANKED_MATCHES matches, so a word every ticket holds (the requester's name) costs the same as a rare one.
 */

let database: TestDatabase;
let seed: ScaleSeed;
let admin: Principal;

beforeAll(async () => {
  database = await openTestDatabase();
  seed = await seedScale(
    database.handle,
    { tickets: 60, approvals: 4, workspaces: 1, busyWaiting: 1 },
    () => {},
  );
  const { rows } = await sql<Principal>`
    SELECT 'member' AS type, workspace_id AS "workspaceId", id, role, name, email, NULL AS locale
    FROM members WHERE workspace_id = ${seed.measured.workspaceId} AND role = 'admin'`.execute(
    database.handle.db,
  );
  admin = rows[0]!;
});
afterAll(() => database?.close());

const search = (q: string, rankedMatches?: number) =>
  listTickets(database.handle.db, admin, {
    q,
    sort: 'rank',
    order: 'desc',
    after: null,
    limit: 100,
    ...(rankedMatches ? { rankedMatches } : {}),
  });

describe(`ranked search is bounded (SPEC §8.3, ${engine})`, () => {
  it('ranks only the newest matches when a word matches more tickets than that', async () => {
    const all = await search('casey');
    expect(all.length).toBeGreaterThan(50); // every ticket's requester is Casey Customer
    expect(RANKED_MATCHES).toBeGreaterThanOrEqual(1000);

    const bounded = await search('casey', 5);
    expect(bounded).toHaveLength(5);
    const newest = all
      .map((t) => t.number)
      .sort((a, b) => b - a)
      .slice(0, 5);
    expect(bounded.map((t) => t.number).sort((a, b) => b - a)).toEqual(newest);
  });

  it('a word with fewer matches than the bound finds them all', async () => {
    const printers = await search('printer');
    expect(printers.length).toBeGreaterThan(0);
    expect(await search('printer', printers.length)).toHaveLength(printers.length);
  });
});
