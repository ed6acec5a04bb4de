import { type Kysely, sql } from 'kysely';

/**
 * Template switches (SPEC §8.1): `preventSelfApproval`, `requireCommentOnDeny` and
 * `lockRecipients` on templates, copied onto each approval made from one (`switches`,
 * null for ad hoc approvals and those made before: every switch off).
 *
 * Steps are JSON; their `whenNobody` defaults to `wait` when absent. The approvals already
 * running were started under the old rule, so their steps get `whenNobody: "skip"`:
 * a step of theirs that starts after this migration still passes as it would have.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE approval_templates
      ADD COLUMN prevent_self_approval boolean NOT NULL DEFAULT false,
      ADD COLUMN require_comment_on_deny boolean NOT NULL DEFAULT false,
      ADD COLUMN lock_recipients boolean NOT NULL DEFAULT false;
    ALTER TABLE approvals ADD COLUMN switches jsonb;
    UPDATE approvals a SET steps = (
      SELECT coalesce(jsonb_agg(s.step || '{"whenNobody":"skip"}'::jsonb ORDER BY s.ordinal), '[]'::jsonb)
      FROM jsonb_array_elements(a.steps) WITH ORDINALITY AS s(step, ordinal)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE approvals DROP COLUMN switches;
    ALTER TABLE approval_templates
      DROP COLUMN prevent_self_approval,
      DROP COLUMN require_comment_on_deny,
      DROP COLUMN lock_recipients;
  `.execute(db);
}
