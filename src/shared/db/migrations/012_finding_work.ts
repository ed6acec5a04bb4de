import { type Kysely, sql } from 'kysely';

/**
 * A support team's first day (SPEC §8.3, issue 15): what agents sort, filter and search tickets by.
 *
 * - `tickets.priority`: `low < normal < high < urgent`, new tickets `normal`; `priority_rank` (0–3) is the
 *   order, kept by PostgreSQL (a generated column), so `?sort=priority` is an index scan, not a CASE.
 * - `tickets.tags`: lower-case labels, unique per ticket (the API normalises them).
 * - Indexes for the list's sorts and filters, each led by `workspace_id` (SPEC: ready to shard).
 *
 * The full-text search columns and their GIN index are added below by the search work (same migration:
 * it has not shipped yet).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Sign-in without a workspace (SPEC §8.3) and a reset without one look an address up in every
  // workspace: the one lookup not led by workspace_id, served by these.
  await sql`
    CREATE INDEX members_any_email_idx ON members (lower(email));
    CREATE INDEX contacts_any_email_idx ON contacts (lower(email));
  `.execute(db);
  await sql`
    ALTER TABLE tickets
      ADD COLUMN priority text NOT NULL DEFAULT 'normal'
        CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
      ADD COLUMN priority_rank smallint GENERATED ALWAYS AS (
        CASE priority WHEN 'low' THEN 0 WHEN 'normal' THEN 1 WHEN 'high' THEN 2 ELSE 3 END
      ) STORED,
      ADD COLUMN tags text[] NOT NULL DEFAULT '{}';
    CREATE INDEX tickets_updated_idx ON tickets (workspace_id, updated_at DESC, number DESC);
    CREATE INDEX tickets_priority_idx ON tickets (workspace_id, priority_rank DESC, number DESC);
    CREATE INDEX tickets_assignee_idx ON tickets (workspace_id, assignee_id, number DESC);
  `.execute(db);
}
