import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Decision, LinkPage, PersonType } from '../../api/types.js';

/** Who must sign in, and where: all the page knows before sign-in is the workspace (SPEC §8.1). */
export type SignInTarget = {
  workspace: LinkPage['workspace'];
  responderType: PersonType;
  /** Known only once the details may be shown. */
  expectedName: string | null;
  /** The person signed in now, when it is someone else. */
  currentName: string | null;
};

/** Where the expected responder signs in, coming back to this very page (with its `?decision=`). */
export function signInPath(target: SignInTarget, returnTo: string): string {
  const base = target.responderType === 'contact' ? '/portal/signin' : '/signin';
  const query = new URLSearchParams({ workspace: target.workspace.id, next: returnTo });
  return `${base}?${query.toString()}`;
}

/**
 * Shown instead of the form when the workspace requires sign-in and the visitor is not signed in as the
 * person the link was sent to (or when the API answered 401 / 403).
 */
export function SignInPrompt({
  target,
  returnTo,
  reason,
  preselected,
}: {
  target: SignInTarget;
  returnTo: string;
  reason: 'required' | 'someoneElse' | 'expired';
  preselected: Decision | null;
}) {
  const { t } = useTranslation('respond');
  const expected = target.expectedName;
  const workspace = target.workspace.name;
  return (
    <section className="card" aria-labelledby="respond-sign-in">
      <h2 id="respond-sign-in">{t('signIn.title')}</h2>
      {reason === 'someoneElse' ? (
        <p className="notice warn">
          {target.currentName && expected
            ? t('signIn.someoneElse', { current: target.currentName, expected })
            : expected
              ? t('signIn.someoneElseUnknown', { expected })
              : t('signIn.someoneElseAnonymous')}
        </p>
      ) : null}
      <p>
        {expected === null
          ? t('signIn.explainWorkspace', { workspace })
          : reason === 'expired'
            ? t('signIn.sessionEnded', { expected })
            : t('signIn.explain', { expected, workspace })}
      </p>
      {preselected ? (
        <p className="preselect-note">
          {t(preselected === 'approve' ? 'signIn.choseApprove' : 'signIn.choseDeny')}
        </p>
      ) : null}
      <p>
        <Link className="big-action" to={signInPath(target, returnTo)}>
          {t('signIn.button')}
        </Link>
      </p>
      <p className="field-hint">{t('signIn.comeBack')}</p>
    </section>
  );
}
