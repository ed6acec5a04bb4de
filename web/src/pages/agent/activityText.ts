import type { TFunction } from 'i18next';
import type { Activity, Approval, ApproverRef, Channel } from '../../api/types.js';
import { channelText, joinNames } from '../../components/approval/words.js';

export type ActivityContext = {
  t: TFunction;
  locale: string;
  /** The approval an entry belongs to, when we could load it. */
  approval: (id: string | null) => Approval | undefined;
  /** A step's name as recorded when it started (from the `step_started` entries). */
  stepName: (approvalId: string | null, index: number) => string | undefined;
  /** A person's (or group's) name. */
  nameOf: (ref: ApproverRef) => string;
};

/** A sentence for the timeline ("Ada approved step “Finance” via email link"), and any quoted text. */
export type ActivityLine = { text: string; quote: string | null; tone: 'good' | 'bad' | null };

const GOOD = ['approve', 'approved'];
const BAD = ['deny', 'denied', 'expired', 'canceled'];

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

function refs(v: unknown): ApproverRef[] {
  if (!Array.isArray(v)) return [];
  return v.filter(
    (r): r is ApproverRef =>
      typeof r === 'object' && r !== null && typeof (r as { type?: unknown }).type === 'string',
  );
}

export function describeActivity(entry: Activity, ctx: ActivityContext): ActivityLine {
  const { t, locale } = ctx;
  const d = entry.data;
  const actor = entry.actor?.name ?? (entry.actor ? t('people.unknown') : t('activity.system'));
  const approval = ctx.approval(entry.approvalId);
  const label = approval
    ? t('activity.approvalLabel', { number: approval.number, title: approval.title })
    : t('activity.anApproval');
  const stepIndex = num(d.stepIndex);
  const step =
    str(d.stepName) ??
    (stepIndex !== null ? approval?.steps[stepIndex]?.name : undefined) ??
    (stepIndex !== null ? ctx.stepName(entry.approvalId, stepIndex) : undefined) ??
    (stepIndex !== null ? t('activity.stepNumber', { n: stepIndex + 1 }) : '');
  const names = (v: unknown) => joinNames(refs(v).map(ctx.nameOf), locale);
  const via = channelText(entry.channel as Channel | null, t);
  // Decisions and outcomes are coloured in the timeline (also said in words).
  const outcome = str(d.decision) ?? str(d.outcome) ?? str(d.status) ?? entry.type;
  const toned = ['decision', 'step_completed', 'completed', 'appeal_decided', 'canceled', 'expired'];
  const tone = !toned.includes(entry.type)
    ? null
    : GOOD.includes(outcome)
      ? 'good'
      : BAD.includes(outcome)
        ? 'bad'
        : null;
  const line = (
    key: string,
    values: Record<string, unknown> = {},
    quote: string | null = null,
  ): ActivityLine => ({
    tone,
    text: t(key, { actor, approval: label, step, via, ...values })
      .replace(/ {2,}/g, ' ')
      .trim(),
    quote,
  });

  switch (entry.type) {
    case 'ticket_created':
      return line('activity.ticketCreated');
    case 'ticket_updated': {
      const parts: string[] = [];
      if (str(d.status))
        parts.push(t('activity.statusChanged', { actor, status: t(`common:ticketStatus.${d.status}`) }));
      if (str(d.subject)) parts.push(t('activity.renamed', { actor, subject: d.subject }));
      if ('assigneeId' in d) {
        const id = str(d.assigneeId);
        parts.push(
          id
            ? t('activity.assigned', { actor, name: ctx.nameOf({ type: 'member', id }) })
            : t('activity.unassigned', { actor }),
        );
      }
      return { text: parts.join(' ') || t('activity.updated', { actor }), quote: null, tone: null };
    }
    case 'message_added':
      return line(d.public === false ? 'activity.noteAdded' : 'activity.replied');
    case 'approval_requested':
      return line('activity.approvalRequested');
    case 'step_started':
      return line('activity.stepStarted', { names: names(d.approvers) });
    case 'step_skipped':
      return line('activity.stepSkipped');
    case 'step_has_no_approvers':
      return line('activity.stepHasNoApprovers');
    case 'approver_left_out':
      return line('activity.approverLeftOut', { names: names([d.person]) });
    case 'decision':
      return line(
        d.decision === 'deny' ? 'activity.stepDenied' : 'activity.stepApproved',
        {},
        str(d.comment),
      );
    case 'step_completed':
      return line(d.outcome === 'denied' ? 'activity.stepCompletedDenied' : 'activity.stepCompletedApproved');
    case 'comment': {
      const commentId = str(d.commentId);
      const internal = approval?.comments.find((c) => c.id === commentId)?.internal ?? false;
      return line(internal ? 'activity.internalComment' : 'activity.comment', {}, str(d.body));
    }
    case 'recipients_edited': {
      const added = names(d.added);
      const removed = names(d.removed);
      const key =
        added && removed
          ? 'activity.recipientsAddedRemoved'
          : removed
            ? 'activity.recipientsRemoved'
            : 'activity.recipientsAdded';
      return line(key, { added, removed });
    }
    case 'reminder_sent':
      return line(entry.actor ? 'activity.reminderSent' : 'activity.autoReminderSent', {
        names: names(d.to),
      });
    case 'canceled':
      if (d.reason === 'no_recipients') return line('activity.canceledNoRecipients');
      return line(entry.actor ? 'activity.canceled' : 'activity.canceledBySystem');
    case 'appeal_requested':
      return line('activity.appealRequested', { names: names(d.reviewers) }, str(d.reason));
    case 'appeal_decided':
      return line(
        d.decision === 'deny' ? 'activity.appealDenied' : 'activity.appealApproved',
        {},
        str(d.comment),
      );
    case 'completed':
      return line(d.status === 'denied' ? 'activity.completedDenied' : 'activity.completedApproved');
    case 'expired':
      return line('activity.expired');
    case 'needs_info_requested':
      return line('activity.needsInfoRequested', {}, str(d.question));
    case 'info_provided':
      return line('activity.infoProvided', {}, str(d.answer));
    default:
      return line('activity.other', { type: entry.type });
  }
}
