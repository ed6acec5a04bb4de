import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TICKET_STATUSES, type Ticket, type TicketStatus } from '../../api/types.js';
import { patch } from '../../api.js';
import { ActionDone, ActionError, useAction } from '../../components/approval/feedback.js';

/**
 * The ticket's status. Solving or closing a ticket with an approval awaiting an answer is refused by the
 * server (SPEC rule 10, `409 approval_pending`); the select then keeps the old status and says why.
 */
export function TicketStatusControl({
  ticket,
  onChanged,
}: {
  ticket: Ticket;
  onChanged: (t: Ticket) => void;
}) {
  const { t } = useTranslation('agent');
  const id = useId();
  const errorId = useId();
  const action = useAction();
  const [done, setDone] = useState<string | null>(null);

  async function change(status: TicketStatus) {
    setDone(null);
    const next = await action.run(() => patch<Ticket>(`/tickets/${ticket.id}`, { status }));
    if (next) {
      onChanged(next);
      setDone(t('ticket.statusChanged', { status: t(`common:ticketStatus.${next.status}`) }));
    }
  }

  return (
    <div className="ag-status-control">
      <label htmlFor={id}>{t('ticket.status')}</label>{' '}
      <select
        id={id}
        value={ticket.status}
        disabled={action.busy}
        aria-describedby={action.error ? errorId : undefined}
        onChange={(e) => change(e.target.value as TicketStatus)}
      >
        {TICKET_STATUSES.map((s) => (
          <option key={s} value={s}>
            {t(`common:ticketStatus.${s}`)}
          </option>
        ))}
      </select>
      <ActionError error={action.error} id={errorId} />
      <ActionDone message={done} />
    </div>
  );
}
