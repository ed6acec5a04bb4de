import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Passwordless portal sign-in. Like approval links, looked up by the token's hash alone.
    CREATE TABLE sign_in_links (
      token_hash text PRIMARY KEY,
      workspace_id uuid NOT NULL,
      contact_id uuid NOT NULL,
      next_path text,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id)
    );
    CREATE INDEX sign_in_links_contact_idx ON sign_in_links (workspace_id, contact_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE sign_in_links`.execute(db);
}
