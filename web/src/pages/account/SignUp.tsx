import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { Signup, SignupBody } from '../../api/types.js';
import { post } from '../../api.js';
import { ErrorMessage, Page } from '../../components/common.js';
import { useSession } from '../../session.js';
import { PasswordField } from './fields.js';

/**
 * `/signup` (SPEC §8.3): a new workspace with its first admin (`POST /signup`), who is then signed in
 * to the agent app with the same email and password (a cookie session, as the sign-in form makes).
 */
export function SignUp() {
  const { t } = useTranslation();
  const { signIn } = useSession();
  const navigate = useNavigate();
  const [draft, setDraft] = useState<SignupBody>({ workspaceName: '', name: '', email: '', password: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const ids = { workspace: useId(), name: useId(), email: useId(), hint: useId() };
  const set = (key: keyof SignupBody) => (value: string) => setDraft((d) => ({ ...d, [key]: value }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body: SignupBody = {
      workspaceName: draft.workspaceName.trim(),
      name: draft.name.trim(),
      email: draft.email.trim().toLowerCase(),
      password: draft.password,
    };
    try {
      const created = await post<Signup>('/signup', body);
      await signIn(body.email, body.password, created.workspace.id);
      navigate('/');
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <Page title={t('signUp.title')}>
      <form className="card form narrow" onSubmit={submit} aria-describedby={ids.hint}>
        <p id={ids.hint}>{t('signUp.explain')}</p>
        <label htmlFor={ids.workspace}>{t('signUp.workspaceName')}</label>
        <input
          id={ids.workspace}
          value={draft.workspaceName}
          onChange={(e) => set('workspaceName')(e.target.value)}
          required
          maxLength={200}
          autoComplete="organization"
        />
        <label htmlFor={ids.name}>{t('signUp.name')}</label>
        <input
          id={ids.name}
          value={draft.name}
          onChange={(e) => set('name')(e.target.value)}
          required
          maxLength={100}
          autoComplete="name"
        />
        <label htmlFor={ids.email}>{t('signIn.email')}</label>
        <input
          id={ids.email}
          type="email"
          value={draft.email}
          onChange={(e) => set('email')(e.target.value)}
          required
          autoComplete="username"
        />
        <PasswordField
          label={t('signIn.password')}
          value={draft.password}
          onChange={set('password')}
          autoComplete="new-password"
        />
        <p className="field-hint">{t('signUp.passwordHint')}</p>
        <ErrorMessage error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {t('signUp.submit')}
        </button>
        <p>
          {t('signUp.haveAccount')} <Link to="/signin">{t('signIn.submit')}</Link>
        </p>
      </form>
    </Page>
  );
}
