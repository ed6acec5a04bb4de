import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Directory, Ticket } from '../../api/types.js';
import { post } from '../../api.js';
import { ActionError, useAction } from '../../components/approval/feedback.js';

/** "New ticket": subject, first message, requester (a contact) and an optional assignee. */
export function NewTicketForm({
  directory,
  onCreated,
  onCancel,
}: {
  directory: Directory;
  onCreated: (ticket: Ticket) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation('agent');
  const ids = { heading: useId(), subject: useId(), body: useId(), requester: useId(), assignee: useId() };
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [requesterId, setRequesterId] = useState('');
  const [assigneeId, setAssigneeId] = useState('');
  const action = useAction();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const ticket = await action.run(() =>
      post<Ticket>('/tickets', {
        subject: subject.trim(),
        body: body.trim(),
        requesterId,
        ...(assigneeId ? { assigneeId } : {}),
      }),
    );
    if (ticket) onCreated(ticket);
  }

  return (
    <form className="card form" onSubmit={submit} aria-labelledby={ids.heading}>
      <h2 id={ids.heading} className="ag-card-title">
        {t('newTicket.title')}
      </h2>
      <label htmlFor={ids.subject}>{t('newTicket.subject')}</label>
      <input
        id={ids.subject}
        value={subject}
        onChange={(e) => setSubject(e.target.value)}
        required
        maxLength={200}
      />
      <label htmlFor={ids.body}>{t('newTicket.message')}</label>
      <textarea
        id={ids.body}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        required
        maxLength={10000}
      />
      <label htmlFor={ids.requester}>{t('newTicket.requester')}</label>
      <select
        id={ids.requester}
        value={requesterId}
        onChange={(e) => setRequesterId(e.target.value)}
        required
      >
        <option value="">{t('newTicket.chooseRequester')}</option>
        {directory.contacts.map((c) => (
          <option key={c.id} value={c.id}>
            {c.organization ? `${c.name} (${c.organization})` : c.name} — {c.email}
          </option>
        ))}
      </select>
      <label htmlFor={ids.assignee}>{t('newTicket.assignee')}</label>
      <select id={ids.assignee} value={assigneeId} onChange={(e) => setAssigneeId(e.target.value)}>
        <option value="">{t('ticket.unassigned')}</option>
        {directory.members
          .filter((m) => m.active)
          .map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
      </select>
      <ActionError error={action.error} />
      <div className="row">
        <button type="submit" className="primary" disabled={action.busy}>
          {t('newTicket.submit')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('common:actions.cancel')}
        </button>
      </div>
    </form>
  );
}
