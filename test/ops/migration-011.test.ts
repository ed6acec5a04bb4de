import { type Kysely, type MigrationProvider, Migrator, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/shared/db/connect.js';
import { migrations } from '../../src/shared/db/migrate.js';
import * as m011 from '../../src/shared/db/migrations/011_email_channel.js';
import { createPostgresDatabase, engine } from '../support/database.js';

/**
 * Migration 011 (SPEC §8.2) on a database that already has workspaces and tickets: every workspace gets a
 * distinct slug made from its name (numbered on a clash), every ticket a distinct reply token, and `down`
 * takes it all back.
 */
describe(`migration 011_email_channel on existing data (${engine})`, () => {
  it('SPEC §8.2: existing workspaces get unique slugs and existing tickets reply tokens; down undoes it', async () => {
    const created = process.env.TEST_DATABASE_URL
      ? await createPostgresDatabase(process.env.TEST_DATABASE_URL)
      : null;
    const handle = await openDatabase(
      created ? { engine: 'postgres', url: created.url, poolSize: 2 } : { engine: 'pglite' },
    );
    try {
      const db = handle.db as unknown as Kysely<unknown>;
      const upTo = (last: string) =>
        new Migrator({
          db,
          provider: {
            async getMigrations() {
              return Object.fromEntries(Object.entries(migrations).filter(([name]) => name <= last));
            },
          } satisfies MigrationProvider,
        });
      expect((await upTo('010_template_switches').migrateToLatest()).error).toBeUndefined();
      const names = ['Acme', 'ACME', 'acme!', '!!', 'Zoë & Co', 'X'];
      for (const [i, name] of names.entries()) {
        await sql`INSERT INTO workspaces (id, name, settings, created_at)
          VALUES (${`00000000-0000-4000-8000-00000000000${i}`}, ${name}, '{}', now() + make_interval(secs => ${i}))`.execute(
          db,
        );
      }
      await sql`INSERT INTO contacts (workspace_id, id, name, email)
        VALUES ('00000000-0000-4000-8000-000000000000', '10000000-0000-4000-8000-000000000000', 'C', 'c@example.test')`.execute(
        db,
      );
      for (const n of [1, 2]) {
        await sql`INSERT INTO tickets (workspace_id, id, number, subject, status, requester_id, created_by_type, created_by_id)
          VALUES ('00000000-0000-4000-8000-000000000000', ${`20000000-0000-4000-8000-00000000000${n}`}, ${n}, 'S', 'open',
            '10000000-0000-4000-8000-000000000000', 'contact', '10000000-0000-4000-8000-000000000000')`.execute(
          db,
        );
      }
      expect((await upTo('011_email_channel').migrateToLatest()).error).toBeUndefined();
      const slugs = await sql<{
        name: string;
        slug: string;
      }>`SELECT name, slug FROM workspaces ORDER BY created_at`.execute(db);
      expect(slugs.rows.map((r) => r.slug)).toEqual([
        'acme',
        'acme-2',
        'acme-3',
        'workspace',
        'zo-co',
        'x00',
      ]);
      const tokens = await sql<{ reply_token: string }>`SELECT reply_token FROM tickets`.execute(db);
      expect(new Set(tokens.rows.map((r) => r.reply_token)).size).toBe(2);
      for (const r of tokens.rows) expect(r.reply_token).toMatch(/^[0-9a-f]{32}$/);
      await m011.down(db);
      const columns = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'workspaces' AND column_name = 'slug'`.execute(
        db,
      );
      expect(columns.rows[0]!.n).toBe(0);
    } finally {
      await handle.close();
      await created?.drop();
    }
  });
});
