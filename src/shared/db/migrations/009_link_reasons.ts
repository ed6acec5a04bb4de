import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- A link is revoked when its person stops being asked for a reason other than the approval moving on:
    -- removed from the step (rule 7) or deactivated. It stays dead when they are asked again (they get a new
    -- link), and a dead link can say why (SPEC §8.1 reason "removed").
    ALTER TABLE approval_links ADD COLUMN revoked_at timestamptz;
    -- Revoking every live link of one person (deactivation) without scanning the workspace's links.
    CREATE INDEX approval_links_person_idx ON approval_links (workspace_id, person_type, person_id)
      WHERE revoked_at IS NULL AND used_at IS NULL;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX approval_links_person_idx;
    ALTER TABLE approval_links DROP COLUMN revoked_at;
  `.execute(db);
}
