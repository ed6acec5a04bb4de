import { type Kysely, sql } from 'kysely';

/**
 * SPEC §8.1: a ticket's approval status is computed over all of its approvals
 * but the canceled ones, and tickets carry how many are unfinished. The rule
 * lives in one SQL function, `ticket_approval_summary`, that the refresh of a
 * ticket (`refreshTicketApprovalStatus`), this backfill and the reliability
 * audit all call, so the three can never disagree.
 *
 * Also: a decision's comment may be internal (`decision_comment_internal`).
 *
 * Unfinished statuses include `needs_info` (SPEC §8.1) even before the core
 * knows it: it is only a value of `approvals.status` here.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE tickets
      ADD COLUMN approvals_unfinished int NOT NULL DEFAULT 0,
      ADD COLUMN approvals_total int NOT NULL DEFAULT 0;

    -- SPEC §8.1: a decision's comment may be internal (members only).
    ALTER TABLE approval_assignments ADD COLUMN decision_comment_internal boolean NOT NULL DEFAULT false;

    -- ?approvalStatus=unfinished: the tickets with an unfinished approval, newest first.
    CREATE INDEX tickets_unfinished_approvals_idx ON tickets (workspace_id, number DESC)
      WHERE approvals_unfinished > 0;

    -- Most urgent unfinished approval first (needs_info, appeal_pending, partially_approved, pending);
    -- otherwise the status of the approval that finished last (an appeal's decision sets completed_at too).
    CREATE FUNCTION ticket_approval_summary(p_workspace_id uuid, p_ticket_id uuid)
    RETURNS TABLE (approval_status text, approvals_unfinished int, approvals_total int)
    LANGUAGE sql STABLE AS $$
      SELECT
        coalesce(
          (array_agg(CASE WHEN a.status = 'pending' THEN a.display_status ELSE a.status END
              ORDER BY CASE
                WHEN a.status = 'needs_info' THEN 0
                WHEN a.status = 'appeal_pending' THEN 1
                WHEN a.display_status = 'partially_approved' THEN 2
                ELSE 3 END, a.number DESC)
            FILTER (WHERE a.status IN ('pending', 'needs_info', 'appeal_pending')))[1],
          (array_agg(a.status ORDER BY a.completed_at DESC NULLS LAST, a.number DESC)
            FILTER (WHERE a.status IN ('approved', 'denied', 'expired')))[1]
        ),
        (count(*) FILTER (WHERE a.status IN ('pending', 'needs_info', 'appeal_pending')))::int,
        count(*)::int
      FROM approvals a
      WHERE a.workspace_id = p_workspace_id AND a.ticket_id = p_ticket_id AND a.status <> 'canceled'
    $$;

    UPDATE tickets t SET (approval_status, approvals_unfinished, approvals_total) = (
      SELECT s.approval_status, s.approvals_unfinished, s.approvals_total
      FROM ticket_approval_summary(t.workspace_id, t.id) s
    )
    WHERE EXISTS (SELECT 1 FROM approvals a WHERE a.workspace_id = t.workspace_id AND a.ticket_id = t.id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP FUNCTION ticket_approval_summary(uuid, uuid);
    DROP INDEX tickets_unfinished_approvals_idx;
    ALTER TABLE tickets DROP COLUMN approvals_unfinished, DROP COLUMN approvals_total;
    ALTER TABLE approval_assignments DROP COLUMN decision_comment_internal;
  `.execute(db);
}
