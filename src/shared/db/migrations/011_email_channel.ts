import { type Kysely, sql } from 'kysely';

/**
 * Email as a channel (SPEC §8.2, issue 14).
 *
 * - `workspaces.slug`: the workspace's address `{slug}@{INBOUND_DOMAIN}`; unique ignoring case. Existing
 *   workspaces get one made from their name (lower case, runs of other characters as `-`, padded to 3,
 *   cut to 40), with `-2`, `-3`… on a clash.
 * - `tickets.reply_token`: the per-ticket reply address `{slug}+t{reply_token}@…`. Not a credential (a
 *   reply through it is still judged by its sender), so it is kept as is: every ticket email prints it.
 * - `tickets.email_thread_id`: the Message-ID every email of the ticket answers (`In-Reply-To`), the
 *   emailed original's when the ticket came by email, else one Signoff makes.
 * - `ticket_messages.channel` (`web` | `email`) and `inbound_message_id` (the email it came from).
 * - `inbound_messages`: every message taken in, with its raw original, its SPF/DKIM/DMARC results and
 *   what became of it; `(workspace_id, message_id)` is unique, which is how a second delivery of the
 *   same message is recognised and ignored.
 * - `ticket_attachments`: files of a message, in the database (one engine, one backup).
 * - `outbox.ticket_id`: the ticket of a helpdesk email; `outbox.message_id` gets an index to thread a reply
 *   by `In-Reply-To` to the email it answers.
 * - `approval_links.reply_token_hash`: the approval email's per-recipient `Reply-To` token, hashed, on the
 *   row of the link it travels with (same life, same death).
 * - `members.notify_new_tickets`, `members.notify_customer_replies`: the profile's switches.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE workspaces ADD COLUMN slug text;
    WITH base AS (
      SELECT id, created_at,
        coalesce(nullif(trim(both '-' from left(regexp_replace(lower(name), '[^a-z0-9]+', '-', 'g'), 34)), ''), 'workspace') AS cut
      FROM workspaces
    ), padded AS (
      -- rpad would also cut a longer stem to 3: pad the short ones only.
      SELECT id, created_at, CASE WHEN length(cut) < 3 THEN rpad(cut, 3, '0') ELSE cut END AS stem FROM base
    ), numbered AS (
      SELECT id, stem, row_number() OVER (PARTITION BY stem ORDER BY created_at, id) AS n FROM padded
    )
    UPDATE workspaces w SET slug = CASE WHEN n.n = 1 THEN n.stem ELSE n.stem || '-' || n.n END
    FROM numbered n WHERE n.id = w.id;
    ALTER TABLE workspaces ALTER COLUMN slug SET NOT NULL;
    CREATE UNIQUE INDEX workspaces_slug_key ON workspaces (lower(slug));

    ALTER TABLE members
      ADD COLUMN notify_new_tickets boolean NOT NULL DEFAULT true,
      ADD COLUMN notify_customer_replies boolean NOT NULL DEFAULT true;

    ALTER TABLE tickets
      ADD COLUMN reply_token text NOT NULL DEFAULT replace(gen_random_uuid()::text, '-', ''),
      ADD COLUMN email_thread_id text;
    CREATE UNIQUE INDEX tickets_reply_token_key ON tickets (workspace_id, reply_token);

    CREATE TABLE inbound_messages (
      workspace_id uuid NOT NULL REFERENCES workspaces (id),
      id uuid NOT NULL,
      seq bigint GENERATED ALWAYS AS IDENTITY,
      message_id text NOT NULL,
      via text NOT NULL CHECK (via IN ('smtp', 'http', 'dev')),
      from_address text NOT NULL,
      subject text NOT NULL,
      recipients jsonb NOT NULL,
      auth jsonb NOT NULL,
      auto_submitted boolean NOT NULL,
      outcome text NOT NULL,
      ticket_id uuid,
      approval_id uuid,
      size_bytes int NOT NULL,
      raw bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, id),
      UNIQUE (workspace_id, message_id)
    );
    CREATE INDEX inbound_messages_recent_idx ON inbound_messages (workspace_id, seq DESC);

    ALTER TABLE ticket_messages
      ADD COLUMN channel text NOT NULL DEFAULT 'web' CHECK (channel IN ('web', 'email')),
      ADD COLUMN inbound_message_id uuid;

    CREATE TABLE ticket_attachments (
      workspace_id uuid NOT NULL,
      id uuid NOT NULL,
      ticket_id uuid NOT NULL,
      message_id uuid NOT NULL,
      filename text NOT NULL,
      content_type text NOT NULL,
      size_bytes int NOT NULL,
      content bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, id),
      FOREIGN KEY (workspace_id, message_id) REFERENCES ticket_messages (workspace_id, id)
    );
    CREATE INDEX ticket_attachments_message_idx ON ticket_attachments (workspace_id, message_id);

    ALTER TABLE outbox ADD COLUMN ticket_id uuid;
    CREATE INDEX outbox_message_id_idx ON outbox (workspace_id, message_id) WHERE message_id IS NOT NULL;

    ALTER TABLE approval_links ADD COLUMN reply_token_hash text;
    CREATE UNIQUE INDEX approval_links_reply_token_key ON approval_links (reply_token_hash)
      WHERE reply_token_hash IS NOT NULL;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX approval_links_reply_token_key;
    ALTER TABLE approval_links DROP COLUMN reply_token_hash;
    DROP INDEX outbox_message_id_idx;
    ALTER TABLE outbox DROP COLUMN ticket_id;
    DROP TABLE ticket_attachments;
    ALTER TABLE ticket_messages DROP COLUMN channel, DROP COLUMN inbound_message_id;
    DROP TABLE inbound_messages;
    DROP INDEX tickets_reply_token_key;
    ALTER TABLE tickets DROP COLUMN reply_token, DROP COLUMN email_thread_id;
    ALTER TABLE members DROP COLUMN notify_new_tickets, DROP COLUMN notify_customer_replies;
    DROP INDEX workspaces_slug_key;
    ALTER TABLE workspaces DROP COLUMN slug;
  `.execute(db);
}
