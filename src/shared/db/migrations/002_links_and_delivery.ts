import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- A link is looked up by the hash of its token alone: the token (32 random bytes, SPEC §4) carries no
    -- workspace. This is the one table keyed by something other than workspace_id; on a distributed
    -- database it is a reference (lookup) table.
    CREATE TABLE approval_links (
      token_hash text PRIMARY KEY,
      workspace_id uuid NOT NULL,
      approval_id uuid NOT NULL,
      -- The step the link answers; -1 for an appeal reviewer's link.
      step_index int NOT NULL,
      person_type text NOT NULL CHECK (person_type IN ('member', 'contact')),
      person_id uuid NOT NULL,
      outbox_id uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      FOREIGN KEY (workspace_id, approval_id) REFERENCES approvals (workspace_id, id)
    );
    CREATE INDEX approval_links_approval_idx ON approval_links (workspace_id, approval_id);

    ALTER TABLE outbox ADD COLUMN locked_until timestamptz;
    ALTER TABLE outbox ADD COLUMN message_id text;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE approval_links;
    ALTER TABLE outbox DROP COLUMN locked_until, DROP COLUMN message_id;
  `.execute(db);
}
