import { type Kysely, sql } from 'kysely';

/**
 * A support team's first day (SPEC §8.3, issue 15): what agents sort, filter and search tickets by.
 *
 * - `tickets.priority`: `low < normal < high < urgent`, new tickets `normal`; `priority_rank` (0–3) is the
 *   order, kept by PostgreSQL (a generated column), so `?sort=priority` is an index scan, not a CASE.
 * - `tickets.tags`: lower-case labels, unique per ticket (the API normalises them).
 * - Indexes for the list's sorts and filters, each led by `workspace_id` (SPEC: ready to shard).
 *
 * - `tickets.search_vector`: full-text search (SPEC §8.3) over the subject (weight A), the requester's
 *   name and email (B) and every message body (C), with the `simple` configuration: no stemming, no stop
 *   words, the same on PGlite and PostgreSQL and for every language. PostgreSQL keeps it (triggers below):
 *   a new ticket gets its subject and requester; a new message is appended; an edited or removed message,
 *   a new subject or requester, a renamed requester rebuild it from the rows (`ticket_search_document`).
 *   Message bodies are cut at 100,000 characters each and a vector stops growing past ~512 KB
 *   (PostgreSQL's limit is 1 MB): a giant thread stays searchable by its first pages, never fails to save.
 * - `tickets_search_idx`: GIN over `search_vector`. A GIN index cannot lead with `workspace_id` without
 *   the `btree_gin` extension (which PGlite would have to load): the workspace predicate is checked on the
 *   rows the index finds (docs/decisions.md, issue 15).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
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
    -- ?status= and the views by status (all open, solved) and their counts.
    CREATE INDEX tickets_status_idx ON tickets (workspace_id, status, number DESC);

    ALTER TABLE tickets ADD COLUMN search_vector tsvector NOT NULL DEFAULT ''::tsvector;

    -- What a ticket is found by, but its messages: the subject (A), the requester's name and email (B);
    -- the email also split at @ . + _ - so that a part of it finds the ticket.
    CREATE FUNCTION ticket_search_head(p_subject text, p_name text, p_email text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE AS $$
      SELECT setweight(to_tsvector('simple', coalesce(p_subject, '')), 'A')
        || setweight(to_tsvector('simple', coalesce(p_name, '') || ' ' || coalesce(p_email, '') || ' '
             || regexp_replace(coalesce(p_email, ''), '[@.+_-]+', ' ', 'g')), 'B')
    $$;

    -- One message body (C), cut at 100,000 characters.
    CREATE FUNCTION ticket_search_body(p_body text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE AS $$
      SELECT setweight(to_tsvector('simple', left(coalesce(p_body, ''), 100000)), 'C')
    $$;

    -- The whole vector of a ticket, from its rows: what the rebuilds and the backfill write.
    CREATE FUNCTION ticket_search_document(p_workspace_id uuid, p_ticket_id uuid, p_subject text,
      p_requester_id uuid) RETURNS tsvector
    LANGUAGE sql STABLE AS $$
      SELECT ticket_search_head(p_subject,
          (SELECT c.name FROM contacts c WHERE c.workspace_id = p_workspace_id AND c.id = p_requester_id),
          (SELECT c.email FROM contacts c WHERE c.workspace_id = p_workspace_id AND c.id = p_requester_id))
        || coalesce((
          SELECT setweight(to_tsvector('simple',
              left(string_agg(left(m.body, 100000), ' ' ORDER BY m.seq), 400000)), 'C')
          FROM ticket_messages m WHERE m.workspace_id = p_workspace_id AND m.ticket_id = p_ticket_id
        ), ''::tsvector)
    $$;

    CREATE FUNCTION tickets_search_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      -- A new ticket has no message yet (they are inserted after it).
      NEW.search_vector := ticket_search_head(NEW.subject,
        (SELECT c.name FROM contacts c WHERE c.workspace_id = NEW.workspace_id AND c.id = NEW.requester_id),
        (SELECT c.email FROM contacts c WHERE c.workspace_id = NEW.workspace_id AND c.id = NEW.requester_id));
      RETURN NEW;
    END $$;
    CREATE TRIGGER tickets_search_insert BEFORE INSERT ON tickets
      FOR EACH ROW EXECUTE FUNCTION tickets_search_insert();

    CREATE FUNCTION tickets_search_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.search_vector := ticket_search_document(NEW.workspace_id, NEW.id, NEW.subject, NEW.requester_id);
      RETURN NEW;
    END $$;
    CREATE TRIGGER tickets_search_update BEFORE UPDATE OF subject, requester_id ON tickets
      FOR EACH ROW
      WHEN (OLD.subject IS DISTINCT FROM NEW.subject OR OLD.requester_id IS DISTINCT FROM NEW.requester_id)
      EXECUTE FUNCTION tickets_search_update();

    CREATE FUNCTION ticket_messages_search() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        UPDATE tickets SET search_vector = CASE
            WHEN pg_column_size(search_vector) < 524288 THEN search_vector || ticket_search_body(NEW.body)
            ELSE search_vector END
          WHERE workspace_id = NEW.workspace_id AND id = NEW.ticket_id;
        RETURN NEW;
      END IF;
      UPDATE tickets SET search_vector = ticket_search_document(workspace_id, id, subject, requester_id)
        WHERE workspace_id = OLD.workspace_id AND id = OLD.ticket_id;
      RETURN NULL;
    END $$;
    CREATE TRIGGER ticket_messages_search_insert AFTER INSERT ON ticket_messages
      FOR EACH ROW EXECUTE FUNCTION ticket_messages_search();
    CREATE TRIGGER ticket_messages_search_change AFTER UPDATE OF body OR DELETE ON ticket_messages
      FOR EACH ROW EXECUTE FUNCTION ticket_messages_search();

    CREATE FUNCTION contacts_search() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE tickets t SET search_vector = ticket_search_document(t.workspace_id, t.id, t.subject, t.requester_id)
        WHERE t.workspace_id = NEW.workspace_id AND t.requester_id = NEW.id;
      RETURN NULL;
    END $$;
    CREATE TRIGGER contacts_search AFTER UPDATE OF name, email ON contacts
      FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.email IS DISTINCT FROM NEW.email)
      EXECUTE FUNCTION contacts_search();

    UPDATE tickets t SET search_vector = ticket_search_document(t.workspace_id, t.id, t.subject, t.requester_id);

    -- No pending list (fastupdate): PGlite has no autovacuum to merge it, and a search would read it all.
    CREATE INDEX tickets_search_idx ON tickets USING gin (search_vector) WITH (fastupdate = off);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TRIGGER contacts_search ON contacts;
    DROP FUNCTION contacts_search();
    DROP TRIGGER ticket_messages_search_insert ON ticket_messages;
    DROP TRIGGER ticket_messages_search_change ON ticket_messages;
    DROP FUNCTION ticket_messages_search();
    DROP TRIGGER tickets_search_update ON tickets;
    DROP FUNCTION tickets_search_update();
    DROP TRIGGER tickets_search_insert ON tickets;
    DROP FUNCTION tickets_search_insert();
    DROP FUNCTION ticket_search_document(uuid, uuid, text, uuid);
    DROP FUNCTION ticket_search_body(text);
    DROP FUNCTION ticket_search_head(text, text, text);
    DROP INDEX tickets_search_idx;
    ALTER TABLE tickets DROP COLUMN search_vector;
    DROP INDEX tickets_status_idx;
    DROP INDEX tickets_assignee_idx;
    DROP INDEX tickets_priority_idx;
    DROP INDEX tickets_updated_idx;
    ALTER TABLE tickets DROP COLUMN priority_rank, DROP COLUMN priority, DROP COLUMN tags;
  `.execute(db);
}
