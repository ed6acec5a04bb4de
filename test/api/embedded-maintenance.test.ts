import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openAndMigrate } from '../../src/shared/db/connect.js';
import { startEmbeddedMaintenance } from '../../src/shared/db/maintenance.js';

const noLog = { error() {} };

/** PGlite has no autovacuum: the server vacuums and analyzes it itself, at start and then regularly. */
describe('embedded maintenance', () => {
  it('vacuums and analyzes PGlite at start and again every interval, until stopped', async () => {
    const handle = await openAndMigrate({ engine: 'pglite' });
    try {
      // Issue 12 item 6: vacuumed too (a manual VACUUM counts in vacuum_count), not only analyzed.
      const analyzed = async () =>
        Number(
          (
            await sql<{ n: string }>`
              SELECT least(coalesce(sum(analyze_count), 0), coalesce(sum(vacuum_count), 0)) AS n
              FROM pg_stat_user_tables WHERE relname = 'tickets'`.execute(handle.db)
          ).rows[0]!.n,
        );
      expect(await analyzed()).toBe(0);
      const maintenance = startEmbeddedMaintenance(handle, noLog, 200);
      await expect.poll(analyzed, { timeout: 5000 }).toBeGreaterThanOrEqual(1);
      await expect.poll(analyzed, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
      maintenance.stop();
      const settled = await analyzed();
      await new Promise((r) => setTimeout(r, 600));
      expect(await analyzed()).toBe(settled);
    } finally {
      await handle.close();
    }
  });
});
