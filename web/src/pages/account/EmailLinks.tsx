import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { post } from '../../api.js';
import { problemStatus, safeLocalPath } from '../portal/util.js';
import { Outcome } from './fields.js';

/**
 * "Email me a sign-in link" on both sign-in pages (members and contacts), with the email already typed;
 * without a workspace, every account of the address gets its own link (SPEC §8.6). The answer never
 * tells whether the address has an account. A forgotten password has its own page (ForgotPassword).
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

  async function send() {
    const ws = workspaceId.trim();
    const address = email.trim().toLowerCase();
    if (!address) {
      setMessage({ kind: 'error', text: t('account.emailMissing') });
      return;
    }
    setBusy(true);
    setMessage(null);
    try {
      const safeNext = safeLocalPath(next);
      await post('/auth/sign-in-links', {
        ...(ws ? { workspaceId: ws } : {}),
        email: address,
        ...(safeNext ? { next: safeNext } : {}),
      });
      setMessage({ kind: 'done', text: t('account.signInLinkSent', { email: address }) });
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
        <button type="button" onClick={() => void send()} disabled={busy}>
          {t('account.signInLinkButton')}
        </button>
      </div>
      <Outcome message={message} />
    </div>
  );
}
