import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../api.js';
import { Page } from '../components/common.js';
import { LAST_WORKSPACE_KEY, useSession } from '../session.js';
import { EmailLinks } from './account/EmailLinks.js';

/**
 * Sign-in for members (`/signin`) and contacts (`/portal/signin`); `?next=` brings them back. Both can
 * ask for an emailed sign-in link or a password reset link.
 */
export function SignIn({ portal = false }: { portal?: boolean }) {
  const { t } = useTranslation();
  const { signIn } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [workspaceId, setWorkspaceId] = useState(
    params.get('workspace') ?? localStorage.getItem(LAST_WORKSPACE_KEY) ?? '',
  );
  const [email, setEmail] = useState(params.get('email') ?? '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { ws: useId(), email: useId(), password: useId(), error: useId() };

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const me = await signIn(workspaceId.trim(), email.trim(), password);
      const next = params.get('next');
      const safeNext = next?.startsWith('/') && !next.startsWith('//') ? next : null;
      navigate(safeNext ?? (me.type === 'contact' ? '/portal' : '/'));
    } catch (err) {
      setError(err instanceof ApiError && err.status === 429 ? t('signIn.tooMany') : t('signIn.failed'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page title={portal ? t('signIn.portalTitle') : t('signIn.title')}>
      <form className="card form narrow" onSubmit={submit} aria-describedby={error ? ids.error : undefined}>
        <label htmlFor={ids.ws}>{t('signIn.workspaceId')}</label>
        <input
          id={ids.ws}
          value={workspaceId}
          onChange={(e) => setWorkspaceId(e.target.value)}
          required
          autoComplete="organization"
        />
        <label htmlFor={ids.email}>{t('signIn.email')}</label>
        <input
          id={ids.email}
          type="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          required
          autoComplete="username"
        />
        <label htmlFor={ids.password}>{t('signIn.password')}</label>
        <input
          id={ids.password}
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
          autoComplete="current-password"
        />
        {error ? (
          <p id={ids.error} className="error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          {t('signIn.submit')}
        </button>
      </form>
      <EmailLinks workspaceId={workspaceId} email={email} next={params.get('next')} />
    </Page>
  );
}
