import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type {
  Activity,
  ActivityPage,
  Approval,
  ApprovalPage,
  ApproverRef,
  Directory,
} from '../../api/types.js';
import { get } from '../../api.js';
import { ActivityTimeline } from '../../components/approval/ActivityTimeline.js';
import { loadAll, refName } from '../../components/approval/directory.js';
import { ActionError, useAction } from '../../components/approval/feedback.js';
import { ErrorMessage, Loading, useAsync } from '../../components/common.js';
import { describeActivity } from './activityText.js';

/** The activity loaded so far, and the approvals its entries name. */
type Loaded = ActivityPage & { approvals: Map<string, Approval> };

/** Fetches the approvals named by `entries` that are not in `known` (canceled ones are not on the ticket). */
async function withApprovals(
  entries: Activity[],
  known: Map<string, Approval>,
): Promise<Map<string, Approval>> {
  const map = new Map(known);
  const missing = [...new Set(entries.flatMap((e) => (e.approvalId ? [e.approvalId] : [])))].filter(
    (id) => !map.has(id),
  );
  const found = await Promise.all(missing.map((id) => get<Approval>(`/approvals/${id}`).catch(() => null)));
  for (const a of found) if (a) map.set(a.id, a);
  return map;
}

/** The ticket's activity log (SPEC rule 11) as a timeline in the reader's language, oldest first. */
export function ActivityTab({
  ticketId,
  directory,
  approvalsEnabled,
  refreshKey,
}: {
  ticketId: string;
  directory: Directory | null;
  approvalsEnabled: boolean;
  refreshKey: number;
}) {
  const { t, i18n } = useTranslation('agent');
  const more = useAction();
  const [busyMore, setBusyMore] = useState(false);
  const log = useAsync<Loaded>(async () => {
    const page = await get<ActivityPage>(`/tickets/${ticketId}/activity?limit=200`);
    let approvals = new Map<string, Approval>();
    if (approvalsEnabled) {
      const onTicket = await loadAll<ApprovalPage>(`/tickets/${ticketId}/approvals`).catch(() => []);
      approvals = await withApprovals(page.items, new Map(onTicket.map((a) => [a.id, a])));
    }
    return { ...page, approvals };
  }, `${ticketId}:${refreshKey}:${approvalsEnabled}`);

  async function loadMore() {
    const current = log.data;
    if (!current?.nextCursor) return;
    setBusyMore(true);
    const next = await more.run(async () => {
      const page = await get<ActivityPage>(
        `/tickets/${ticketId}/activity?limit=200&cursor=${encodeURIComponent(current.nextCursor ?? '')}`,
      );
      const approvals = approvalsEnabled
        ? await withApprovals(page.items, current.approvals)
        : current.approvals;
      return { items: [...current.items, ...page.items], nextCursor: page.nextCursor, approvals };
    });
    setBusyMore(false);
    if (next) log.setData(next);
  }

  if (!log.data) return log.error ? <ErrorMessage error={log.error} onRetry={log.reload} /> : <Loading />;
  const { items, approvals } = log.data;

  const nameOf = (ref: ApproverRef): string => {
    if (ref.type === 'member' || ref.type === 'contact') {
      for (const a of approvals.values())
        for (const s of a.steps)
          for (const p of s.approvers) if (p.type === ref.type && p.id === ref.id && p.name) return p.name;
    }
    return refName(ref, directory, t);
  };
  const stepNames = new Map<string, string>();
  for (const e of items) {
    const name = e.data.stepName;
    if (e.type === 'step_started' && typeof name === 'string')
      stepNames.set(`${e.approvalId}:${e.data.stepIndex}`, name);
  }
  const ctx = {
    stepName: (approvalId: string | null, index: number) => stepNames.get(`${approvalId}:${index}`),
    t,
    locale: i18n.language,
    approval: (id: string | null) => (id ? approvals.get(id) : undefined),
    nameOf,
  };

  if (items.length === 0) return <p className="muted">{t('activity.empty')}</p>;
  return (
    <div className="stack">
      <ActivityTimeline
        label={t('activity.label')}
        entries={items.map((entry) => {
          const { text, quote, tone } = describeActivity(entry, ctx);
          const approval = entry.approvalId ? approvals.get(entry.approvalId) : undefined;
          return {
            id: entry.id,
            createdAt: entry.createdAt,
            text,
            quote,
            tone,
            extra:
              approval && approval.status !== 'canceled' && approvalsEnabled ? (
                <Link to={`/tickets/${ticketId}?approval=${approval.id}`} className="ag-small-link">
                  {t('activity.viewApproval', { number: approval.number })}
                </Link>
              ) : null,
          };
        })}
      />
      <ActionError error={more.error} />
      {log.data.nextCursor ? (
        <button type="button" onClick={loadMore} disabled={busyMore}>
          {t('activity.loadMore')}
        </button>
      ) : null}
    </div>
  );
}
