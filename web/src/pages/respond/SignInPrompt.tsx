import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Decision } from '../portal/types.js';
import type { LinkPage } from './types.js';

/** Where the expected responder signs in, coming back to this very page (with its `?decision=`). */
export function signInPath(page: LinkPage, returnTo: string): string {
  const base = page.expectedResponder.type === 'contact' ? '/portal/signin' : '/signin';
  const query = new URLSearchParams({ workspace: page.workspace.id, next: returnTo });
  return `${base}?${query.toString()}`;
}

/**
 * Shown instead of the form when the workspace requires sign-in and the visitor is not signed in as the
 * person the link was sent to (or when the API answered 401 / 403).
 */
export function SignInPrompt({
  page,
  returnTo,
  reason,
  preselected,
}: {
  page: LinkPage;
  returnTo: string;
  reason: 'required' | 'someoneElse' | 'expired';
  preselected: Decision | null;
}) {
  const { t } = useTranslation('respond');
  const expected = page.expectedResponder.name ?? t('unknownPerson');
  return (
    <section className="card" aria-labelledby="respond-sign-in">
      <h2 id="respond-sign-in">{t('signIn.title')}</h2>
      {reason === 'someoneElse' ? (
        <p className="notice warn">
          {page.signedIn
            ? t('signIn.someoneElse', { current: page.signedIn.name, expected })
            : t('signIn.someoneElseUnknown', { expected })}
        </p>
      ) : null}
      <p>
        {reason === 'expired'
          ? t('signIn.sessionEnded', { expected })
          : t('signIn.explain', { expected, workspace: page.workspace.name })}
      </p>
      {preselected ? (
        <p className="preselect-note">
          {t(preselected === 'approve' ? 'signIn.choseApprove' : 'signIn.choseDeny')}
        </p>
      ) : null}
      <p>
        <Link className="big-action" to={signInPath(page, returnTo)}>
          {t('signIn.button')}
        </Link>
      </p>
      <p className="field-hint">{t('signIn.comeBack')}</p>
    </section>
  );
}
