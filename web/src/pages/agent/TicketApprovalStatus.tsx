import { useTranslation } from 'react-i18next';
import type { Ticket } from '../../api/types.js';
import { StatusBadge } from '../../components/common.js';

/**
 * A ticket's approval status with its counts, e.g. "Pending (1 of 2)": the
 * most urgent unfinished approval, and how many of the approvals not canceled
 * are unfinished (SPEC §8.1). The counts are read out in words.
 */
export function TicketApprovalStatus({
  ticket,
}: {
  ticket: Pick<Ticket, 'approvalStatus' | 'approvalCounts'>;
}) {
  const { t } = useTranslation('agent');
  const counts = ticket.approvalCounts;
  return (
    <>
      <StatusBadge status={ticket.approvalStatus} />
      {counts && counts.total > 0 && counts.unfinished > 0 ? (
        <>
          {' '}
          <span className="muted small" aria-hidden="true">
            {t('ticket.approvalCounts', counts)}
          </span>
          <span className="visually-hidden">{t('ticket.approvalCountsSpoken', counts)}</span>
        </>
      ) : null}
    </>
  );
}
