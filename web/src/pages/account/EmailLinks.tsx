import { useTranslation } from 'react-i18next';
import { safeLocalPath } from '../portal/util.js';
import { Outcome, useAccountEmailRequest } from './fields.js';

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
  const { busy, message, setMessage, request } = useAccountEmailRequest();

  async function send() {
    const ws = workspaceId.trim();
    const address = email.trim().toLowerCase();
    if (!address) {
      setMessage({ kind: 'error', text: t('account.emailMissing') });
      return;
    }
    const safeNext = safeLocalPath(next);
    await request(
      '/auth/sign-in-links',
      { ...(ws ? { workspaceId: ws } : {}), email: address, ...(safeNext ? { next: safeNext } : {}) },
      t('account.signInLinkSent', { email: address }),
    );
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
