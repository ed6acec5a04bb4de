import { type Kysely, sql } from 'kysely';

/**
 * "Needs information" (SPEC §8.1): `approvals.status` takes `needs_info` (the column has no CHECK
 * constraint, see 001). `info_request` keeps the latest request for information as
 * {askedBy, askedAt, endedAt}: the expiry deadline moves by endedAt − askedAt when the wait ends, and
 * automatic reminders count again from endedAt.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE approvals ADD COLUMN info_request jsonb`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE approvals DROP COLUMN info_request`.execute(db);
}
