import { sql } from 'kysely';
import { type Db, inTransaction } from '../shared/db/connect.js';
import { getSettings } from '../workspaces/repo.js';
import * as core from './core/index.js';
import type { ApprovalEvent, PersonRef, Transition } from './core/types.js';
import { loadApproval } from './repo.js';
import { commit } from './service.js';

/**
 * Time-driven work: approvals past their template's `expireAfterHours`, and
 * automatic reminders. Neither acts on an approval that waits for information
 * (`needs_info`): its deadline moves when the wait ends, and reminders count
 * again from then. Each approval is handled in its own transaction under
 * its row lock, so several workers may run this at once.
 */
export async function expireDue(db: Db, now: Date, limit = 100): Promise<number> {
  const due = await db
    .selectFrom('approvals')
    .innerJoin('workspaces', 'workspaces.id', 'approvals.workspace_id')
    .select(['approvals.workspace_id', 'approvals.id'])
    .where(sql<boolean>`(workspaces.settings ->> 'approvalsEnabled')::boolean`)
    .where('approvals.status', '=', 'pending')
    .where('approvals.expires_at', 'is not', null)
    .where('approvals.expires_at', '<=', now)
    .limit(limit)
    .execute();
  let done = 0;
  for (const { workspace_id: ws, id } of due) {
    await inTransaction(db, async (tx) => {
      const stored = await loadApproval(tx, ws, id, true);
      const result = core.expire(stored.state, now);
      if (!result.ok) return; // someone finished it meanwhile
      await commit(tx, ws, stored, result.value, null, null, await getSettings(tx, ws));
      done++;
    });
  }
  return done;
}

export async function remindDue(db: Db, now: Date, limit = 100): Promise<number> {
  const { rows } = await sql<{ workspace_id: string; approval_id: string }>`
    SELECT DISTINCT a.workspace_id, a.approval_id
    FROM approval_assignments a
    JOIN workspaces w ON w.id = a.workspace_id
    JOIN approvals ap ON ap.workspace_id = a.workspace_id AND ap.id = a.approval_id
    WHERE a.awaiting
      AND ap.status = 'pending'
      AND (w.settings ->> 'approvalsEnabled')::boolean
      AND w.settings ->> 'autoRemindAfterHours' IS NOT NULL
      AND a.reminder_count < coalesce((w.settings ->> 'maxAutoReminders')::int, 3)
      AND greatest(coalesce(a.last_reminder_at, a.added_at), (ap.info_request ->> 'endedAt')::timestamptz)
        <= ${now}::timestamptz - make_interval(hours => (w.settings ->> 'autoRemindAfterHours')::int)
    LIMIT ${limit}`.execute(db);
  let reminded = 0;
  for (const { workspace_id: ws, approval_id: id } of rows) {
    await inTransaction(db, async (tx) => {
      const settings = await getSettings(tx, ws);
      if (settings.autoRemindAfterHours === null) return;
      const stored = await loadApproval(tx, ws, id, true);
      const intervalMs = settings.autoRemindAfterHours * 3600_000;
      const people: PersonRef[] = core
        .currentAssignments(stored.state)
        .filter((a) => {
          // Null while the approval waits for information: reminders pause then (SPEC §8.1).
          const dueAt = core.automaticReminderDueAt(stored.state, a, intervalMs);
          return (
            a.decision === null &&
            a.reminderCount < settings.maxAutoReminders &&
            dueAt !== null &&
            dueAt.getTime() <= now.getTime()
          );
        })
        .map((a) => a.person);
      let state = stored.state;
      const events: ApprovalEvent[] = [];
      for (const person of people) {
        const result = core.remind(state, person, now);
        if (!result.ok) continue;
        state = result.value.approval;
        events.push(...result.value.events);
      }
      const transition: Transition = { approval: state, events };
      await commit(tx, ws, stored, transition, null, null, settings);
      reminded += people.length;
    });
  }
  return reminded;
}
