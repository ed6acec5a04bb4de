import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { Page } from '../../components/common.js';
import { Outcome, useAccountEmailRequest } from './fields.js';

/**
 * `/forgot-password` and `/portal/forgot-password` (SPEC §8.3): asks `POST /auth/password-resets` for
 * every account of the address (no workspace needed) and always says the same thing, whether or not
 * the address has an account (no enumeration). The link in the email opens `/set-password/{token}`.
 */
export function ForgotPassword({ portal = false }: { portal?: boolean }) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const [email, setEmail] = useState(params.get('email') ?? '');
  const { busy, message, request } = useAccountEmailRequest();
  const ids = { email: useId(), hint: useId() };

  async function submit(e: FormEvent) {
    e.preventDefault();
    const address = email.trim().toLowerCase();
    await request('/auth/password-resets', { email: address }, t('account.resetSent', { email: address }));
  }

  return (
    <Page title={t('account.forgotTitle')}>
      <form className="card form narrow" onSubmit={submit} aria-describedby={ids.hint}>
        <p id={ids.hint}>{t('account.forgotExplain')}</p>
        <label htmlFor={ids.email}>{t('signIn.email')}</label>
        <input
          id={ids.email}
          type="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          required
          autoComplete="username"
        />
        <Outcome message={message} />
        <button type="submit" className="primary" disabled={busy}>
          {t('account.resetButton')}
        </button>
        <p>
          <Link to={portal ? '/portal/signin' : '/signin'}>{t('account.backToSignIn')}</Link>
        </p>
      </form>
    </Page>
  );
}
