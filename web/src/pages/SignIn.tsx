import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate, useParams, useSearchParams } from 'react-router';
import type { ChooseWorkspaceProblem, PublicWorkspace, WorkspaceChoice } from '../api/types.js';
import { ApiError, get } from '../api.js';
import { Loading, Page } from '../components/common.js';
import { useSession } from '../session.js';
import { EmailLinks } from './account/EmailLinks.js';

/** One entry of `ChooseWorkspaceProblem.workspaces`, checked rather than cast (the body is the server's). */
function isWorkspaceChoice(x: unknown): x is WorkspaceChoice {
  if (typeof x !== 'object' || x === null) return false;
  const entry: Partial<Record<keyof ChooseWorkspaceProblem['workspaces'][number], unknown>> = x;
  return typeof entry.id === 'string' && typeof entry.name === 'string' && typeof entry.slug === 'string';
}

/** The workspaces of a `409 choose_workspace`, or null for any other error. */
function choicesOf(err: unknown): WorkspaceChoice[] | null {
  if (!(err instanceof ApiError) || err.status !== 409 || err.code !== 'choose_workspace') return null;
  const workspaces = 'workspaces' in err.problem ? err.problem.workspaces : null;
  return Array.isArray(workspaces) && workspaces.length > 0 && workspaces.every(isWorkspaceChoice)
    ? workspaces
    : null;
}

/**
 * Sign-in for members (`/signin`) and contacts (`/portal/signin`, `/portal/{slug}`) with an email and a
 * password only (SPEC §8.3); `?next=` brings them back. When the email and password open accounts in
 * several workspaces, the API answers `409 choose_workspace` and the form asks which one, then signs in
 * there. `/portal/{slug}` names its workspace, so it never asks.
 */
export function SignIn({ portal = false, workspace }: { portal?: boolean; workspace?: PublicWorkspace }) {
  const { t } = useTranslation();
  const { signIn } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState(params.get('email') ?? '');
  const [password, setPassword] = useState('');
  const [choices, setChoices] = useState<WorkspaceChoice[] | null>(null);
  const [chosen, setChosen] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { email: useId(), password: useId(), error: useId(), chooser: useId() };

  async function attempt(workspaceId: string | undefined) {
    setBusy(true);
    setError(null);
    try {
      const me = await signIn(email.trim(), password, workspaceId);
      const next = params.get('next');
      const safeNext = next?.startsWith('/') && !next.startsWith('//') ? next : null;
      navigate(safeNext ?? (me.type === 'contact' ? '/portal' : '/'));
    } catch (err) {
      const found = choicesOf(err);
      if (found) {
        setChoices(found);
        setChosen(found[0]!.id);
        return;
      }
      setChoices(null);
      setError(err instanceof ApiError && err.status === 429 ? t('signIn.tooMany') : t('signIn.failed'));
    } finally {
      setBusy(false);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    void attempt(workspace?.id ?? (choices ? chosen : undefined));
  }

  const title = portal ? t('signIn.portalTitle') : t('signIn.title');
  const forgot = `${portal ? '/portal/forgot-password' : '/forgot-password'}${
    email.trim() ? `?email=${encodeURIComponent(email.trim())}` : ''
  }`;
  return (
    <Page title={workspace ? t('signIn.portalOf', { name: workspace.name }) : title}>
      <form className="card form narrow" onSubmit={submit} aria-describedby={error ? ids.error : undefined}>
        <label htmlFor={ids.email}>{t('signIn.email')}</label>
        <input
          id={ids.email}
          type="email"
          value={email}
          onChange={(e) => {
            setEmail(e.target.value);
            setChoices(null);
          }}
          required
          autoComplete="username"
        />
        <label htmlFor={ids.password}>{t('signIn.password')}</label>
        <input
          id={ids.password}
          type="password"
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
            setChoices(null);
          }}
          required
          autoComplete="current-password"
        />
        {choices ? (
          <fieldset className="workspace-chooser" aria-describedby={ids.chooser}>
            <legend>{t('signIn.chooseWorkspace')}</legend>
            <p id={ids.chooser} className="field-hint" role="status">
              {t('signIn.chooseWorkspaceHint')}
            </p>
            {choices.map((w) => (
              <div key={w.id}>
                <input
                  type="radio"
                  id={`${ids.chooser}-${w.id}`}
                  name="workspace"
                  value={w.id}
                  checked={chosen === w.id}
                  onChange={() => setChosen(w.id)}
                />{' '}
                <label htmlFor={`${ids.chooser}-${w.id}`}>{w.name}</label>
              </div>
            ))}
          </fieldset>
        ) : null}
        {error ? (
          <p id={ids.error} className="error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          {choices ? t('signIn.continue') : t('signIn.submit')}
        </button>
        <p>
          <Link to={forgot}>{t('signIn.forgot')}</Link>
        </p>
        {portal ? null : (
          <p>
            {t('signIn.noAccount')} <Link to="/signup">{t('signIn.signUp')}</Link>
          </p>
        )}
      </form>
      <EmailLinks workspaceId={workspace?.id ?? ''} email={email} next={params.get('next')} />
    </Page>
  );
}

/**
 * `/portal/{slug}` (SPEC §8.3): the portal's sign-in for one workspace, found by its slug. A contact of
 * that workspace already signed in goes straight to the portal.
 */
export function PortalSignInBySlug() {
  const { t } = useTranslation();
  const { slug = '' } = useParams();
  const { me } = useSession();
  const [workspace, setWorkspace] = useState<PublicWorkspace | null>(null);
  const [missing, setMissing] = useState(false);

  useEffect(() => {
    let live = true;
    setWorkspace(null);
    setMissing(false);
    get<PublicWorkspace>(`/workspaces/by-slug/${encodeURIComponent(slug)}`)
      .then((w) => live && setWorkspace(w))
      .catch(() => live && setMissing(true));
    return () => {
      live = false;
    };
  }, [slug]);

  if (missing) {
    return (
      <Page title={t('signIn.noSuchPortal')}>
        <p>
          <Link to="/portal/signin">{t('signIn.portalTitle')}</Link>
        </p>
      </Page>
    );
  }
  if (!workspace) return <Loading />;
  if (me?.type === 'contact' && me.workspaceId === workspace.id) return <Navigate to="/portal" replace />;
  return <SignIn portal workspace={workspace} />;
}
