import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Members may ask for emailed sign-in links too: a link belongs to a contact or to a member.
    ALTER TABLE sign_in_links ALTER COLUMN contact_id DROP NOT NULL;
    ALTER TABLE sign_in_links ADD COLUMN member_id uuid;
    ALTER TABLE sign_in_links
      ADD CONSTRAINT sign_in_links_member_fk FOREIGN KEY (workspace_id, member_id) REFERENCES members (workspace_id, id);
    ALTER TABLE sign_in_links
      ADD CONSTRAINT sign_in_links_one_person CHECK ((contact_id IS NULL) <> (member_id IS NULL));

    -- Password resets (1 hour) and invitations (7 days): single use, only the token's hash is kept.
    CREATE TABLE password_tokens (
      token_hash text PRIMARY KEY,
      workspace_id uuid NOT NULL,
      principal_type text NOT NULL CHECK (principal_type IN ('member', 'contact')),
      principal_id uuid NOT NULL,
      purpose text NOT NULL CHECK (purpose IN ('password_reset', 'invitation')),
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      used_at timestamptz
    );
    CREATE INDEX password_tokens_person_idx ON password_tokens (workspace_id, principal_type, principal_id);

    -- What happened to accounts, for admins: who did it, to whom, when.
    CREATE TABLE audit_events (
      workspace_id uuid NOT NULL REFERENCES workspaces (id),
      id uuid NOT NULL,
      -- The page order: several events of one transaction share their created_at.
      seq bigint GENERATED ALWAYS AS IDENTITY,
      kind text NOT NULL,
      actor_type text,
      actor_id uuid,
      subject_type text NOT NULL,
      subject_id uuid NOT NULL,
      data jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, id)
    );
    CREATE INDEX audit_events_page_idx ON audit_events (workspace_id, seq DESC);

    -- Ending every session of one person (password change, deactivation) finds them by person.
    CREATE INDEX IF NOT EXISTS sessions_person_idx ON sessions (workspace_id, principal_type, principal_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX IF EXISTS sessions_person_idx;
    DROP TABLE audit_events;
    DROP TABLE password_tokens;
    ALTER TABLE sign_in_links DROP CONSTRAINT sign_in_links_one_person;
    ALTER TABLE sign_in_links DROP CONSTRAINT sign_in_links_member_fk;
    ALTER TABLE sign_in_links DROP COLUMN member_id;
    ALTER TABLE sign_in_links ALTER COLUMN contact_id SET NOT NULL;
  `.execute(db);
}
