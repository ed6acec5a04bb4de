import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Approval, ApprovalPage, Directory, TemplatePage } from '../../api/types.js';
import { ErrorMessage, Loading, useAsync } from '../common.js';
import { ApprovalCard } from './ApprovalCard.js';
import { loadAll } from './directory.js';
import { ActionDone } from './feedback.js';
import { RequestApprovalForm } from './RequestApprovalForm.js';
import './approval.css';

/**
 * The ticket's Approvals tab: its approvals, newest first, and "Request approval". `focusId` (from
 * `?approval=` in email links) scrolls to that approval and moves focus to it once loaded.
 */
export function ApprovalsTab({
  ticketId,
  directory,
  focusId,
  focusKey,
  active,
  onChanged,
}: {
  ticketId: string;
  directory: Directory;
  focusId: string | null;
  /** Changes with each navigation, so following the same link again focuses the approval again. */
  focusKey?: string;
  /** The tab is showing (focus moves only then). */
  active: boolean;
  /** Something changed that the ticket header or activity may show. */
  onChanged: () => void;
}) {
  const { t } = useTranslation('agent');
  const list = useAsync(() => loadAll<ApprovalPage>(`/tickets/${ticketId}/approvals`), ticketId);
  const templates = useAsync(() => loadAll<TemplatePage>('/approval-templates'), 'templates');
  const [requesting, setRequesting] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const focused = useRef<string | null>(null);
  const requestButton = useRef<HTMLButtonElement>(null);
  const approvals = list.data;

  // Deep link: focus the approval once, after it has loaded and the tab shows.
  useEffect(() => {
    const target = `${focusId}:${focusKey}`;
    if (!focusId || !approvals || !active || focused.current === target) return;
    focused.current = target;
    const el = document.getElementById(`approval-${focusId}`);
    if (el) {
      el.scrollIntoView({ block: 'start' });
      el.focus({ preventScroll: true });
    }
  }, [focusId, focusKey, approvals, active]);

  const replace = (next: Approval) => {
    setDone(null);
    list.setData((cur) => (cur ?? []).map((x) => (x.id === next.id ? next : x)));
    onChanged();
  };
  const remove = (gone: Approval, message: string) => {
    list.setData((cur) => (cur ?? []).filter((x) => x.id !== gone.id));
    setDone(message);
    onChanged();
    requestButton.current?.focus();
  };

  if (!approvals) return list.error ? <ErrorMessage error={list.error} onRetry={list.reload} /> : <Loading />;
  const missing = focusId && !approvals.some((x) => x.id === focusId);

  return (
    <div className="stack">
      <h2 className="visually-hidden">{t('approvals.heading')}</h2>
      <div className="row">
        <button
          ref={requestButton}
          type="button"
          className="primary"
          aria-expanded={requesting}
          onClick={() => {
            setDone(null);
            setRequesting((r) => !r);
          }}
        >
          {t('request.button')}
        </button>
      </div>
      <ActionDone message={done} />
      {requesting ? (
        templates.data ? (
          <RequestApprovalForm
            ticketId={ticketId}
            templates={templates.data}
            directory={directory}
            onCancel={() => {
              setRequesting(false);
              requestButton.current?.focus();
            }}
            onCreated={(created) => {
              setRequesting(false);
              list.setData((cur) => [created, ...(cur ?? [])]);
              setDone(t('done.requested', { number: created.number, title: created.title }));
              onChanged();
            }}
          />
        ) : templates.error ? (
          <ErrorMessage error={templates.error} onRetry={templates.reload} />
        ) : (
          <Loading />
        )
      ) : null}
      {missing ? (
        <p className="muted" role="status">
          {t('approvals.notOnTicket')}
        </p>
      ) : null}
      {approvals.length === 0 ? <p className="muted">{t('approvals.empty')}</p> : null}
      {approvals.map((approval) => (
        <ApprovalCard
          key={approval.id}
          audience="agent"
          approval={approval}
          directory={directory}
          highlighted={approval.id === focusId}
          onUpdated={replace}
          onRemoved={remove}
        />
      ))}
    </div>
  );
}
