import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Activity, Approval } from '../../api/types.js';
import { ActivityTimeline } from '../../components/approval/ActivityTimeline.js';

const SHORT_LIST = 8;

type T = (key: string, options?: Record<string, unknown>) => string;

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function num(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}

/** One line of activity in the reader's language; never any id or address. */
function describe(a: Activity, approvals: Map<string, Approval>, t: T): string {
  const actor = a.actor?.name ?? t('activity.someone');
  const approval = a.approvalId ? approvals.get(a.approvalId) : undefined;
  const approvalName = approval
    ? t('activity.approvalName', { number: approval.number, title: approval.title })
    : t('activity.anApproval');
  const stepIndex = num(a.data.stepIndex);
  const stepName =
    str(a.data.stepName) ??
    (stepIndex !== null && approval ? (approval.steps[stepIndex]?.name ?? null) : null) ??
    t('activity.aStep');
  switch (a.type) {
    case 'ticket_created':
      return t('activity.ticket_created', { actor });
    case 'ticket_updated': {
      const status = str(a.data.status);
      if (status)
        return t('activity.statusChanged', { actor, status: t(`ticketStatus.${status}`, { ns: 'common' }) });
      return t('activity.ticket_updated', { actor });
    }
    case 'message_added':
      return t('activity.message_added', { actor });
    case 'approval_requested':
      return t('activity.approval_requested', { actor, approval: approvalName });
    case 'step_started':
      return t('activity.step_started', { step: stepName, approval: approvalName });
    case 'step_skipped':
      return t('activity.step_skipped', { step: stepName, approval: approvalName });
    case 'step_has_no_approvers':
      return t('activity.step_has_no_approvers', { step: stepName, approval: approvalName });
    case 'approver_left_out':
      return t('activity.approver_left_out', { step: stepName, approval: approvalName });
    case 'decision':
      return t(a.data.decision === 'deny' ? 'activity.denied' : 'activity.approved', {
        actor,
        approval: approvalName,
      });
    case 'step_completed':
      return t(a.data.outcome === 'denied' ? 'activity.stepDenied' : 'activity.stepApproved', {
        step: stepName,
      });
    case 'comment':
      return t('activity.comment', { actor, approval: approvalName });
    case 'recipients_edited':
      return t('activity.recipients_edited', { actor, approval: approvalName });
    case 'reminder_sent':
      return t('activity.reminder_sent', { approval: approvalName });
    case 'canceled':
      return a.actor
        ? t('activity.canceled', { actor, approval: approvalName })
        : t('activity.canceledNoRecipients', { approval: approvalName });
    case 'appeal_requested':
      return t('activity.appeal_requested', { actor, approval: approvalName });
    case 'appeal_decided':
      return t(a.data.decision === 'deny' ? 'activity.appealDenied' : 'activity.appealApproved', {
        actor,
        approval: approvalName,
      });
    case 'completed':
      return t(a.data.status === 'denied' ? 'activity.completedDenied' : 'activity.completedApproved', {
        approval: approvalName,
      });
    case 'expired':
      return t('activity.expired', { approval: approvalName });
    case 'needs_info_requested':
      return t('activity.needs_info_requested', { actor, approval: approvalName });
    case 'info_provided':
      return t('activity.info_provided', { actor, approval: approvalName });
    default:
      return t('activity.other');
  }
}

/** The ticket's public activity, newest first: the last few, then all on request. */
export function ActivityList({ items, approvals }: { items: Activity[]; approvals: Approval[] }) {
  const { t } = useTranslation('portal');
  const [all, setAll] = useState(false);
  const byId = new Map(approvals.map((a) => [a.id, a]));
  const newestFirst = [...items].reverse();
  const shown = all ? newestFirst : newestFirst.slice(0, SHORT_LIST);
  if (items.length === 0) return <p className="empty">{t('activity.empty')}</p>;
  return (
    <>
      <ActivityTimeline
        label={t('activity.listLabel')}
        entries={shown.map((a) => ({
          id: a.id,
          createdAt: a.createdAt,
          text: (
            <>
              {describe(a, byId, t)}
              {a.channel && a.type === 'decision' ? (
                <span className="muted small"> · {t(`channel.${a.channel}`)}</span>
              ) : null}
            </>
          ),
        }))}
      />
      {newestFirst.length > SHORT_LIST ? (
        <p>
          <button type="button" className="link-button" aria-expanded={all} onClick={() => setAll((v) => !v)}>
            {all ? t('activity.showFewer') : t('activity.showAll', { total: newestFirst.length })}
          </button>
        </p>
      ) : null}
    </>
  );
}
