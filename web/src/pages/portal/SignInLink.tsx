import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import type { SignInLinkRedeemed } from '../../api/types.js';
import { post, setCsrfToken } from '../../api.js';
import { ErrorMessage, Page } from '../../components/common.js';
import { useSession } from '../../session.js';
import { problemStatus, safeLocalPath } from './util.js';

/**
 * `/portal/sign-in/:token` (contacts) and `/sign-in/link/:token` (members), opened from a sign-in email. Opening it signs nobody in (mail scanners open
 * links): only pressing the button redeems the link.
 */
export function SignInLink({ portal = true }: { portal?: boolean }) {
  const { t } = useTranslation('portal');
  const common = useTranslation().t;
  const { token = '' } = useParams();
  const navigate = useNavigate();
  const { refresh } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [inactive, setInactive] = useState(false);

  async function redeem() {
    setBusy(true);
    setError(null);
    try {
      const res = await post<SignInLinkRedeemed>('/auth/sign-in-links/redeem', { token });
      setCsrfToken(res.csrfToken);
      await refresh();
      navigate(safeLocalPath(res.next) ?? (portal ? '/portal' : '/'), { replace: true });
    } catch (err) {
      if (problemStatus(err) === 410) setInactive(true);
      else setError(err);
      setBusy(false);
    }
  }

  if (inactive) {
    return (
      <Page title={t('signInLink.inactive')}>
        <p>
          <Link to={portal ? '/portal/signin' : '/signin'}>{t('signInLink.askAgain')}</Link>
        </p>
      </Page>
    );
  }
  return (
    <Page title={portal ? t('signInLink.title') : common('account.memberSignInTitle')}>
      <div className="card form narrow">
        <p>{t('signInLink.explain')}</p>
        {problemStatus(error) === 429 ? (
          <p className="error" role="alert">
            {t('signInLink.tooMany')}
          </p>
        ) : (
          <ErrorMessage error={error} />
        )}
        <button type="button" className="primary" onClick={redeem} disabled={busy}>
          {busy ? t('signInLink.signingIn') : t('signInLink.button')}
        </button>
      </div>
    </Page>
  );
}
