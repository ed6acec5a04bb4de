import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeadEmail, DeadEmailPage, RetriedEmail } from '../../api/types.js';
import { post } from '../../api.js';
import { ErrorMessage, Page } from '../../components/common.js';
import { formatDate } from '../../i18n.js';
import { AdminList } from './AdminList.js';
import { usePagedList } from './data.js';
import { StatusMessage } from './ui.js';

/**
 * `/admin/emails`: emails whose delivery kept failing (dead letters, `GET /outbox/dead`), with why, and a
 * Retry per email (`POST /outbox/{id}/retry`) that puts it back in the queue (issue 15, SPEC §8.3).
 */
export function DeadEmailsPage() {
  const { t, i18n } = useTranslation('admin');
  const list = usePagedList<DeadEmailPage>('/outbox/dead');
  const [busy, setBusy] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [failure, setFailure] = useState<unknown>(null);

  async function retry(email: DeadEmail) {
    setBusy(email.id);
    setFailure(null);
    setStatus('');
    try {
      await post<RetriedEmail>(`/outbox/${email.id}/retry`);
      list.removeItem(email.id);
      setStatus(t('deadEmails.retried', { name: recipientName(email) }));
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(null);
    }
  }

  function recipientName(email: DeadEmail): string {
    return email.recipient.name ?? email.recipient.email ?? t('deadEmails.removedPerson');
  }

  return (
    <Page title={t('deadEmails.title')}>
      <p className="muted">{t('deadEmails.intro')}</p>
      <StatusMessage message={status} />
      <ErrorMessage error={failure} />
      <AdminList
        list={list}
        caption={t('deadEmails.title')}
        empty={t('deadEmails.empty')}
        columns={[
          {
            header: t('deadEmails.recipient'),
            cell: (e) => (
              <>
                {recipientName(e)}
                {e.recipient.email && e.recipient.name ? (
                  <>
                    <br />
                    <span className="muted">{e.recipient.email}</span>
                  </>
                ) : null}
              </>
            ),
          },
          { header: t('deadEmails.kind'), cell: (e) => <code>{e.kind}</code> },
          {
            header: t('deadEmails.lastError'),
            cell: (e) => e.lastError ?? t('deadEmails.noError'),
            className: 'dead-email-error',
          },
          {
            header: t('deadEmails.queuedAt'),
            cell: (e) => formatDate(e.createdAt, i18n.language),
          },
          { header: t('deadEmails.attempts'), cell: (e) => String(e.attempts) },
        ]}
        actions={(e) => (
          <button
            type="button"
            onClick={() => retry(e)}
            disabled={busy !== null}
            aria-label={t('deadEmails.retryNamed', { name: recipientName(e), kind: e.kind })}
          >
            {busy === e.id ? t('deadEmails.retrying') : t('deadEmails.retry')}
          </button>
        )}
      />
    </Page>
  );
}
