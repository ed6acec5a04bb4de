import { useTranslation } from 'react-i18next';
import { Page } from '../../components/common.js';
import { formatDate } from '../../i18n.js';
import type { LinkProblem } from './linkProblem.js';

/** Why the page shows no request: the module is off, or the link is dead (with why, when it was real). */
export type Gone = { kind: 'disabled' } | ({ kind: 'inactive' } & LinkProblem);

/**
 * A dead link shows that and a sentence for its reason (SPEC §8.1), and for a used link the answer given
 * with it; an unknown token shows the bare sentence, so a link never tells whether it existed.
 */
export function DeadLink({ gone }: { gone: Gone }) {
  const { t, i18n } = useTranslation('respond');
  if (gone.kind === 'disabled') {
    return (
      <div className="respond">
        <Page title={t('dead.disabled')}>{null}</Page>
      </div>
    );
  }
  const answer = gone.reason === 'used' ? gone.decision : undefined;
  return (
    <div className="respond">
      <Page title={t('dead.inactive')}>
        {gone.reason ? (
          <div className="card">
            <p role="status">{t(`dead.reason.${gone.reason}`)}</p>
            {answer ? (
              <p>
                {t(answer.value === 'approve' ? 'dead.youApproved' : 'dead.youDenied', {
                  date: formatDate(answer.at, i18n.language),
                })}
              </p>
            ) : null}
          </div>
        ) : null}
      </Page>
    </div>
  );
}
