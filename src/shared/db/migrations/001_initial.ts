import { type Kysely, sql } from 'kysely';

/**
 * Every tenant table leads with workspace_id: in its primary key, in every
 * index and in every foreign key. Tenant isolation holds by construction and
 * the schema can be distributed by workspace_id (Citus) unchanged.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE workspaces (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      settings jsonb NOT NULL,
      next_ticket_number int NOT NULL DEFAULT 1,
      next_approval_number int NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE members (
      workspace_id uuid NOT NULL REFERENCES workspaces (id),
      id uuid NOT NULL,
      name text NOT NULL,
      email text NOT NULL,
      role text NOT NULL CHECK (role IN ('admin', 'agent')),
      locale text CHECK (locale IN ('en', 'fr')),
      active boolean NOT NULL DEFAULT true,
      password_hash text,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, id)
    );
    CREATE UNIQUE INDEX members_email_key ON members (workspace_id, lower(email));

    CREATE TABLE contacts (
      workspace_id uuid NOT NULL REFERENCES workspaces (id),
      id uuid NOT NULL,
      name text NOT NULL,
      email text NOT NULL,
      locale text CHECK (locale IN ('en', 'fr')),
      organization text,
      password_hash text,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, id)
    );
    CREATE UNIQUE INDEX contacts_email_key ON contacts (workspace_id, lower(email));

    CREATE TABLE sessions (
      workspace_id uuid NOT NULL REFERENCES workspaces (id),
      token_hash text NOT NULL,
      principal_type text NOT NULL CHECK (principal_type IN ('member', 'contact')),
      principal_id uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      PRIMARY KEY (workspace_id, token_hash)
    );

    CREATE TABLE tickets (
      workspace_id uuid NOT NULL REFERENCES workspaces (id),
      id uuid NOT NULL,
      number int NOT NULL,
      subject text NOT NULL,
      status text NOT NULL CHECK (status IN ('open', 'pending', 'on_hold', 'solved', 'closed')),
      requester_id uuid NOT NULL,
      assignee_id uuid,
      approval_status text,
      created_by_type text NOT NULL,
      created_by_id uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, id),
      UNIQUE (workspace_id, number),
      FOREIGN KEY (workspace_id, requester_id) REFERENCES contacts (workspace_id, id),
      FOREIGN KEY (workspace_id, assignee_id) REFERENCES members (workspace_id, id)
    );
    CREATE INDEX tickets_approval_status_idx ON tickets (workspace_id, approval_status, number DESC);
    CREATE INDEX tickets_requester_idx ON tickets (workspace_id, requester_id, number DESC);

    CREATE TABLE ticket_contacts (
      workspace_id uuid NOT NULL,
      ticket_id uuid NOT NULL,
      contact_id uuid NOT NULL,
      PRIMARY KEY (workspace_id, ticket_id, contact_id),
      FOREIGN KEY (workspace_id, ticket_id) REFERENCES tickets (workspace_id, id),
      FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id)
    );
    CREATE INDEX ticket_contacts_contact_idx ON ticket_contacts (workspace_id, contact_id);

    CREATE TABLE ticket_messages (
      workspace_id uuid NOT NULL,
      id uuid NOT NULL,
      seq bigint GENERATED ALWAYS AS IDENTITY,
      ticket_id uuid NOT NULL,
      author_type text NOT NULL CHECK (author_type IN ('member', 'contact')),
      author_id uuid NOT NULL,
      body text NOT NULL,
      public boolean NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, id),
      FOREIGN KEY (workspace_id, ticket_id) REFERENCES tickets (workspace_id, id)
    );
    CREATE INDEX ticket_messages_ticket_idx ON ticket_messages (workspace_id, ticket_id, seq);

    CREATE TABLE approval_groups (
      workspace_id uuid NOT NULL REFERENCES workspaces (id),
      id uuid NOT NULL,
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, id)
    );
    CREATE TABLE approval_group_members (
      workspace_id uuid NOT NULL,
      group_id uuid NOT NULL,
      member_id uuid NOT NULL,
      PRIMARY KEY (workspace_id, group_id, member_id),
      FOREIGN KEY (workspace_id, group_id) REFERENCES approval_groups (workspace_id, id) ON DELETE CASCADE,
      FOREIGN KEY (workspace_id, member_id) REFERENCES members (workspace_id, id)
    );
    CREATE TABLE approval_group_contacts (
      workspace_id uuid NOT NULL,
      group_id uuid NOT NULL,
      contact_id uuid NOT NULL,
      PRIMARY KEY (workspace_id, group_id, contact_id),
      FOREIGN KEY (workspace_id, group_id) REFERENCES approval_groups (workspace_id, id) ON DELETE CASCADE,
      FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id)
    );

    CREATE TABLE approval_templates (
      workspace_id uuid NOT NULL REFERENCES workspaces (id),
      id uuid NOT NULL,
      name text NOT NULL,
      description text,
      allow_appeals boolean NOT NULL DEFAULT false,
      appeal_reviewers jsonb NOT NULL DEFAULT '[]',
      steps jsonb NOT NULL,
      expire_after_hours int,
      archived_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, id)
    );

    CREATE TABLE approvals (
      workspace_id uuid NOT NULL,
      id uuid NOT NULL,
      number int NOT NULL,
      ticket_id uuid NOT NULL,
      template_id uuid,
      title text NOT NULL,
      description text,
      status text NOT NULL,
      display_status text NOT NULL,
      current_step_index int NOT NULL,
      steps jsonb NOT NULL,
      step_states jsonb NOT NULL,
      requested_by uuid NOT NULL,
      on_behalf_of jsonb,
      form_data jsonb,
      allow_appeals boolean NOT NULL,
      appeal_reviewers jsonb NOT NULL,
      appeal jsonb,
      expires_at timestamptz,
      completed_at timestamptz,
      version int NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, id),
      UNIQUE (workspace_id, number),
      FOREIGN KEY (workspace_id, ticket_id) REFERENCES tickets (workspace_id, id),
      FOREIGN KEY (workspace_id, template_id) REFERENCES approval_templates (workspace_id, id),
      FOREIGN KEY (workspace_id, requested_by) REFERENCES members (workspace_id, id)
    );
    CREATE INDEX approvals_ticket_idx ON approvals (workspace_id, ticket_id, number DESC);
    CREATE INDEX approvals_requested_by_idx ON approvals (workspace_id, requested_by, number DESC);
    CREATE INDEX approvals_appeal_pending_idx ON approvals (workspace_id, number DESC) WHERE status = 'appeal_pending';
    CREATE INDEX approvals_expiry_idx ON approvals (workspace_id, expires_at) WHERE status = 'pending' AND expires_at IS NOT NULL;

    CREATE TABLE approval_assignments (
      workspace_id uuid NOT NULL,
      approval_id uuid NOT NULL,
      ordinal int NOT NULL,
      step_index int NOT NULL,
      person_type text NOT NULL CHECK (person_type IN ('member', 'contact')),
      person_id uuid NOT NULL,
      decision text CHECK (decision IN ('approve', 'deny')),
      decision_comment text,
      decided_at timestamptz,
      channel text,
      added_at timestamptz NOT NULL,
      removed_at timestamptz,
      last_reminder_at timestamptz,
      reminder_count int NOT NULL DEFAULT 0,
      awaiting boolean NOT NULL,
      PRIMARY KEY (workspace_id, approval_id, ordinal),
      FOREIGN KEY (workspace_id, approval_id) REFERENCES approvals (workspace_id, id)
    );
    CREATE INDEX approval_assignments_awaiting_idx
      ON approval_assignments (workspace_id, person_type, person_id, approval_id) WHERE awaiting;
    CREATE INDEX approval_assignments_person_idx
      ON approval_assignments (workspace_id, person_type, person_id, approval_id);

    CREATE TABLE approval_comments (
      workspace_id uuid NOT NULL,
      id uuid NOT NULL,
      seq bigint GENERATED ALWAYS AS IDENTITY,
      approval_id uuid NOT NULL,
      author_type text NOT NULL CHECK (author_type IN ('member', 'contact')),
      author_id uuid NOT NULL,
      body text NOT NULL,
      internal boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, id),
      FOREIGN KEY (workspace_id, approval_id) REFERENCES approvals (workspace_id, id)
    );
    CREATE INDEX approval_comments_approval_idx ON approval_comments (workspace_id, approval_id, seq);

    CREATE TABLE activities (
      workspace_id uuid NOT NULL,
      id uuid NOT NULL,
      seq bigint GENERATED ALWAYS AS IDENTITY,
      ticket_id uuid NOT NULL,
      approval_id uuid,
      type text NOT NULL,
      actor_type text,
      actor_id uuid,
      channel text,
      internal boolean NOT NULL DEFAULT false,
      data jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, id),
      FOREIGN KEY (workspace_id, ticket_id) REFERENCES tickets (workspace_id, id)
    );
    CREATE INDEX activities_ticket_idx ON activities (workspace_id, ticket_id, seq);

    CREATE TABLE outbox (
      workspace_id uuid NOT NULL,
      id uuid NOT NULL,
      seq bigint GENERATED ALWAYS AS IDENTITY,
      event_id uuid NOT NULL,
      kind text NOT NULL,
      approval_id uuid,
      recipient_type text NOT NULL CHECK (recipient_type IN ('member', 'contact')),
      recipient_id uuid NOT NULL,
      payload jsonb NOT NULL DEFAULT '{}',
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
      attempts int NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz,
      PRIMARY KEY (workspace_id, id),
      UNIQUE (workspace_id, event_id, recipient_type, recipient_id)
    );
    CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE status = 'pending';

    CREATE TABLE idempotency_keys (
      workspace_id uuid NOT NULL,
      principal_type text NOT NULL,
      principal_id uuid NOT NULL,
      key text NOT NULL,
      request_hash text NOT NULL,
      status_code int NOT NULL,
      response jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, principal_type, principal_id, key)
    );

    -- Abuse counters are keyed by address or account, before any workspace is known.
    CREATE TABLE rate_limits (
      key text PRIMARY KEY,
      window_start timestamptz NOT NULL,
      count int NOT NULL
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE rate_limits, idempotency_keys, outbox, activities, approval_comments, approval_assignments,
      approvals, approval_templates, approval_group_contacts, approval_group_members, approval_groups,
      ticket_messages, ticket_contacts, tickets, sessions, contacts, members, workspaces;
  `.execute(db);
}
