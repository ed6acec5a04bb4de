import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { post } from '../../api.js';
import { problemStatus, safeLocalPath } from '../portal/util.js';
import { Outcome } from './fields.js';

type Kind = 'signInLink' | 'reset';

const ENDPOINT: Record<Kind, string> = {
  signInLink: '/auth/sign-in-links',
  reset: '/auth/password-resets',
};

/**
 * "Email me a sign-in link" and "Email me a password reset link" on both sign-in pages (members and
 * contacts), with the workspace and email already typed. The answer never tells whether the address
 * has an account.
 */
export function EmailLinks({
  workspaceId,
  email,
  next,
}: {
  workspaceId: string;
  email: string;
  next: string | null;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'done' | 'error'; text: string } | null>(null);

  async function send(kind: Kind) {
    const ws = workspaceId.trim();
    const address = email.trim().toLowerCase();
    if (!ws || !address) {
      setMessage({ kind: 'error', text: t('account.emailMissing') });
      return;
    }
    setBusy(true);
    setMessage(null);
    try {
      const safeNext = kind === 'signInLink' ? safeLocalPath(next) : null;
      await post(ENDPOINT[kind], {
        workspaceId: ws,
        email: address,
        ...(safeNext ? { next: safeNext } : {}),
      });
      setMessage({
        kind: 'done',
        text: t(kind === 'reset' ? 'account.resetSent' : 'account.signInLinkSent', { email: address }),
      });
    } catch (err) {
      const status = problemStatus(err);
      const key = status === 429 ? 'emailTooMany' : status === 400 ? 'emailInvalid' : 'emailFailed';
      setMessage({ kind: 'error', text: t(`account.${key}`) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="card form narrow">
      <p className="field-hint">{t('account.linksHint')}</p>
      <div className="actions">
        <button type="button" onClick={() => send('signInLink')} disabled={busy}>
          {t('account.signInLinkButton')}
        </button>{' '}
        <button type="button" onClick={() => send('reset')} disabled={busy}>
          {t('account.resetButton')}
        </button>
      </div>
      <Outcome message={message} />
    </div>
  );
}
