import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import type { PasswordSet } from '../../api/types.js';
import { post } from '../../api.js';
import { ErrorMessage, Page } from '../../components/common.js';
import { problemStatus } from '../portal/util.js';
import { NewPasswordFields } from './fields.js';

/**
 * `/set-password/:token`, opened from a password reset or an invitation email. Opening it changes
 * nothing; the password is set by the form's POST, and the person then signs in with it.
 */
export function SetPassword() {
  const { t } = useTranslation();
  const { token = '' } = useParams();
  const [params] = useSearchParams();
  const invitation = params.get('invitation') === '1';
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [mismatch, setMismatch] = useState(false);
  const [inactive, setInactive] = useState(false);
  const [done, setDone] = useState<PasswordSet | null>(null);
  const hintId = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setMismatch(password !== confirm);
    if (password !== confirm) return;
    setBusy(true);
    setError(null);
    try {
      setDone(await post<PasswordSet>('/auth/password-resets/redeem', { token, password }));
    } catch (err) {
      if (problemStatus(err) === 410) setInactive(true);
      else setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (inactive) {
    return (
      <Page title={t('account.linkInactive')}>
        <p>
          <Link to="/signin">{t('account.askAgain')}</Link>
        </p>
      </Page>
    );
  }
  if (done) {
    const signIn = done.principal.type === 'contact' ? '/portal/signin' : '/signin';
    // Email and password only (SPEC §8.3): the sign-in finds the workspace.
    const query = new URLSearchParams({ email: done.email });
    return (
      <Page title={t(invitation ? 'account.inviteTitle' : 'account.setTitle')}>
        <div className="card form narrow">
          <p role="status">{t('account.setDone')}</p>
          <Link className="button primary" to={`${signIn}?${query}`}>
            {t('account.goSignIn')}
          </Link>
        </div>
      </Page>
    );
  }
  return (
    <Page title={t(invitation ? 'account.inviteTitle' : 'account.setTitle')}>
      <form className="card form narrow" onSubmit={submit} aria-describedby={hintId}>
        <p id={hintId}>{t('account.setExplain')}</p>
        <NewPasswordFields
          password={password}
          confirm={confirm}
          onPassword={setPassword}
          onConfirm={setConfirm}
          mismatch={mismatch}
        />
        {mismatch ? (
          <p className="error" role="alert">
            {t('account.mismatch')}
          </p>
        ) : null}
        <ErrorMessage error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {t('account.setSubmit')}
        </button>
      </form>
    </Page>
  );
}
