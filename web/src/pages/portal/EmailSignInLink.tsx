import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { post } from '../../api.js';
import { problemStatus, safeLocalPath } from './util.js';
import './portal.css';

/**
 * "Email me a sign-in link" on the portal sign-in page: uses the workspace and email already typed.
 * The answer never tells whether the address belongs to a customer.
 */
export function EmailSignInLink({
  workspaceId,
  email,
  next,
}: {
  workspaceId: string;
  email: string;
  next: string | null;
}) {
  const { t } = useTranslation('portal');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'sent' | 'error'; text: string } | null>(null);

  async function send() {
    const ws = workspaceId.trim();
    const address = email.trim().toLowerCase();
    if (!ws || !address) {
      setMessage({ kind: 'error', text: t('emailLink.missing') });
      return;
    }
    setBusy(true);
    setMessage(null);
    try {
      const safeNext = safeLocalPath(next);
      await post('/auth/sign-in-links', {
        workspaceId: ws,
        email: address,
        ...(safeNext ? { next: safeNext } : {}),
      });
      setMessage({ kind: 'sent', text: t('emailLink.sent', { email: address }) });
    } catch (err) {
      const status = problemStatus(err);
      setMessage({
        kind: 'error',
        text:
          status === 429
            ? t('emailLink.tooMany')
            : status === 400
              ? t('emailLink.invalid')
              : t('emailLink.failed'),
      });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="card form narrow">
      <p className="field-hint">{t('emailLink.hint')}</p>
      <div>
        <button type="button" onClick={send} disabled={busy}>
          {t('emailLink.button')}
        </button>
      </div>
      <p className="success" role="status">
        {message?.kind === 'sent' ? message.text : ''}
      </p>
      {message?.kind === 'error' ? (
        <p className="error" role="alert">
          {message.text}
        </p>
      ) : null}
    </div>
  );
}
