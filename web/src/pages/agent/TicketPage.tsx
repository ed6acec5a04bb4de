import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams, useSearchParams } from 'react-router';
import type { TicketDetail } from '../../api/types.js';
import { get } from '../../api.js';
import { ApprovalsTab } from '../../components/approval/ApprovalsTab.js';
import { loadDirectory } from '../../components/approval/directory.js';
import { ErrorMessage, Loading, Page, useAsync } from '../../components/common.js';
import { formatDate } from '../../i18n.js';
import { useSession } from '../../session.js';
import { ActivityTab } from './ActivityTab.js';
import { ConversationTab } from './ConversationTab.js';
import { RelativeTime } from './RelativeTime.js';
import { useShortcuts } from './shortcuts.js';
import { type TabDef, Tabs } from './Tabs.js';
import { TicketApprovalStatus } from './TicketApprovalStatus.js';
import { TicketFields } from './TicketFields.js';
import { TicketStatusControl } from './TicketStatusControl.js';
import './agent.css';

type TabKey = 'conversation' | 'approvals' | 'activity';

/**
 * `/tickets/:id`: header with status, then Conversation, Approvals and Activity tabs.
 * `?approval=<id>` (the link in approval emails) opens the Approvals tab on that approval.
 */
export function TicketPage() {
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const location = useLocation();
  const { t, i18n } = useTranslation('agent');
  const { settings } = useSession();
  const approvalsEnabled = settings?.approvalsEnabled ?? false;
  const focusApproval = params.get('approval');
  const ticket = useAsync(() => get<TicketDetail>(`/tickets/${id}`), id);
  const directory = useAsync(() => loadDirectory(approvalsEnabled), `directory:${approvalsEnabled}`);
  const [tab, setTab] = useState<TabKey>(focusApproval && approvalsEnabled ? 'approvals' : 'conversation');
  const [activityVersion, setActivityVersion] = useState(0);

  // Each navigation to `?approval=` (an email link, "View request" in the activity) opens the tab again.
  // biome-ignore lint/correctness/useExhaustiveDependencies: location.key marks a new navigation
  useEffect(() => {
    if (focusApproval && approvalsEnabled) setTab('approvals');
  }, [focusApproval, approvalsEnabled, location.key]);

  const select = (key: TabKey) => {
    setTab(key);
    if (key === 'activity') setActivityVersion((v) => v + 1);
  };
  const changed = () => {
    void ticket.reload();
  };
  // `r`: the Conversation tab, in the reply box (once the tab's panel is shown).
  const sheet = useShortcuts({
    reply: () => {
      select('conversation');
      requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-reply-body]')?.focus());
    },
  });

  const data = ticket.data;
  if (!data || data.id.toLowerCase() !== id.toLowerCase()) {
    return (
      <Page title={t('ticket.loadingTitle')}>
        {sheet}
        {ticket.error ? <ErrorMessage error={ticket.error} onRetry={ticket.reload} /> : <Loading />}
        <p>
          <Link to="/">{t('ticket.back')}</Link>
        </p>
      </Page>
    );
  }

  const tabs: TabDef<TabKey>[] = [
    {
      key: 'conversation',
      label: t('tabs.conversation'),
      panel: (
        <ConversationTab
          ticketId={data.id}
          messages={data.messages}
          nextCursor={data.messagesNextCursor}
          onSent={changed}
        />
      ),
    },
  ];
  if (approvalsEnabled) {
    tabs.push({
      key: 'approvals',
      label: t('tabs.approvals'),
      panel: directory.data ? (
        <ApprovalsTab
          ticketId={data.id}
          directory={directory.data}
          focusId={focusApproval}
          focusKey={location.key}
          active={tab === 'approvals'}
          onChanged={changed}
        />
      ) : directory.error ? (
        <ErrorMessage error={directory.error} onRetry={directory.reload} />
      ) : (
        <Loading />
      ),
    });
  }
  tabs.push({
    key: 'activity',
    label: t('tabs.activity'),
    panel: (
      <ActivityTab
        ticketId={data.id}
        directory={directory.data}
        approvalsEnabled={approvalsEnabled}
        refreshKey={activityVersion}
      />
    ),
  });

  return (
    <Page title={t('ticket.title', { number: data.number, subject: data.subject })}>
      {sheet}
      <p className="ag-breadcrumb">
        <Link to="/">{t('ticket.back')}</Link>
      </p>
      <div className="card ag-ticket-header">
        <TicketStatusControl
          key={data.approvalStatus ?? 'none'}
          ticket={data}
          onChanged={(next) => ticket.setData({ ...data, ...next })}
        />
        <dl className="ag-facts">
          <div>
            <dt>{t('ticket.requester')}</dt>
            <dd>{data.requester?.name ?? t('people.unknown')}</dd>
          </div>
          <div>
            <dt>{t('ticket.updated')}</dt>
            <dd>
              <RelativeTime value={data.updatedAt} language={i18n.language} />
            </dd>
          </div>
          {approvalsEnabled ? (
            <div>
              <dt>{t('ticket.approvalStatus')}</dt>
              <dd>
                <TicketApprovalStatus ticket={data} />
              </dd>
            </div>
          ) : null}
          <div>
            <dt>{t('ticket.created')}</dt>
            <dd>{formatDate(data.createdAt, i18n.language)}</dd>
          </div>
        </dl>
      </div>
      <TicketFields
        ticket={data}
        directory={directory.data}
        onChanged={(next) => ticket.setData({ ...data, ...next })}
      />
      <Tabs label={t('tabs.label')} tabs={tabs} selected={tab} onSelect={select} />
    </Page>
  );
}
