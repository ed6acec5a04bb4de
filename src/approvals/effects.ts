import { randomUUID } from 'node:crypto';
import type { OperationNodeSource } from 'kysely';
import type { Db } from '../shared/db/connect.js';
import { enqueue, type MailKind, type OutboxMessage, outboxInsert } from '../shared/outbox/index.js';
import { type ActivityInput, activitiesInsert, recordActivities } from '../tickets/activity.js';
import { contactHasTicketAccess } from '../tickets/repo.js';
import type { WorkspaceSettings } from '../workspaces/settings.js';
import { currentAssignments } from './core/assignments.js';
import { samePerson, uniquePeople } from './core/people.js';
import { isNamedOn } from './core/permissions.js';
import type { Approval, ApprovalEvent, Channel, PersonRef } from './core/types.js';
import type { ApprovalMeta, StoredApproval } from './repo.js';

export type EffectContext = {
  meta: Pick<ApprovalMeta, 'id' | 'ticketId' | 'onBehalfOf'>;
  /** The approval after the transition. */
  approval: Approval;
  actor: PersonRef | null;
  channel: Channel | null;
  contactApprovalEmails: boolean;
};

export type Effects = { activities: ActivityInput[]; outbox: OutboxMessage[] };

const ref = (p: PersonRef) => ({ type: p.type, id: p.id });

/**
 * Turns the core's events into the ticket's activity (SPEC rule 11) and the
 * emails of SPEC §4. Pure: the caller writes both in its transaction.
 */
export function effectsOf(events: ApprovalEvent[], ctx: EffectContext): Effects {
  const activities: ActivityInput[] = [];
  const outbox: OutboxMessage[] = [];
  const { meta, approval } = ctx;
  const requester: PersonRef = { type: 'member', id: approval.requestedBy };
  const base = { ticketId: meta.ticketId, approvalId: meta.id };

  const mail = (kind: MailKind, to: PersonRef[], payload: Record<string, unknown>, approverMail = false) => {
    const eventId = randomUUID();
    for (const recipient of uniquePeople(to)) {
      // Contacts get approval emails only when the workspace allows it; members always.
      if (approverMail && recipient.type === 'contact' && !ctx.contactApprovalEmails) continue;
      outbox.push({ eventId, kind, approvalId: meta.id, recipient, payload });
    }
  };
  const requesterSide = (): PersonRef[] => {
    const people: PersonRef[] = [requester];
    if (meta.onBehalfOf?.type === 'member') people.push(meta.onBehalfOf);
    return people;
  };
  const notActor = (people: PersonRef[]) =>
    people.filter((p) => !(ctx.actor && p.type === ctx.actor.type && p.id === ctx.actor.id));

  for (const event of events) {
    switch (event.type) {
      case 'requested':
        activities.push({ ...base, type: 'approval_requested', actor: ctx.actor, channel: ctx.channel });
        break;
      case 'step_started': {
        const step = approval.steps[event.stepIndex];
        activities.push({
          ...base,
          type: 'step_started',
          data: {
            stepIndex: event.stepIndex,
            stepName: step?.name,
            approvers: event.approvers.map(ref),
            ...(event.leftOut ? { leftOut: event.leftOut } : {}),
          },
        });
        mail('approval_requested', event.approvers, { stepIndex: event.stepIndex }, true);
        break;
      }
      case 'step_skipped':
        activities.push({ ...base, type: 'step_skipped', data: { stepIndex: event.stepIndex } });
        break;
      case 'step_has_no_approvers':
        activities.push({ ...base, type: 'step_has_no_approvers', data: { stepIndex: event.stepIndex } });
        // The requesting member is the one who can add people (SPEC §8.1).
        mail('step_has_no_approvers', [requester], { stepIndex: event.stepIndex });
        break;
      case 'approver_left_out':
        activities.push({
          ...base,
          type: 'approver_left_out',
          data: { stepIndex: event.stepIndex, person: ref(event.person), reason: event.reason },
        });
        break;
      case 'decision_recorded':
        activities.push({
          ...base,
          type: 'decision',
          actor: event.by,
          channel: event.channel,
          data: {
            stepIndex: event.stepIndex,
            decision: event.decision,
            comment: event.comment,
            ...(event.commentInternal ? { commentInternal: true } : {}),
          },
        });
        mail('decision_recorded', notActor([requester]), decisionPayload(event));
        break;
      case 'step_completed':
        activities.push({
          ...base,
          type: 'step_completed',
          data: { stepIndex: event.stepIndex, outcome: event.outcome },
        });
        break;
      case 'completed':
        activities.push({ ...base, type: 'completed', data: { status: event.status } });
        // After an appeal, the appeal_decided email already says how it ended.
        if (!events.some((e) => e.type === 'appeal_decided')) {
          // The decision that finished it travels with the completion email, which replaces the
          // decision email for the same person (`onePerRecipient`).
          const last = events.findLast((e) => e.type === 'decision_recorded');
          mail(
            event.status === 'approved' ? 'approval_approved' : 'approval_denied',
            requesterSide(),
            last?.type === 'decision_recorded' ? decisionPayload(last) : {},
          );
        }
        break;
      case 'recipients_edited':
        activities.push({
          ...base,
          type: 'recipients_edited',
          actor: ctx.actor,
          channel: ctx.channel,
          data: { stepIndex: event.stepIndex, added: event.added.map(ref), removed: event.removed.map(ref) },
        });
        // Only the people added hear about it (SPEC rule 7).
        mail('approval_requested', event.added, { stepIndex: event.stepIndex }, true);
        break;
      case 'reminder_sent':
        activities.push({
          ...base,
          type: 'reminder_sent',
          actor: ctx.actor,
          channel: ctx.channel,
          data: { stepIndex: event.stepIndex, to: event.to.map(ref) },
        });
        mail('approval_reminder', event.to, { stepIndex: event.stepIndex }, true);
        break;
      case 'canceled': {
        activities.push({
          ...base,
          type: 'canceled',
          actor: event.by,
          channel: ctx.channel,
          data: { reason: event.reason },
        });
        const asked = approval.assignments
          .filter(
            (a) => a.stepIndex === approval.currentStepIndex && a.removedAt === null && a.decision === null,
          )
          .map((a) => a.person);
        const reviewers = approval.appeal?.status === 'pending' ? approval.appeal.reviewers : [];
        mail(
          'approval_canceled',
          notActor([...asked, ...reviewers, ...requesterSide()]),
          { reason: event.reason, by: event.by ? ref(event.by) : null },
          true,
        );
        break;
      }
      case 'appeal_requested':
        activities.push({
          ...base,
          type: 'appeal_requested',
          actor: event.by,
          channel: ctx.channel,
          data: { reason: event.reason, reviewers: event.reviewers.map(ref) },
        });
        mail('appeal_requested', event.reviewers, {}, true);
        break;
      case 'appeal_decided':
        activities.push({
          ...base,
          type: 'appeal_decided',
          actor: event.by,
          channel: event.channel,
          data: { decision: event.decision, comment: event.comment },
        });
        mail(
          'appeal_decided',
          notActor([...requesterSide(), ...(approval.appeal ? [approval.appeal.requestedBy] : [])]),
          { decision: event.decision },
          true,
        );
        break;
      case 'expired':
        activities.push({ ...base, type: 'expired' });
        mail('approval_expired', requesterSide(), {});
        break;
      case 'needs_info_requested': {
        activities.push({
          ...base,
          type: 'needs_info_requested',
          actor: event.by,
          channel: ctx.channel,
          data: { question: event.question },
        });
        // The requester side of SPEC §8.6, the on-behalf-of contact included: they are the ones asked.
        const asked = meta.onBehalfOf ? [requester, meta.onBehalfOf] : [requester];
        mail('needs_info', notActor(asked), { by: ref(event.by), text: event.question }, true);
        break;
      }
      case 'info_provided':
        activities.push({
          ...base,
          type: 'info_provided',
          actor: event.by,
          channel: ctx.channel,
          data: { answer: event.answer },
        });
        mail('info_provided', notActor([event.askedBy]), { by: ref(event.by), text: event.answer }, true);
        break;
    }
  }
  return { activities, outbox: onePerRecipient(outbox) };
}

function decisionPayload(event: Extract<ApprovalEvent, { type: 'decision_recorded' }>) {
  return { stepIndex: event.stepIndex, by: ref(event.by), decision: event.decision };
}

/**
 * Which email a person keeps when one change would send them several (SPEC
 * §8.1, one event, one email per recipient): what asks them to act first,
 * then how the request ended, then the news of a decision.
 */
const MAIL_PRECEDENCE: MailKind[] = [
  'approval_requested',
  'appeal_requested',
  'approval_reminder',
  // Action needed from the requester side: never hidden behind a decision email of the same change.
  'step_has_no_approvers',
  'needs_info',
  'info_provided',
  'approval_approved',
  'approval_denied',
  'appeal_decided',
  'approval_expired',
  'approval_canceled',
  'decision_recorded',
  'comment_added',
];

/** One email per recipient for one change, the most important one (`MAIL_PRECEDENCE`). */
function onePerRecipient(outbox: OutboxMessage[]): OutboxMessage[] {
  const rank = (m: OutboxMessage) => {
    const i = MAIL_PRECEDENCE.indexOf(m.kind);
    return i < 0 ? MAIL_PRECEDENCE.length : i;
  };
  const kept = new Map<string, OutboxMessage>();
  for (const m of outbox) {
    const key = `${m.recipient.type}:${m.recipient.id}`;
    const previous = kept.get(key);
    if (!previous || rank(m) < rank(previous)) kept.set(key, m);
  }
  const winners = new Set(kept.values());
  return outbox.filter((m) => winners.has(m));
}

/**
 * Who hears of a new comment (SPEC §8.1): the requesting member, the
 * on-behalf-of person, every current approver who has not answered (the
 * appeal's reviewers while it is pending), and everyone who commented before,
 * never its author. An internal note reaches members only; contacts only with
 * `contactApprovalEmails` (and `enqueueCommentEmails` keeps those who may read the approval).
 */
export function commentRecipients(
  approval: Approval,
  onBehalfOf: PersonRef | null,
  author: PersonRef,
  previousCommenters: PersonRef[],
  options: { internal: boolean; contactApprovalEmails: boolean },
): PersonRef[] {
  // `needs_info` (SPEC §8.1) is unfinished like `pending`; compared as a string until the core has it.
  const stepIsOpen = approval.status === 'pending' || (approval.status as string) === 'needs_info';
  const waiting =
    approval.status === 'appeal_pending' && approval.appeal
      ? approval.appeal.reviewers
      : stepIsOpen
        ? currentAssignments(approval)
            .filter((a) => a.decision === null)
            .map((a) => a.person)
        : [];
  const decisionCommenters = approval.assignments
    .filter((a) => a.decision?.comment?.trim())
    .map((a) => a.person);
  return uniquePeople([
    { type: 'member', id: approval.requestedBy },
    ...(onBehalfOf ? [onBehalfOf] : []),
    ...waiting,
    ...previousCommenters,
    ...decisionCommenters,
  ]).filter(
    (p) =>
      !samePerson(p, author) && (p.type === 'member' || (!options.internal && options.contactApprovalEmails)),
  );
}

/**
 * Writes the `comment_added` emails of a comment just added to `stored`, in
 * the caller's transaction: every door a comment comes through (the API, an
 * email link) calls this with the approval and the comment's author.
 */
export async function enqueueCommentEmails(
  db: Db,
  workspaceId: string,
  stored: StoredApproval,
  author: PersonRef,
  comment: { id: string; internal: boolean },
  settings: Pick<WorkspaceSettings, 'contactApprovalEmails' | 'contactsCanViewApprovals'>,
): Promise<void> {
  const { meta, state } = stored;
  const previous = await db
    .selectFrom('approval_comments')
    .select(['author_type', 'author_id'])
    .distinct()
    .where('workspace_id', '=', workspaceId)
    .where('approval_id', '=', meta.id)
    .where('id', '<>', comment.id)
    .execute();
  const candidates = commentRecipients(
    state,
    meta.onBehalfOf,
    author,
    previous.map((r) => ({ type: r.author_type, id: r.author_id })),
    { internal: comment.internal, contactApprovalEmails: settings.contactApprovalEmails },
  );
  // A contact reads the approval when named on it, or with ticket access while contacts may view approvals.
  const recipients: PersonRef[] = [];
  for (const p of candidates) {
    const readable =
      p.type === 'member' ||
      isNamedOn(state, p) ||
      (settings.contactsCanViewApprovals &&
        (await contactHasTicketAccess(db, workspaceId, meta.ticketId, p.id)));
    if (readable) recipients.push(p);
  }
  const eventId = randomUUID();
  await enqueue(
    db,
    workspaceId,
    recipients.map((recipient) => ({
      eventId,
      kind: 'comment_added' as const,
      approvalId: meta.id,
      recipient,
      payload: { commentId: comment.id, by: ref(author) },
    })),
  );
}

/** Rows beyond which effects get statements of their own, to stay within PostgreSQL's 65,535 parameters. */
const ROWS_IN_ONE_STATEMENT = 1000;

/**
 * The statements that write `effects`, to run in one round trip with the
 * transition's others (`executeAsOne`); null when there are too many rows
 * for one statement: then `writeEffects`.
 */
export function effectStatements(
  db: Db,
  workspaceId: string,
  effects: Effects,
): OperationNodeSource[] | null {
  const { activities, outbox } = effects;
  if (activities.length + outbox.length > ROWS_IN_ONE_STATEMENT) return null;
  return [
    ...(activities.length > 0 ? [activitiesInsert(db, workspaceId, activities).returning('id')] : []),
    ...(outbox.length > 0 ? [outboxInsert(workspaceId, outbox)] : []),
  ];
}

/** Writes `effects` in statements of their own, as many as their size needs. */
export async function writeEffects(db: Db, workspaceId: string, effects: Effects): Promise<void> {
  await recordActivities(db, workspaceId, effects.activities);
  await enqueue(db, workspaceId, effects.outbox);
}
