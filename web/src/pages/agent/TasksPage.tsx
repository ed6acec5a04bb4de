import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ApprovalTask, ApprovalTasks } from '../../api/types.js';
import { get } from '../../api.js';
import { ActionDone } from '../../components/approval/feedback.js';
import { InfoForm } from '../../components/approval/InfoForm.js';
import { EmptyState, ErrorMessage, Loading, Page, StatusBadge, useAsync } from '../../components/common.js';
import { formatDate, formatNumber } from '../../i18n.js';
import { useSession } from '../../session.js';
import { CellLabel } from './CellLabel.js';
import './agent.css';

/** `/tasks`: "Your tasks > Approval requests" — what awaits my answer, and what I asked for (rule 12). */
export function TasksPage() {
  const { t } = useTranslation('agent');
  const { settings } = useSession();
  const enabled = settings?.approvalsEnabled ?? false;
  const tasks = useAsync(
    () => (enabled ? get<ApprovalTasks>('/me/approval-tasks?limit=200') : Promise.resolve(null)),
    `tasks:${enabled}`,
  );

  return (
    <Page title={t('tasks.title')}>
      {!enabled ? (
        <p className="muted">{t('tasks.disabled')}</p>
      ) : tasks.data ? (
        <>
          <TaskList
            title={t('tasks.awaitingMe')}
            empty={t('tasks.awaitingEmpty')}
            tasks={tasks.data.awaitingMe}
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

function TaskList({
  title,
  empty,
  tasks,
  onChanged,
}: {
  title: string;
  empty: string;
  tasks: ApprovalTask[];
  /** Given for the tasks awaiting me: they offer "Ask for information" (SPEC §8.1). */
  onChanged?: () => void;
}) {
  const { t, i18n } = useTranslation('agent');
  const headingId = useId();
  const [asking, setAsking] = useState<ApprovalTask | null>(null);
  const [done, setDone] = useState<string | null>(null);
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
              <th scope="col">{t('tasks.date')}</th>
              {onChanged ? <th scope="col">{t('tasks.actions')}</th> : null}
            </tr>
          </thead>
          <tbody>
            {tasks.map((task) => (
              <tr key={task.id}>
                <td>
                  <strong>{t('approval.heading', { number: task.number, title: task.title })}</strong>
                </td>
                <td>
                  <CellLabel label={t('tasks.ticket')} />
                  <Link to={`/tickets/${task.ticketId}?approval=${task.id}`}>
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
                  <CellLabel label={t('tasks.date')} />
                  <time dateTime={task.createdAt}>{formatDate(task.createdAt, i18n.language)}</time>
                </td>
                {onChanged ? (
                  <td>
                    {task.status === 'pending' ? (
                      <button
                        type="button"
                        aria-expanded={asking?.id === task.id}
                        aria-label={`${t('common:needsInfo.ask.open')} — ${t('approval.heading', { number: task.number, title: task.title })}`}
                        onClick={() => {
                          setDone(null);
                          setAsking(asking?.id === task.id ? null : task);
                        }}
                      >
                        {t('common:needsInfo.ask.open')}
                      </button>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {asking && onChanged ? (
        <InfoForm
          key={asking.id}
          kind="ask"
          path={`/approvals/${asking.id}/needs-info`}
          onDone={() => {
            setAsking(null);
            setDone(t('common:needsInfo.asked'));
            onChanged();
          }}
          onCancel={() => setAsking(null)}
        />
      ) : null}
      {onChanged ? <ActionDone message={done} /> : null}
    </section>
  );
}
