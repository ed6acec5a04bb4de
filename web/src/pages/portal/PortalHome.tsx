import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { Page } from '../../components/common.js';
import { useSession } from '../../session.js';
import { AwaitingApprovals } from './AwaitingApprovals.js';
import { NewRequestForm } from './NewRequestForm.js';
import { TicketList } from './TicketList.js';
import './portal.css';

/** `/portal`: the contact's approvals awaiting them, a new request, and their tickets. */
export function PortalHome() {
  const { t } = useTranslation('portal');
  const { settings } = useSession();
  const navigate = useNavigate();
  const [composing, setComposing] = useState(false);
  const newButton = useRef<HTMLButtonElement>(null);
  const approvalsVisible = Boolean(settings?.approvalsEnabled && settings.contactsCanViewApprovals);

  return (
    <Page
      title={t('home.title')}
      actions={
        <button
          ref={newButton}
          type="button"
          className="primary"
          aria-expanded={composing}
          aria-controls="new-request"
          onClick={() => setComposing((v) => !v)}
        >
          {t('newRequest.open')}
        </button>
      }
    >
      <div id="new-request">
        {composing ? (
          <NewRequestForm
            onCreated={(ticket) => navigate(`/portal/tickets/${ticket.id}`)}
            onCancel={() => {
              setComposing(false);
              newButton.current?.focus();
            }}
          />
        ) : null}
      </div>
      {/* An approver answers whatever contactsCanViewApprovals says (SPEC §8.6); with approvals hidden
          from contacts the section appears only when something awaits them. */}
      {settings?.approvalsEnabled ? <AwaitingApprovals hideWhenEmpty={!approvalsVisible} /> : null}
      <section className="portal-section" aria-labelledby="tickets-title">
        <h2 id="tickets-title">{t('tickets.title')}</h2>
        <TicketList showApprovals={approvalsVisible} />
      </section>
    </Page>
  );
}
