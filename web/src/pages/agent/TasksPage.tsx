import { Fragment, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Approval, ApprovalTask, ApprovalTasks } from '../../api/types.js';
import { get } from '../../api.js';
import { DecisionForm } from '../../components/approval/DecisionForm.js';
import { ActionDone } from '../../components/approval/feedback.js';
import { InfoForm } from '../../components/approval/InfoForm.js';
import { EmptyState, ErrorMessage, Loading, Page, StatusBadge, useAsync } from '../../components/common.js';
import { formatDate, formatNumber } from '../../i18n.js';
import { useSession } from '../../session.js';
import { CellLabel } from './CellLabel.js';
import { RelativeTime } from './RelativeTime.js';
import { useShortcuts } from './shortcuts.js';
import '../../components/approval/approval.css';
import './agent.css';

/** At most this many approvals awaiting me are read in full (for "waiting since" and the inline answer). */
const DETAILS_MAX = 50;

/**
 * Since when an approval waits for me: the start of its current step (an appeal: its request), else,
 * before the details are read, when it was requested.
 */
function waitingSince(task: ApprovalTask, approval: Approval | undefined): string {
  if (!approval) return task.createdAt;
  if (approval.status === 'appeal_pending' && approval.appeal?.requestedAt)
    return approval.appeal.requestedAt;
  return approval.steps[approval.currentStepIndex]?.startedAt ?? task.createdAt;
}

/** Where a task's title leads: the ticket, opened on this approval. */
const taskLink = (task: ApprovalTask) => `/tickets/${task.ticketId}?approval=${task.id}`;

/**
 * `/tasks`: "Your tasks > Approval requests" — what awaits my answer, and what I asked for (rule 12). Titles
 * link to the request on its ticket; the ones awaiting me say since when and can be answered in place with
 * the same decision form as the ticket's Approvals tab (issue 15).
 */
export function TasksPage() {
  const { t } = useTranslation('agent');
  const { settings } = useSession();
  const enabled = settings?.approvalsEnabled ?? false;
  const tasks = useAsync(
    () => (enabled ? get<ApprovalTasks>('/me/approval-tasks?limit=200') : Promise.resolve(null)),
    `tasks:${enabled}`,
  );
  const awaitingIds = (tasks.data?.awaitingMe ?? []).slice(0, DETAILS_MAX).map((task) => task.id);
  const details = useAsync(
    () => Promise.all(awaitingIds.map((id) => get<Approval>(`/approvals/${id}`).catch(() => null))),
    `details:${awaitingIds.join(',')}`,
  );
  const sheet = useShortcuts({});
  const approvals = new Map<string, Approval>();
  for (const a of details.data ?? []) if (a) approvals.set(a.id, a);

  return (
    <Page title={t('tasks.title')}>
      {sheet}
      {!enabled ? (
        <p className="muted">{t('tasks.disabled')}</p>
      ) : tasks.data ? (
        <>
          <TaskList
            title={t('tasks.awaitingMe')}
            empty={t('tasks.awaitingEmpty')}
            tasks={tasks.data.awaitingMe}
            approvals={approvals}
            onChanged={tasks.reload}
          />
          <TaskList
            title={t('tasks.requestedByMe')}
            empty={t('tasks.requestedEmpty')}
            tasks={tasks.data.requestedByMe}
          />
        </>
      ) : tasks.error ? (
        <ErrorMessage error={tasks.error} onRetry={tasks.reload} />
      ) : (
        <Loading />
      )}
    </Page>
  );
}

type Open = { id: string; kind: 'answer' | 'ask' } | null;

function TaskList({
  title,
  empty,
  tasks,
  approvals,
  onChanged,
}: {
  title: string;
  empty: string;
  tasks: ApprovalTask[];
  /** The tasks awaiting me, read in full: they say since when they wait, and can be answered here. */
  approvals?: Map<string, Approval>;
  /** Given for the tasks awaiting me: they offer an answer and "Ask for information" (SPEC §8.1). */
  onChanged?: () => void;
}) {
  const { t, i18n } = useTranslation('agent');
  const headingId = useId();
  const [open, setOpen] = useState<Open>(null);
  const [done, setDone] = useState<string | null>(null);
  const awaiting = Boolean(onChanged);
  const columns = awaiting ? 7 : 6;
  const toggle = (next: NonNullable<Open>) => {
    setDone(null);
    setOpen(open?.id === next.id && open.kind === next.kind ? null : next);
  };
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>
        {title} <span className="muted">({formatNumber(tasks.length, i18n.language)})</span>
      </h2>
      {tasks.length === 0 ? (
        <EmptyState>{empty}</EmptyState>
      ) : (
        <table className="responsive ag-tasks">
          <thead>
            <tr>
              <th scope="col">{t('tasks.approval')}</th>
              <th scope="col">{t('tasks.ticket')}</th>
              <th scope="col">{t('tasks.step')}</th>
              <th scope="col">{t('tasks.status')}</th>
              <th scope="col">{t('tasks.requestedBy')}</th>
              <th scope="col">{awaiting ? t('tasks.waitingSince') : t('tasks.date')}</th>
              {awaiting ? <th scope="col">{t('tasks.actions')}</th> : null}
            </tr>
          </thead>
          <tbody>
            {tasks.map((task) => {
              const heading = t('approval.heading', { number: task.number, title: task.title });
              const approval = approvals?.get(task.id);
              const since = waitingSince(task, approval);
              const answering = open?.id === task.id && open.kind === 'answer';
              return (
                <Fragment key={task.id}>
                  <tr>
                    <td>
                      <Link to={taskLink(task)} className="ag-task-title">
                        <strong>{heading}</strong>
                      </Link>
                    </td>
                    <td>
                      <CellLabel label={t('tasks.ticket')} />
                      <Link to={taskLink(task)}>
                        {t('tasks.ticketLabel', { number: task.ticket.number, subject: task.ticket.subject })}
                      </Link>
                    </td>
                    <td>
                      <CellLabel label={t('tasks.step')} />
                      {task.currentStepName ?? '—'}
                    </td>
                    <td>
                      <CellLabel label={t('tasks.status')} />
                      <StatusBadge status={task.displayStatus} />
                    </td>
                    <td>
                      <CellLabel label={t('tasks.requestedBy')} />
                      {task.requestedBy.name ?? t('people.unknown')}
                    </td>
                    <td>
                      {awaiting ? (
                        <>
                          <CellLabel label={t('tasks.waitingSince')} />
                          <RelativeTime value={since} language={i18n.language} />
                        </>
                      ) : (
                        <>
                          <CellLabel label={t('tasks.date')} />
                          <time dateTime={task.createdAt}>{formatDate(task.createdAt, i18n.language)}</time>
                        </>
                      )}
                    </td>
                    {awaiting ? (
                      <td>
                        <div className="row ag-task-actions">
                          {approval ? (
                            <button
                              type="button"
                              className="primary"
                              aria-expanded={answering}
                              aria-label={`${t('tasks.answer')} — ${heading}`}
                              onClick={() => toggle({ id: task.id, kind: 'answer' })}
                            >
                              {t('tasks.answer')}
                            </button>
                          ) : null}
                          {task.status === 'pending' ? (
                            <button
                              type="button"
                              aria-expanded={open?.id === task.id && open.kind === 'ask'}
                              aria-label={`${t('common:needsInfo.ask.open')} — ${heading}`}
                              onClick={() => toggle({ id: task.id, kind: 'ask' })}
                            >
                              {t('common:needsInfo.ask.open')}
                            </button>
                          ) : null}
                        </div>
                      </td>
                    ) : null}
                  </tr>
                  {answering && approval && onChanged ? (
                    <tr className="ag-task-answer">
                      <td colSpan={columns}>
                        <DecisionForm
                          approval={approval}
                          audience="agent"
                          onDecided={() => {
                            setOpen(null);
                            setDone(t('tasks.answered', { request: heading }));
                            onChanged();
                          }}
                        />
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}
      {open?.kind === 'ask' && onChanged ? (
        <InfoForm
          key={open.id}
          kind="ask"
          path={`/approvals/${open.id}/needs-info`}
          onDone={() => {
            setOpen(null);
            setDone(t('common:needsInfo.asked'));
            onChanged();
          }}
          onCancel={() => setOpen(null)}
        />
      ) : null}
      {awaiting ? <ActionDone message={done} /> : null}
    </section>
  );
}
