import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../../src/shared/db/connect.js';
import type { ReceivedEmail } from '../../support/smtp-sink.js';
import type { LoadResult } from './load-run.js';

/**
 * The invariants every load, crash and fault suite checks after the dust settles, in SQL
 * over the whole database (every workspace). Each check selects the rows that break it, so
 * an empty result is a pass and a failure shows the offending rows.
 *
 * SPEC rule 13 (answers serialised: never beyond the rule, never a lost vote, never an email
 * twice), rule 11 (one activity per decision, with its channel), §4 (outbox: one email per
 * event and recipient, stable Message-ID), and the state machine of §2.
 */

/** Per approval and step: the rule in force and the tally of its live (not removed) assignments. */
const STEP_TALLIES = sql`
  WITH steps AS (
    SELECT a.workspace_id, a.id AS approval_id, a.status AS approval_status, a.current_step_index,
      (s.ord - 1)::int AS step_index, s.st->>'status' AS step_status, s.st->'rule' AS rule,
      s.st->>'rule' AS rule_text, (s.st->>'completedAt')::timestamptz AS step_completed_at
    FROM approvals a CROSS JOIN LATERAL jsonb_array_elements(a.step_states) WITH ORDINALITY AS s(st, ord)
  )
  SELECT s.*,
    count(x.ordinal) FILTER (WHERE x.removed_at IS NULL)::int AS live,
    count(x.ordinal) FILTER (WHERE x.removed_at IS NULL AND x.decision = 'approve')::int AS approves,
    count(x.ordinal) FILTER (WHERE x.removed_at IS NULL AND x.decision = 'deny')::int AS denies,
    count(x.ordinal) FILTER (WHERE x.removed_at IS NULL AND x.decision IS NULL)::int AS undecided,
    CASE s.rule->>'type' WHEN 'any' THEN 1 WHEN 'min' THEN (s.rule->>'count')::int END AS need
  FROM steps s
  LEFT JOIN approval_assignments x
    ON x.workspace_id = s.workspace_id AND x.approval_id = s.approval_id AND x.step_index = s.step_index
  GROUP BY s.workspace_id, s.approval_id, s.approval_status, s.current_step_index, s.step_index, s.step_status,
    s.rule, s.rule_text, s.step_completed_at`;

export const AUDIT_CHECKS: { name: string; query: RawBuilder<Record<string, unknown>> }[] = [
  {
    // An approved step holds exactly what completed it: the first approval (any), everyone (all),
    // exactly N approvals (min). More would be a vote counted beyond the rule.
    name: 'approved step: its live answers meet its rule exactly',
    query: sql`WITH t AS (${STEP_TALLIES}) SELECT * FROM t WHERE step_status = 'approved' AND NOT (
      (rule->>'type' = 'any' AND approves = 1 AND denies = 0)
      OR (rule->>'type' = 'all' AND live >= 1 AND approves = live)
      OR (rule->>'type' = 'min' AND approves = need))`,
  },
  {
    // A denied step: one deny (any, all), or the first moment N approvals could no longer be reached (min).
    name: 'denied step: one deny, or min unreachable by exactly one',
    query: sql`WITH t AS (${STEP_TALLIES}) SELECT * FROM t WHERE step_status = 'denied' AND NOT (
      (rule->>'type' = 'any' AND denies = 1 AND approves = 0)
      OR (rule->>'type' = 'all' AND denies = 1 AND approves < live)
      OR (rule->>'type' = 'min' AND approves + undecided = need - 1))`,
  },
  {
    name: 'active step: still open under its rule, and only the current step of a pending approval',
    query: sql`WITH t AS (${STEP_TALLIES}) SELECT * FROM t WHERE step_status = 'active' AND NOT (
      approval_status IN ('pending', 'needs_info') AND step_index = current_step_index AND live >= 1 AND (
        (rule->>'type' = 'any' AND approves = 0 AND denies = 0)
        OR (rule->>'type' = 'all' AND denies = 0 AND undecided >= 1)
        OR (rule->>'type' = 'min' AND approves < need AND approves + undecided >= need)))`,
  },
  {
    name: 'steps that never started have no assignments; finished steps have a completion time',
    query: sql`WITH t AS (${STEP_TALLIES}) SELECT * FROM t WHERE
      (step_status IN ('waiting', 'skipped') AND live > 0)
      OR (step_status IN ('approved', 'denied', 'skipped', 'canceled') AND step_completed_at IS NULL)
      OR (step_status IN ('waiting', 'active') AND step_completed_at IS NOT NULL)
      -- SPEC §8.1: a step waiting on nobody has nobody on it and is not finished.
      OR (step_status = 'no_approvers' AND (live > 0 OR step_completed_at IS NOT NULL))`,
  },
  {
    // The approval's status agrees with its steps and its appeal.
    name: 'approval status agrees with its steps, appeal and completion time',
    query: sql`WITH t AS (${STEP_TALLIES}), a AS (
      SELECT ap.workspace_id, ap.id, ap.status, ap.completed_at, ap.appeal, ap.current_step_index,
        count(*) FILTER (WHERE t.step_status = 'denied')::int AS denied_steps,
        count(*) FILTER (WHERE t.step_status = 'active')::int AS active_steps,
        count(*) FILTER (WHERE t.step_status = 'no_approvers')::int AS steps_on_nobody,
        count(*) FILTER (WHERE t.step_status NOT IN ('approved', 'skipped'))::int AS unfinished_steps,
        bool_and(t.step_status = 'waiting' OR t.step_index <= ap.current_step_index) AS none_ahead
      FROM approvals ap JOIN t ON t.workspace_id = ap.workspace_id AND t.approval_id = ap.id
      GROUP BY ap.workspace_id, ap.id)
    SELECT * FROM a WHERE NOT (
      (status IN ('pending', 'needs_info') AND completed_at IS NULL AND appeal IS NULL
        AND active_steps + steps_on_nobody = 1 AND denied_steps = 0 AND none_ahead)
      OR (status = 'approved' AND completed_at IS NOT NULL AND active_steps + steps_on_nobody = 0 AND (
        (appeal IS NULL AND unfinished_steps = 0)
        OR (appeal->>'status' = 'approved' AND appeal->'decision'->>'value' = 'approve' AND denied_steps = 1)))
      OR (status = 'denied' AND completed_at IS NOT NULL AND active_steps = 0 AND denied_steps = 1 AND (
        appeal IS NULL OR (appeal->>'status' = 'denied' AND appeal->'decision'->>'value' = 'deny')))
      OR (status = 'appeal_pending' AND completed_at IS NULL AND denied_steps = 1 AND active_steps = 0
        AND appeal->>'status' = 'pending' AND jsonb_typeof(appeal->'decision') IS DISTINCT FROM 'object')
      OR (status = 'canceled' AND completed_at IS NOT NULL AND active_steps = 0)
      OR (status = 'expired' AND completed_at IS NOT NULL AND active_steps = 0 AND denied_steps = 0))`,
  },
  {
    // No answer recorded after its step or its approval finished, nor outside the assignment's life.
    name: 'no answer recorded after completion (decided_at <= completed_at)',
    query: sql`WITH t AS (${STEP_TALLIES})
      SELECT x.approval_id, x.ordinal, x.step_index, x.person_id, x.decision, x.decided_at, x.added_at,
        x.removed_at, ap.status, ap.completed_at, t.step_completed_at
      FROM approval_assignments x
      JOIN approvals ap ON ap.workspace_id = x.workspace_id AND ap.id = x.approval_id
      JOIN t ON t.workspace_id = x.workspace_id AND t.approval_id = x.approval_id AND t.step_index = x.step_index
      WHERE x.decided_at IS NOT NULL AND (
        (ap.completed_at IS NOT NULL AND x.decided_at > ap.completed_at)
        OR (t.step_completed_at IS NOT NULL AND x.decided_at > t.step_completed_at)
        OR x.decided_at < x.added_at
        OR (x.removed_at IS NOT NULL AND x.decided_at > x.removed_at))
      UNION ALL
      SELECT ap.id, NULL, NULL, NULL, ap.appeal->'decision'->>'value', (ap.appeal->'decision'->>'at')::timestamptz,
        (ap.appeal->>'requestedAt')::timestamptz, NULL, ap.status, ap.completed_at, NULL
      FROM approvals ap
      WHERE jsonb_typeof(ap.appeal->'decision') = 'object' AND (
        ap.completed_at IS NULL OR (ap.appeal->'decision'->>'at')::timestamptz > ap.completed_at
        OR (ap.appeal->'decision'->>'at')::timestamptz < (ap.appeal->>'requestedAt')::timestamptz)`,
  },
  {
    name: 'decided assignments carry a channel and a time, undecided ones neither',
    query: sql`SELECT * FROM approval_assignments WHERE
      (decision IS NULL) <> (decided_at IS NULL) OR (decision IS NULL) <> (channel IS NULL)
      OR (channel IS NOT NULL AND channel NOT IN ('agent_ui', 'portal', 'email_link', 'api'))`,
  },
  {
    name: 'the awaiting flag (approval tasks) matches the state',
    query: sql`SELECT x.approval_id, x.ordinal, x.awaiting, ap.status FROM approval_assignments x
      JOIN approvals ap ON ap.workspace_id = x.workspace_id AND ap.id = x.approval_id
      WHERE x.awaiting <> (ap.status IN ('pending', 'needs_info') AND x.step_index = ap.current_step_index
        AND x.decision IS NULL AND x.removed_at IS NULL)`,
  },
  {
    // Rule 11: exactly one 'decision' activity per recorded decision, same person, step, value and channel.
    name: "exactly one 'decision' activity per recorded decision (channel matches)",
    query: sql`WITH d AS (
        SELECT workspace_id, approval_id, step_index, person_type, person_id, decision, channel, count(*)::int AS n
        FROM approval_assignments WHERE decision IS NOT NULL
        GROUP BY 1, 2, 3, 4, 5, 6, 7),
      act AS (
        SELECT workspace_id, approval_id, (data->>'stepIndex')::int AS step_index, actor_type AS person_type,
          actor_id AS person_id, data->>'decision' AS decision, channel, count(*)::int AS n
        FROM activities WHERE type = 'decision'
        GROUP BY 1, 2, 3, 4, 5, 6, 7)
      SELECT d.*, act.n AS activities FROM d FULL JOIN act USING (workspace_id, approval_id, step_index, person_type,
        person_id, decision, channel)
      WHERE d.n IS DISTINCT FROM act.n`,
  },
  {
    name: "exactly one 'appeal_decided' activity per decided appeal (person, value, channel)",
    query: sql`WITH d AS (
        SELECT workspace_id, id AS approval_id, appeal->'decision'->'by'->>'type' AS person_type,
          (appeal->'decision'->'by'->>'id')::uuid AS person_id, appeal->'decision'->>'value' AS decision,
          appeal->'decision'->>'channel' AS channel, 1 AS n
        FROM approvals WHERE jsonb_typeof(appeal->'decision') = 'object'),
      act AS (
        SELECT workspace_id, approval_id, actor_type AS person_type, actor_id AS person_id,
          data->>'decision' AS decision, channel, count(*)::int AS n
        FROM activities WHERE type = 'appeal_decided' GROUP BY 1, 2, 3, 4, 5, 6)
      SELECT d.*, act.n AS activities FROM d FULL JOIN act USING (workspace_id, approval_id, person_type, person_id,
        decision, channel)
      WHERE d.n IS DISTINCT FROM act.n`,
  },
  {
    // One 'completed' per ending: the first decision of the steps, then the appeal's.
    name: "'completed', 'canceled' and 'appeal_requested' activities: once per event",
    query: sql`WITH c AS (
        SELECT workspace_id, approval_id,
          count(*) FILTER (WHERE type = 'completed')::int AS completed,
          count(*) FILTER (WHERE type = 'canceled')::int AS canceled,
          count(*) FILTER (WHERE type = 'appeal_requested')::int AS appealed,
          count(*) FILTER (WHERE type = 'approval_requested')::int AS requested
        FROM activities WHERE approval_id IS NOT NULL GROUP BY 1, 2)
      SELECT ap.id, ap.status, ap.appeal->>'status' AS appeal_status, c.* FROM approvals ap
      LEFT JOIN c ON c.workspace_id = ap.workspace_id AND c.approval_id = ap.id
      WHERE coalesce(c.requested, 0) <> 1
        OR coalesce(c.completed, 0) <> (CASE WHEN ap.status IN ('approved', 'denied') OR ap.appeal IS NOT NULL
            THEN 1 ELSE 0 END) + (CASE WHEN jsonb_typeof(ap.appeal->'decision') = 'object' THEN 1 ELSE 0 END)
        OR coalesce(c.canceled, 0) <> (CASE WHEN ap.status = 'canceled' THEN 1 ELSE 0 END)
        OR coalesce(c.appealed, 0) <> (CASE WHEN ap.appeal IS NOT NULL THEN 1 ELSE 0 END)`,
  },
  {
    // Rule 13 "never an email twice": one email event per completion, and at most one per decision, none for
    // the decision that ended the request, which its completion email tells (SPEC §8.1, one email per
    // recipient per event).
    name: 'one completion email event per ending, at most one decision email event per decision but the last',
    query: sql`WITH o AS (
        SELECT workspace_id, approval_id,
          count(DISTINCT event_id) FILTER (WHERE kind = 'approval_approved')::int AS approved_events,
          count(DISTINCT event_id) FILTER (WHERE kind = 'approval_denied')::int AS denied_events,
          count(DISTINCT event_id) FILTER (WHERE kind = 'decision_recorded')::int AS decision_events,
          count(DISTINCT event_id) FILTER (WHERE kind = 'appeal_decided')::int AS appeal_events,
          count(DISTINCT event_id) FILTER (WHERE kind = 'approval_canceled')::int AS cancel_events
        FROM outbox GROUP BY 1, 2),
      d AS (
        SELECT x.workspace_id, x.approval_id, count(*)::int AS decisions_by_others
        FROM approval_assignments x JOIN approvals ap ON ap.workspace_id = x.workspace_id AND ap.id = x.approval_id
        WHERE x.decision IS NOT NULL AND NOT (x.person_type = 'member' AND x.person_id = ap.requested_by)
        GROUP BY 1, 2),
      -- Ended by another person's decision: one taken when the step that ended the request completed.
      e AS (
        SELECT ap.workspace_id, ap.id AS approval_id, 1 AS ended_by_decision FROM approvals ap
        WHERE (ap.status IN ('approved', 'denied') OR ap.appeal IS NOT NULL) AND EXISTS (
          SELECT 1 FROM approval_assignments y
          WHERE y.workspace_id = ap.workspace_id AND y.approval_id = ap.id AND y.decision IS NOT NULL
            AND NOT (y.person_type = 'member' AND y.person_id = ap.requested_by)
            AND y.decided_at = (ap.step_states -> ap.current_step_index ->> 'completedAt')::timestamptz))
      SELECT ap.id, ap.status, ap.appeal->>'status' AS appeal_status, o.*, d.decisions_by_others FROM approvals ap
      LEFT JOIN o ON o.workspace_id = ap.workspace_id AND o.approval_id = ap.id
      LEFT JOIN d ON d.workspace_id = ap.workspace_id AND d.approval_id = ap.id
      LEFT JOIN e ON e.workspace_id = ap.workspace_id AND e.approval_id = ap.id
      WHERE coalesce(o.approved_events, 0) <> (CASE WHEN ap.status = 'approved' AND ap.appeal IS NULL THEN 1 ELSE 0 END)
        OR coalesce(o.denied_events, 0) <> (CASE WHEN ap.status = 'denied' OR ap.appeal IS NOT NULL
            OR (ap.status = 'canceled' AND ap.step_states @> '[{"status":"denied"}]') THEN 1 ELSE 0 END)
        -- At most: a requester who is also asked on the next step gets that request instead (one email each).
        OR coalesce(o.decision_events, 0) > coalesce(d.decisions_by_others, 0) - coalesce(e.ended_by_decision, 0)
        OR coalesce(o.appeal_events, 0) > 1 OR coalesce(o.cancel_events, 0) > 1`,
  },
  {
    // A link is used exactly when a decision came through it.
    name: 'used approval links == decisions through the email_link channel',
    query: sql`WITH u AS (SELECT workspace_id, approval_id, person_type, person_id, count(*)::int AS used
        FROM approval_links WHERE used_at IS NOT NULL GROUP BY 1, 2, 3, 4),
      d AS (
        SELECT workspace_id, approval_id, person_type, person_id, count(*)::int AS decided FROM (
          SELECT workspace_id, approval_id, person_type, person_id FROM approval_assignments
          WHERE channel = 'email_link'
          UNION ALL
          SELECT workspace_id, id, appeal->'decision'->'by'->>'type', (appeal->'decision'->'by'->>'id')::uuid
          FROM approvals WHERE appeal->'decision'->>'channel' = 'email_link') z
        GROUP BY 1, 2, 3, 4)
      SELECT * FROM u FULL JOIN d USING (workspace_id, approval_id, person_type, person_id)
      WHERE u.used IS DISTINCT FROM d.decided`,
  },
  {
    // SPEC §8.1: the ticket's columns are what ticket_approval_summary computes from its approvals now.
    name: "a ticket's approvalStatus and approvalCounts match its approvals (most urgent unfinished, else finished last)",
    query: sql`SELECT t.id, t.approval_status, t.approvals_unfinished, t.approvals_total, s.*
      FROM tickets t CROSS JOIN LATERAL ticket_approval_summary(t.workspace_id, t.id) s
      WHERE (t.approval_status, t.approvals_unfinished, t.approvals_total)
        IS DISTINCT FROM (s.approval_status, s.approvals_unfinished, s.approvals_total)`,
  },
  {
    name: 'every outbox row is sent, with the stable Message-ID of its event and recipient',
    query: sql`SELECT id, kind, status, attempts, last_error, message_id FROM outbox
      WHERE status <> 'sent' OR message_id IS DISTINCT FROM
        '<' || event_id || '.' || recipient_type || '.' || recipient_id || '@127.0.0.1>'`,
  },
];

export type AuditReport = {
  violations: { check: string; rows: Record<string, unknown>[] }[];
  figures: Record<string, number>;
};

/** Runs every SQL check; `violations` lists only the checks that found rows (at most 10 rows each). */
export async function auditDatabase(db: Db): Promise<AuditReport> {
  const violations: AuditReport['violations'] = [];
  for (const check of AUDIT_CHECKS) {
    const { rows } = await check.query.execute(db);
    if (rows.length > 0) violations.push({ check: check.name, rows: rows.slice(0, 10) });
  }
  const { rows } = await sql<Record<string, number>>`SELECT
      (SELECT count(*) FROM approvals)::int AS approvals,
      (SELECT count(*) FROM approvals WHERE status = 'approved')::int AS approved,
      (SELECT count(*) FROM approvals WHERE status = 'denied')::int AS denied,
      (SELECT count(*) FROM approvals WHERE status = 'pending')::int AS pending,
      (SELECT count(*) FROM approvals WHERE status = 'appeal_pending')::int AS appeal_pending,
      (SELECT count(*) FROM approvals WHERE status = 'canceled')::int AS canceled,
      (SELECT count(*) FROM approvals WHERE appeal IS NOT NULL)::int AS appealed,
      (SELECT count(*) FROM approval_assignments WHERE decision IS NOT NULL)::int AS decisions,
      (SELECT count(*) FROM approval_assignments WHERE channel = 'email_link')::int AS link_decisions,
      (SELECT count(*) FROM approval_assignments WHERE removed_at IS NOT NULL)::int AS removed_assignments,
      (SELECT count(*) FROM approval_comments)::int AS comments,
      (SELECT count(*) FROM activities)::int AS activities,
      (SELECT count(*) FROM outbox)::int AS outbox_rows,
      (SELECT count(*) FROM outbox WHERE status = 'sent')::int AS outbox_sent,
      (SELECT count(*) FROM outbox WHERE attempts > 1)::int AS outbox_retried,
      (SELECT round(1000 * extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY sent_at - created_at)))
        FROM outbox WHERE status = 'sent')::int AS delivery_p50_ms,
      (SELECT round(1000 * extract(epoch FROM percentile_cont(0.99) WITHIN GROUP (ORDER BY sent_at - created_at)))
        FROM outbox WHERE status = 'sent')::int AS delivery_p99_ms`.execute(db);
  return { violations, figures: rows[0]! };
}

export type MailReport = {
  sentRows: number;
  received: number;
  uniqueReceived: number;
  /** Sent rows whose Message-ID never reached the sink. */
  missing: string[];
  /** Message-IDs received more than once (at-least-once re-sends), with their counts. */
  duplicates: [string, number][];
  /** Received emails that match no outbox row. */
  unknown: string[];
};

/** §4: every sent row reached the SMTP sink, by Message-ID, and how many times. */
export async function auditMail(db: Db, received: readonly ReceivedEmail[]): Promise<MailReport> {
  const sent = await db.selectFrom('outbox').select('message_id').where('status', '=', 'sent').execute();
  const counts = new Map<string, number>();
  for (const m of received) counts.set(m.messageId, (counts.get(m.messageId) ?? 0) + 1);
  const expected = new Set(sent.map((r) => r.message_id!));
  return {
    sentRows: sent.length,
    received: received.length,
    uniqueReceived: counts.size,
    missing: [...expected].filter((id) => !counts.has(id)),
    duplicates: [...counts].filter(([, n]) => n > 1),
    unknown: [...counts.keys()].filter((id) => !expected.has(id)),
  };
}

/**
 * The load's ledger against the database: every accepted decision is recorded (no vote lost)
 * and nothing is recorded that was refused. Answers lost to a fault (503, no answer) may go
 * either way.
 */
export async function auditLedger(db: Db, ledger: LoadResult['ledger']): Promise<string[]> {
  const { rows } = await sql<{ approval_id: string; person: string; n: number }>`
    SELECT approval_id, actor_type || ':' || actor_id AS person, count(*)::int AS n FROM activities
    WHERE type IN ('decision', 'appeal_decided') GROUP BY 1, 2`.execute(db);
  const recorded = new Map(rows.map((r) => [`${r.approval_id}|${r.person}`, Number(r.n)]));
  // Link answers lost to a fault do not say which approval they were for: a per-person allowance.
  const looseByPerson = new Map<string, number>();
  for (const [k, v] of ledger) {
    if (k.startsWith('?|')) looseByPerson.set(k.slice(2), (looseByPerson.get(k.slice(2)) ?? 0) + v.unknown);
  }
  const problems: string[] = [];
  const keys = new Set([...recorded.keys(), ...[...ledger.keys()].filter((k) => !k.startsWith('?|'))]);
  for (const k of keys) {
    const n = recorded.get(k) ?? 0;
    const { ok, unknown } = ledger.get(k) ?? { ok: 0, unknown: 0 };
    if (n < ok) problems.push(`${k}: ${ok} decisions accepted but ${n} recorded (lost vote)`);
    if (n > ok + unknown) {
      const person = k.split('|')[1]!;
      const loose = looseByPerson.get(person) ?? 0;
      if (n - ok - unknown <= loose) looseByPerson.set(person, loose - (n - ok - unknown));
      else problems.push(`${k}: ${n} decisions recorded but only ${ok} accepted (+${unknown} unanswered)`);
    }
  }
  return problems;
}
