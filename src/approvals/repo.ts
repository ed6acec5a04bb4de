import { sql } from 'kysely';
import { isUuid } from '../auth/tokens.js';
import type { Db } from '../shared/db/connect.js';
import { notFound } from '../shared/errors.js';
import { displayStatus } from './core/index.js';
import type {
  Appeal,
  Approval,
  ApprovalStatus,
  ApproverRef,
  Assignment,
  Channel,
  PersonRef,
  StepDefinition,
  StepState,
} from './core/types.js';

/** What the domain core does not look at: identity, text and links to the ticket. */
export type ApprovalMeta = {
  id: string;
  number: number;
  ticketId: string;
  templateId: string | null;
  title: string;
  description: string | null;
  onBehalfOf: PersonRef | null;
  formData: Record<string, unknown> | null;
  createdAt: Date;
  updatedAt: Date;
};

export type StoredApproval = { meta: ApprovalMeta; state: Approval };

const approvalColumns = [
  'id',
  'number',
  'ticket_id',
  'template_id',
  'title',
  'description',
  'status',
  'current_step_index',
  'steps',
  'step_states',
  'requested_by',
  'on_behalf_of',
  'form_data',
  'allow_appeals',
  'appeal_reviewers',
  'appeal',
  'expires_at',
  'completed_at',
  'created_at',
  'updated_at',
] as const;

const assignmentColumns = [
  'approval_id',
  'ordinal',
  'step_index',
  'person_type',
  'person_id',
  'decision',
  'decision_comment',
  'decided_at',
  'channel',
  'added_at',
  'removed_at',
  'last_reminder_at',
  'reminder_count',
] as const;

type AssignmentRow = {
  approval_id: string;
  ordinal: number;
  step_index: number;
  person_type: 'member' | 'contact';
  person_id: string;
  decision: 'approve' | 'deny' | null;
  decision_comment: string | null;
  decided_at: Date | null;
  channel: string | null;
  added_at: Date;
  removed_at: Date | null;
  last_reminder_at: Date | null;
  reminder_count: number;
};

const date = (v: unknown): Date => (v instanceof Date ? v : new Date(v as string));
const dateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : date(v));

function toAssignment(r: AssignmentRow): Assignment {
  return {
    stepIndex: r.step_index,
    person: { type: r.person_type, id: r.person_id },
    decision:
      r.decision === null
        ? null
        : {
            value: r.decision,
            comment: r.decision_comment,
            at: date(r.decided_at),
            channel: r.channel as Channel,
          },
    addedAt: date(r.added_at),
    removedAt: dateOrNull(r.removed_at),
    lastReminderAt: dateOrNull(r.last_reminder_at),
    reminderCount: r.reminder_count,
  };
}

type StoredStepState = Omit<StepState, 'startedAt' | 'completedAt'> & {
  startedAt: string | null;
  completedAt: string | null;
};

function readStepStates(raw: unknown): StepState[] {
  return (raw as StoredStepState[]).map((s) => ({
    ...s,
    startedAt: dateOrNull(s.startedAt),
    completedAt: dateOrNull(s.completedAt),
  }));
}

function readAppeal(raw: unknown): Appeal | null {
  if (!raw) return null;
  const a = raw as Appeal & { requestedAt: string; decision: (Appeal['decision'] & { at: string }) | null };
  return {
    ...a,
    requestedAt: date(a.requestedAt),
    decision: a.decision ? { ...a.decision, at: date(a.decision.at) } : null,
  };
}

type ApprovalRow = {
  id: string;
  number: number;
  ticket_id: string;
  template_id: string | null;
  title: string;
  description: string | null;
  status: string;
  current_step_index: number;
  steps: unknown;
  step_states: unknown;
  requested_by: string;
  on_behalf_of: unknown;
  form_data: unknown;
  allow_appeals: boolean;
  appeal_reviewers: unknown;
  appeal: unknown;
  expires_at: Date | null;
  completed_at: Date | null;
  created_at: Date;
  updated_at: Date;
};

function toStored(row: ApprovalRow, assignments: AssignmentRow[]): StoredApproval {
  return {
    meta: {
      id: row.id,
      number: row.number,
      ticketId: row.ticket_id,
      templateId: row.template_id,
      title: row.title,
      description: row.description,
      onBehalfOf: (row.on_behalf_of as PersonRef | null) ?? null,
      formData: (row.form_data as Record<string, unknown> | null) ?? null,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    },
    state: {
      status: row.status as ApprovalStatus,
      steps: row.steps as StepDefinition[],
      stepStates: readStepStates(row.step_states),
      currentStepIndex: row.current_step_index,
      assignments: assignments.sort((a, b) => a.ordinal - b.ordinal).map(toAssignment),
      requestedBy: row.requested_by,
      allowAppeals: row.allow_appeals,
      appealReviewers: row.appeal_reviewers as ApproverRef[],
      appeal: readAppeal(row.appeal),
      expiresAt: dateOrNull(row.expires_at),
      completedAt: dateOrNull(row.completed_at),
    },
  };
}

/**
 * Loads one approval with its assignments. `lock` takes the row lock that
 * serialises every change to this approval (SPEC rule 13).
 */
export async function loadApproval(
  db: Db,
  workspaceId: string,
  id: string,
  lock = false,
): Promise<StoredApproval> {
  if (!isUuid(id)) throw notFound('Approval');
  let q = db
    .selectFrom('approvals')
    .select(approvalColumns)
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('Approval');
  const assignments = await db
    .selectFrom('approval_assignments')
    .select(assignmentColumns)
    .where('workspace_id', '=', workspaceId)
    .where('approval_id', '=', row.id)
    .execute();
  return toStored(row, assignments);
}

/** Many approvals with their assignments, in the order of `ids`. */
export async function loadApprovals(db: Db, workspaceId: string, ids: string[]): Promise<StoredApproval[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('approvals')
    .select(approvalColumns)
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', ids)
    .execute();
  const assignments = await db
    .selectFrom('approval_assignments')
    .select(assignmentColumns)
    .where('workspace_id', '=', workspaceId)
    .where('approval_id', 'in', ids)
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row
      ? [
          toStored(
            row,
            assignments.filter((a) => a.approval_id === id),
          ),
        ]
      : [];
  });
}

function isAwaiting(state: Approval, a: Assignment): boolean {
  return (
    state.status === 'pending' &&
    a.stepIndex === state.currentStepIndex &&
    a.decision === null &&
    a.removedAt === null
  );
}

function assignmentValues(
  workspaceId: string,
  approvalId: string,
  state: Approval,
  a: Assignment,
  ordinal: number,
) {
  return {
    workspace_id: workspaceId,
    approval_id: approvalId,
    ordinal,
    step_index: a.stepIndex,
    person_type: a.person.type,
    person_id: a.person.id,
    decision: a.decision?.value ?? null,
    decision_comment: a.decision?.comment ?? null,
    decided_at: a.decision?.at ?? null,
    channel: a.decision?.channel ?? null,
    added_at: a.addedAt,
    removed_at: a.removedAt,
    last_reminder_at: a.lastReminderAt,
    reminder_count: a.reminderCount,
    awaiting: isAwaiting(state, a),
  };
}

function stateColumns(state: Approval) {
  return {
    status: state.status,
    display_status: displayStatus(state),
    current_step_index: state.currentStepIndex,
    steps: JSON.stringify(state.steps),
    step_states: JSON.stringify(state.stepStates),
    allow_appeals: state.allowAppeals,
    appeal_reviewers: JSON.stringify(state.appealReviewers),
    appeal: state.appeal ? JSON.stringify(state.appeal) : null,
    expires_at: state.expiresAt,
    completed_at: state.completedAt,
  };
}

export async function insertApproval(
  db: Db,
  workspaceId: string,
  meta: Omit<ApprovalMeta, 'createdAt' | 'updatedAt'>,
  state: Approval,
): Promise<void> {
  await db
    .insertInto('approvals')
    .values({
      workspace_id: workspaceId,
      id: meta.id,
      number: meta.number,
      ticket_id: meta.ticketId,
      template_id: meta.templateId,
      title: meta.title,
      description: meta.description,
      requested_by: state.requestedBy,
      on_behalf_of: meta.onBehalfOf ? JSON.stringify(meta.onBehalfOf) : null,
      form_data: meta.formData ? JSON.stringify(meta.formData) : null,
      ...stateColumns(state),
    })
    .execute();
  if (state.assignments.length > 0) {
    await db
      .insertInto('approval_assignments')
      .values(state.assignments.map((a, i) => assignmentValues(workspaceId, meta.id, state, a, i)))
      .execute();
  }
}

const sameDate = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);

function assignmentChanged(
  before: Assignment,
  after: Assignment,
  awaitingBefore: boolean,
  awaitingAfter: boolean,
) {
  return (
    awaitingBefore !== awaitingAfter ||
    before.decision?.value !== after.decision?.value ||
    before.decision?.comment !== after.decision?.comment ||
    !sameDate(before.removedAt, after.removedAt) ||
    !sameDate(before.lastReminderAt, after.lastReminderAt) ||
    before.reminderCount !== after.reminderCount
  );
}

/**
 * Writes what a transition changed. The core only appends assignments and
 * replaces them in place, so position in the array is the row's ordinal.
 */
export async function saveApproval(
  db: Db,
  workspaceId: string,
  id: string,
  before: Approval,
  after: Approval,
) {
  await db
    .updateTable('approvals')
    .set({ ...stateColumns(after), version: sql`version + 1`, updated_at: sql`now()` })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
  const inserts = after.assignments
    .slice(before.assignments.length)
    .map((a, i) => assignmentValues(workspaceId, id, after, a, before.assignments.length + i));
  if (inserts.length > 0) await db.insertInto('approval_assignments').values(inserts).execute();
  for (let i = 0; i < before.assignments.length; i++) {
    const b = before.assignments[i]!;
    const a = after.assignments[i]!;
    if (!assignmentChanged(b, a, isAwaiting(before, b), isAwaiting(after, a))) continue;
    const { workspace_id, approval_id, ordinal, ...values } = assignmentValues(workspaceId, id, after, a, i);
    await db
      .updateTable('approval_assignments')
      .set(values)
      .where('workspace_id', '=', workspace_id)
      .where('approval_id', '=', approval_id)
      .where('ordinal', '=', ordinal)
      .execute();
  }
}

/** A ticket shows the display status of its latest approval that was not canceled (SPEC §5). */
export async function refreshTicketApprovalStatus(
  db: Db,
  workspaceId: string,
  ticketId: string,
): Promise<void> {
  // Lock the ticket first: the UPDATE below then reads the approvals in a snapshot taken after any other
  // transaction refreshing this ticket (for another of its approvals) has committed. Without it, that
  // UPDATE waits on the row lock but computes from its older snapshot, and the later writer wins stale.
  // NO KEY UPDATE, like the UPDATE itself: it does not wait on the key-share locks that foreign keys
  // (activities, approvals) take on the ticket in concurrent transactions, which would deadlock.
  await sql`SELECT 1 FROM tickets WHERE workspace_id = ${workspaceId} AND id = ${ticketId} FOR NO KEY UPDATE`.execute(
    db,
  );
  await sql`
    UPDATE tickets SET approval_status = (
      SELECT display_status FROM approvals
      WHERE workspace_id = ${workspaceId} AND ticket_id = ${ticketId} AND status <> 'canceled'
      ORDER BY number DESC LIMIT 1
    )
    WHERE workspace_id = ${workspaceId} AND id = ${ticketId}`.execute(db);
}
