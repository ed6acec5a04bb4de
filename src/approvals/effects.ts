import { randomUUID } from 'node:crypto';
import type { OperationNodeSource } from 'kysely';
import { enqueue, type MailKind, type OutboxMessage, outboxRow } from '../mail/outbox.js';
import type { Db } from '../shared/db/connect.js';
import { type ActivityInput, activitiesInsert, recordActivities } from '../tickets/activity.js';
import { uniquePeople } from './core/people.js';
import type { Approval, ApprovalEvent, Channel, PersonRef } from './core/types.js';
import type { ApprovalMeta } from './repo.js';

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
      case 'decision_recorded':
        activities.push({
          ...base,
          type: 'decision',
          actor: event.by,
          channel: event.channel,
          data: { stepIndex: event.stepIndex, decision: event.decision, comment: event.comment },
        });
        mail('decision_recorded', notActor([requester]), {
          stepIndex: event.stepIndex,
          by: ref(event.by),
          decision: event.decision,
        });
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
          mail(event.status === 'approved' ? 'approval_approved' : 'approval_denied', requesterSide(), {});
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
    }
  }
  return { activities, outbox };
}

/**
 * The INSERT of outbox rows exactly as `enqueue` (src/mail/outbox.ts) writes
 * them, for `executeAsOne`; test/api/outbox-insert.test.ts keeps the two in step.
 */
export function outboxInsert(db: Db, workspaceId: string, messages: OutboxMessage[]) {
  return db
    .insertInto('outbox')
    .values(
      messages.map((m) => ({
        workspace_id: workspaceId,
        ...outboxRow(m),
        payload: JSON.stringify(m.payload),
      })),
    )
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'event_id', 'recipient_type', 'recipient_id']).doNothing(),
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
    ...(outbox.length > 0 ? [outboxInsert(db, workspaceId, outbox).returning('id')] : []),
  ];
}

/** Writes `effects` in statements of their own, as many as their size needs. */
export async function writeEffects(db: Db, workspaceId: string, effects: Effects): Promise<void> {
  await recordActivities(db, workspaceId, effects.activities);
  await enqueue(db, workspaceId, effects.outbox);
}
