import { type OperationNodeSource, sql } from 'kysely';
import { isUuid } from '../auth/tokens.js';
import { type Db, executeAsOne } from '../shared/db/connect.js';
import { notFound } from '../shared/errors.js';
import { displayStatus, isOpenForDecisions } from './core/index.js';
import type {
  Appeal,
  Approval,
  ApprovalStatus,
  ApproverRef,
  Assignment,
  Channel,
  InfoRequest,
  PersonRef,
  StepDefinition,
  StepState,
  TemplateSwitches,
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
  'switches',
  'info_request',
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
  'decision_comment_internal',
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
  decision_comment_internal: boolean;
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
            ...(r.decision_comment_internal ? { commentInternal: true } : {}),
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

function readInfoRequest(raw: unknown): InfoRequest | null {
  if (!raw) return null;
  const r = raw as Omit<InfoRequest, 'askedAt' | 'endedAt'> & { askedAt: string; endedAt: string | null };
  return { askedBy: r.askedBy, askedAt: date(r.askedAt), endedAt: dateOrNull(r.endedAt) };
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
  switches: unknown;
  info_request: unknown;
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
      ...(row.switches ? { switches: row.switches as TemplateSwitches } : {}),
      // Like startApproval: present only when the request was made on someone's behalf.
      ...(row.on_behalf_of ? { onBehalfOf: row.on_behalf_of as PersonRef } : {}),
      // Absent until someone asks, as the core makes it.
      ...(row.info_request ? { infoRequest: readInfoRequest(row.info_request) } : {}),
    },
  };
}

/** A comment of an approval as stored; `created_at` is read back into a Date. */
export type CommentRow = {
  id: string;
  author_type: 'member' | 'contact';
  author_id: string;
  body: string;
  internal: boolean;
  created_at: Date;
};

/** What `fetchApproval` may load in the same statement as the approval. */
export type LoadOptions = {
  /** Takes the row lock that serialises every change to this approval (SPEC rule 13). */
  lock?: boolean;
  /** The workspace's stored settings (raw JSON, for `readSettings`). */
  settings?: boolean;
  /** Its comments (at most 1,000, oldest first), without internal ones for `public`. */
  comments?: 'all' | 'public';
};

export type LoadedApproval = { stored: StoredApproval; settings: unknown; comments: CommentRow[] | null };

type LoadedRow = ApprovalRow & {
  version: number;
  seen_version: number | null;
  assignments: AssignmentRow[];
  settings?: unknown;
  comments?: (Omit<CommentRow, 'created_at'> & { seq: number; created_at: string })[];
};

/**
 * The approval and its assignments (and, as asked, the workspace settings
 * and the comments) in one statement: one round trip.
 *
 * With `lock`, the statement waits for the approval's row lock; under READ
 * COMMITTED it then returns the newest version of the approval row, but its
 * subqueries still read the snapshot taken before the wait, so they may miss
 * what the transaction that held the lock wrote. `seen_version` is the
 * version in that snapshot: every change to an approval or its assignments
 * bumps `version` in the same transaction (`saveApproval`), so when it equals
 * the locked row's version nothing was committed in between and the
 * snapshot is current. Otherwise the statement runs once more; holding the
 * lock now, it reads a fresh snapshot that nobody can change.
 */
function loadStatement(workspaceId: string, id: string, options: LoadOptions) {
  const assignments = sql`(
    SELECT coalesce(json_agg(x ORDER BY x.ordinal), '[]')
    FROM (
      SELECT ${sql.join(assignmentColumns.map((c) => sql.ref(`x.${c}`)))}
      FROM approval_assignments x
      WHERE x.workspace_id = a.workspace_id AND x.approval_id = a.id
    ) x
  ) AS assignments`;
  const seenVersion = options.lock
    ? sql`, (SELECT v.version FROM approvals v WHERE v.workspace_id = a.workspace_id AND v.id = a.id) AS seen_version`
    : sql``;
  const settings = options.settings
    ? sql`, (SELECT w.settings FROM workspaces w WHERE w.id = a.workspace_id) AS settings`
    : sql``;
  const comments = options.comments
    ? sql`, (
        SELECT coalesce(json_agg(c ORDER BY c.seq), '[]')
        FROM (
          SELECT c.id, c.seq, c.author_type, c.author_id, c.body, c.internal, c.created_at
          FROM approval_comments c
          WHERE c.workspace_id = a.workspace_id AND c.approval_id = a.id
            ${options.comments === 'public' ? sql`AND NOT c.internal` : sql``}
          ORDER BY c.seq
          LIMIT 1000
        ) c
      ) AS comments`
    : sql``;
  return sql<LoadedRow>`
    SELECT ${sql.join(approvalColumns.map((c) => sql.ref(`a.${c}`)))}, a.version, ${assignments}
      ${seenVersion} ${settings} ${comments}
    FROM approvals a
    WHERE a.workspace_id = ${workspaceId} AND a.id = ${id}
    ${options.lock ? sql`FOR UPDATE OF a` : sql``}`;
}

/** One approval with what `options` asks for, or null when there is none with this id. */
export async function fetchApproval(
  db: Db,
  workspaceId: string,
  id: string,
  options: LoadOptions = {},
): Promise<LoadedApproval | null> {
  if (!isUuid(id)) return null;
  const statement = loadStatement(workspaceId, id, options);
  let row = (await statement.execute(db)).rows[0];
  if (row && options.lock && row.seen_version !== row.version) row = (await statement.execute(db)).rows[0];
  if (!row) return null;
  const { assignments, settings, comments, version: _v, seen_version: _s, ...approval } = row;
  return {
    stored: toStored(approval, assignments),
    settings: settings ?? null,
    comments: comments
      ? comments.map(({ seq: _seq, ...c }) => ({ ...c, created_at: date(c.created_at) }))
      : null,
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
  const loaded = await fetchApproval(db, workspaceId, id, { lock });
  if (!loaded) throw notFound('Approval');
  return loaded.stored;
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

/** Listed in the approver's tasks (SPEC rule 12), also while the approval waits for information. */
function isAwaiting(state: Approval, a: Assignment): boolean {
  return (
    isOpenForDecisions(state.status) &&
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
    decision_comment_internal: a.decision?.commentInternal === true,
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
    info_request: state.infoRequest ? JSON.stringify(state.infoRequest) : null,
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
      switches: state.switches ? JSON.stringify(state.switches) : null,
      ...stateColumns(state),
    })
    .execute();
  if (state.assignments.length > 0) {
    // The rows travel as one JSON parameter, like `approvalWrites`: a VALUES list of 15 parameters a row
    // overflows the wire protocol's 65,535 parameters past 4,369 people (issue 10 item 2).
    const rows = state.assignments.map((a, i) => {
      const { workspace_id, approval_id, ...values } = assignmentValues(workspaceId, meta.id, state, a, i);
      return values;
    });
    await insertAssignments(workspaceId, meta.id, rows).execute(db);
  }
}

/** INSERT of new assignment rows (`assignmentValues` without the two keys), whatever their number. */
function insertAssignments(workspaceId: string, approvalId: string, rows: object[]) {
  return sql`
    INSERT INTO approval_assignments (workspace_id, approval_id, ordinal, step_index, person_type, person_id,
      decision, decision_comment, decision_comment_internal, decided_at, channel, added_at, removed_at,
      last_reminder_at, reminder_count, awaiting)
    SELECT ${workspaceId}::uuid, ${approvalId}::uuid, v.ordinal, v.step_index, v.person_type, v.person_id,
      v.decision, v.decision_comment, v.decision_comment_internal, v.decided_at, v.channel, v.added_at,
      v.removed_at, v.last_reminder_at, v.reminder_count, v.awaiting
    FROM json_to_recordset(${JSON.stringify(rows)}::json) AS v(${assignmentRecord})
    RETURNING ordinal`;
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
    before.decision?.commentInternal !== after.decision?.commentInternal ||
    !sameDate(before.removedAt, after.removedAt) ||
    !sameDate(before.lastReminderAt, after.lastReminderAt) ||
    before.reminderCount !== after.reminderCount
  );
}

/** The columns of `assignmentValues` after the two keys, as `json_to_recordset` reads them. */
const assignmentRecord =
  sql.raw(`ordinal int, step_index int, person_type text, person_id uuid, decision text,
  decision_comment text, decision_comment_internal boolean, decided_at timestamptz, channel text, added_at timestamptz, removed_at timestamptz,
  last_reminder_at timestamptz, reminder_count int, awaiting boolean`);

/**
 * The statements that write what a transition changed: the approval row
 * (whose `version` goes up, see `loadStatement`), then its changed and new
 * assignments, each set in one statement whatever its size (the rows travel
 * as one JSON parameter). The core only appends assignments and replaces
 * them in place, so position in the array is the row's ordinal. They touch
 * different rows, so `executeAsOne` may run them together.
 */
export function approvalWrites(
  db: Db,
  workspaceId: string,
  id: string,
  before: Approval,
  after: Approval,
): OperationNodeSource[] {
  const statements: OperationNodeSource[] = [
    db
      .updateTable('approvals')
      .set({ ...stateColumns(after), version: sql`version + 1`, updated_at: sql`now()` })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .returning('id'),
  ];
  const rows = (from: number, to: number) =>
    after.assignments.slice(from, to).map((a, i) => {
      const { workspace_id, approval_id, ...values } = assignmentValues(workspaceId, id, after, a, from + i);
      return values;
    });
  const changed = rows(0, before.assignments.length).filter((row) => {
    const i = row.ordinal;
    const b = before.assignments[i]!;
    const a = after.assignments[i]!;
    return assignmentChanged(b, a, isAwaiting(before, b), isAwaiting(after, a));
  });
  if (changed.length > 0) {
    statements.push(sql`
      UPDATE approval_assignments x
      SET step_index = v.step_index, person_type = v.person_type, person_id = v.person_id,
        decision = v.decision, decision_comment = v.decision_comment,
        decision_comment_internal = v.decision_comment_internal, decided_at = v.decided_at,
        channel = v.channel, added_at = v.added_at, removed_at = v.removed_at,
        last_reminder_at = v.last_reminder_at, reminder_count = v.reminder_count, awaiting = v.awaiting
      FROM json_to_recordset(${JSON.stringify(changed)}::json) AS v(${assignmentRecord})
      WHERE x.workspace_id = ${workspaceId} AND x.approval_id = ${id} AND x.ordinal = v.ordinal
      RETURNING x.ordinal`);
  }
  const revoked = revokeLinksOfRemoved(workspaceId, id, before, after);
  if (revoked) statements.push(revoked);
  const added = rows(before.assignments.length, after.assignments.length);
  if (added.length > 0) statements.push(insertAssignments(workspaceId, id, added));
  return statements;
}

/**
 * Rule 7: the links of people this transition removed from a step stop
 * working, for good: re-added, they are asked on a fresh assignment and
 * get fresh links, while the old ones stay revoked (SPEC §8.1 reason
 * `removed`). Null when nobody was removed.
 */
function revokeLinksOfRemoved(workspaceId: string, id: string, before: Approval, after: Approval) {
  const removed = before.assignments.flatMap((b, i) =>
    b.removedAt === null && after.assignments[i]!.removedAt !== null
      ? [{ step_index: b.stepIndex, person_type: b.person.type, person_id: b.person.id }]
      : [],
  );
  if (removed.length === 0) return null;
  return sql`
    UPDATE approval_links l SET revoked_at = now()
    FROM json_to_recordset(${JSON.stringify(removed)}::json) AS v(step_index int, person_type text, person_id uuid)
    WHERE l.workspace_id = ${workspaceId} AND l.approval_id = ${id} AND l.step_index = v.step_index
      AND l.person_type = v.person_type AND l.person_id = v.person_id AND l.revoked_at IS NULL
    RETURNING l.token_hash`;
}

/** Writes what a transition changed, in one statement. */
export async function saveApproval(
  db: Db,
  workspaceId: string,
  id: string,
  before: Approval,
  after: Approval,
): Promise<void> {
  await executeAsOne(db, approvalWrites(db, workspaceId, id, before, after));
}

/**
 * The ticket's row lock that must be held before `refreshTicketApprovalStatus`
 * recomputes its status, taken in an earlier statement of the transaction:
 * see there.
 */
export function lockTicketForRefresh(workspaceId: string, ticketId: string) {
  return sql`SELECT 1 FROM tickets WHERE workspace_id = ${workspaceId} AND id = ${ticketId} FOR NO KEY UPDATE`;
}

/**
 * A ticket's approval status and counts (SPEC §8.1): over its approvals but
 * the canceled ones, the most urgent unfinished one, else the one that
 * finished last. The rule is the SQL function `ticket_approval_summary`
 * (migration 008), shared with the reliability audit. `locked`: the
 * transaction already holds the ticket's row lock, taken in an earlier
 * statement (`lockTicketForRefresh`, or `findTicket(…, true)`).
 */
export async function refreshTicketApprovalStatus(
  db: Db,
  workspaceId: string,
  ticketId: string,
  options: { locked?: boolean } = {},
): Promise<void> {
  // Lock the ticket first: the UPDATE below then reads the approvals in a snapshot taken after any other
  // transaction refreshing this ticket (for another of its approvals) has committed. Without it, that
  // UPDATE waits on the row lock but computes from its older snapshot, and the later writer wins stale.
  // So the lock must be taken in an earlier statement than the UPDATE (under READ COMMITTED each statement
  // takes its own snapshot when it starts), never in the UPDATE itself.
  // NO KEY UPDATE, like the UPDATE itself: it does not wait on the key-share locks that foreign keys
  // (activities, approvals) take on the ticket in concurrent transactions, which would deadlock.
  if (!options.locked) await lockTicketForRefresh(workspaceId, ticketId).execute(db);
  await sql`
    UPDATE tickets SET (approval_status, approvals_unfinished, approvals_total) = (
      SELECT s.approval_status, s.approvals_unfinished, s.approvals_total
      FROM ticket_approval_summary(${workspaceId}, ${ticketId}) s
    )
    WHERE workspace_id = ${workspaceId} AND id = ${ticketId}`.execute(db);
}
