import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Wakes the delivery workers when emails are queued (they LISTEN on signoff_outbox), so an email
    -- leaves at once rather than at their next poll. Once per statement; sent at commit, not at all on rollback.
    CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('signoff_outbox', '');
      RETURN NULL;
    END
    $$;
    CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TRIGGER outbox_notify ON outbox;
    DROP FUNCTION outbox_notify();
  `.execute(db);
}
