import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Sending quota of a workspace, in emails per clock hour. NULL: the instance default
    -- (EMAIL_QUOTA_PER_HOUR). Only the instance's operator sets it (npm run email-quota), never a
    -- workspace admin: a free signup must not be able to raise its own quota.
    ALTER TABLE workspaces ADD COLUMN email_quota_per_hour int CHECK (email_quota_per_hour >= 0);

    -- Emails claimed for delivery per workspace and clock hour, counted by the claim itself
    -- (src/mail/worker.ts). Rows older than the previous hour are deleted as claims go.
    CREATE TABLE email_quota_usage (
      workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
      window_start timestamptz NOT NULL,
      claimed int NOT NULL,
      PRIMARY KEY (workspace_id, window_start)
    );

    -- Paging a ticket's messages newest first reads ticket_messages_ticket_idx backwards: no new index.
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE email_quota_usage;
    ALTER TABLE workspaces DROP COLUMN email_quota_per_hour;
  `.execute(db);
}
