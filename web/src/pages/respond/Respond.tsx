import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams, useSearchParams } from 'react-router';
import { get, post } from '../../api.js';
import { InfoForm } from '../../components/approval/InfoForm.js';
import { ErrorMessage, Loading, Page, StatusBadge, useAsync } from '../../components/common.js';
import type { Decision } from '../portal/types.js';
import { isBlank, problemCode, problemStatus } from '../portal/util.js';
import { DecisionPanel } from './DecisionPanel.js';
import { RequestSummary } from './RequestSummary.js';
import { SignInPrompt } from './SignInPrompt.js';
import type { LinkDecisionResult, LinkPage } from './types.js';
import '../portal/portal.css';
import './respond.css';

type Dead = 'link_inactive' | 'approvals_disabled';
/** Why the form is replaced by a sign-in prompt after an answer was refused. */
type Refused = 'expired' | 'someoneElse';

function parseDecision(value: string | null): Decision | null {
  return value === 'approve' || value === 'deny' ? value : null;
}

function deadReason(error: unknown): Dead | null {
  const code = problemCode(error);
  if (code === 'approvals_disabled') return code;
  if (code === 'link_inactive' || problemStatus(error) === 410) return 'link_inactive';
  return null;
}

/** A dead link shows that, and nothing else (SPEC §4). */
function DeadLink({ reason }: { reason: Dead }) {
  const { t } = useTranslation('respond');
  return (
    <div className="respond">
      <Page title={reason === 'approvals_disabled' ? t('dead.disabled') : t('dead.inactive')}>{null}</Page>
    </div>
  );
}

function ResultView({ page, result }: { page: LinkPage; result: LinkDecisionResult }) {
  const { t } = useTranslation('respond');
  useEffect(() => {
    document.getElementById('main')?.focus();
  }, []);
  const home = page.signedIn ? (page.signedIn.type === 'contact' ? '/portal' : '/') : null;
  return (
    <div className="respond">
      <Page title={result.decision === 'approve' ? t('result.approved') : t('result.denied')}>
        <div className="card">
          <p role="status">
            {t('result.summary', { number: result.approval.number, title: page.approval.title })}{' '}
            <StatusBadge status={result.approval.displayStatus} />
          </p>
          <p className="muted">{t('result.closeNow')}</p>
          {home ? (
            <p>
              <Link to={home}>
                {page.signedIn?.type === 'contact' ? t('result.toPortal') : t('result.toApp')}
              </Link>
            </p>
          ) : null}
        </div>
      </Page>
    </div>
  );
}

/** `/respond/:token`: the page an approval email opens. Reading it changes nothing. */
export function Respond() {
  const { t } = useTranslation('respond');
  const { token = '' } = useParams();
  const location = useLocation();
  const [params] = useSearchParams();
  const preselected = parseDecision(params.get('decision'));
  const {
    data: page,
    error,
    loading,
    setData: setPage,
  } = useAsync(() => get<LinkPage>(`/approval-links/${encodeURIComponent(token)}`), token);
  const [busy, setBusy] = useState<Decision | null>(null);
  const [result, setResult] = useState<LinkDecisionResult | null>(null);
  const [dead, setDead] = useState<Dead | null>(null);
  const [refused, setRefused] = useState<Refused | null>(null);
  const [answerError, setAnswerError] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const [asked, setAsked] = useState(false);

  async function decide(decision: Decision, comment: string) {
    setBusy(decision);
    setAnswerError(null);
    try {
      const body = isBlank(comment) ? { decision } : { decision, comment: comment.trim() };
      setResult(
        await post<LinkDecisionResult>(`/approval-links/${encodeURIComponent(token)}/decisions`, body),
      );
    } catch (err) {
      const code = problemCode(err);
      const gone = deadReason(err);
      if (gone) setDead(gone);
      else if (code === 'sign_in_required') setRefused('expired');
      else if (code === 'not_an_approver') setRefused('someoneElse');
      else if (code === 'already_decided') setAnswerError(t('errors.alreadyDecided'));
      else if (code === 'not_pending') setAnswerError(t('errors.notPending'));
      else if (problemStatus(err) === 429) setAnswerError(t('errors.tooMany'));
      else setAnswerError(t('errors.failed', { message: err instanceof Error ? err.message : String(err) }));
    } finally {
      setBusy(null);
    }
  }

  const gone = dead ?? deadReason(error);
  if (gone) return <DeadLink reason={gone} />;
  if (loading && !page) return <Loading />;
  if (!page) {
    return (
      <div className="respond">
        <Page title={t('loadFailed')}>
          {problemStatus(error) === 429 ? (
            <p className="error" role="alert">
              {t('errors.tooMany')}
            </p>
          ) : (
            <ErrorMessage error={error} />
          )}
        </Page>
      </div>
    );
  }
  if (result) return <ResultView page={page} result={result} />;

  const returnTo = location.pathname + location.search;
  const signedInAsResponder = page.signedIn?.isExpectedResponder === true;
  const signedInAsOther = page.signedIn !== null && !signedInAsResponder;
  const mustSignIn =
    refused ??
    (signedInAsOther ? 'someoneElse' : page.signInRequired && !signedInAsResponder ? 'required' : null);

  return (
    <div className="respond">
      <Page
        title={t(page.kind === 'appeal' ? 'appealTitle' : 'title', {
          number: page.approval.number,
          title: page.approval.title,
        })}
      >
        <p className="respond-responder">
          {t(page.kind === 'appeal' ? 'intro.appeal' : 'intro.step', {
            requester: page.approval.requestedBy.name ?? t('unknownPerson'),
            expected: page.expectedResponder.name ?? t('unknownPerson'),
          })}
        </p>
        <RequestSummary page={page} />
        {mustSignIn ? (
          <SignInPrompt page={page} returnTo={returnTo} reason={mustSignIn} preselected={preselected} />
        ) : (
          <>
            <DecisionPanel
              kind={page.kind}
              preselected={preselected}
              busy={busy}
              error={answerError}
              onDecide={decide}
            />
            {/* "Needs information" (SPEC §8.1): asking does not use up the link; the decision stays open. */}
            {page.kind === 'step' && page.approval.status === 'pending' ? (
              asking ? (
                <InfoForm<LinkPage>
                  kind="ask"
                  path={`/approval-links/${encodeURIComponent(token)}/needs-info`}
                  onDone={(next) => {
                    setAsking(false);
                    setAsked(true);
                    setPage(next);
                  }}
                  onCancel={() => setAsking(false)}
                />
              ) : (
                <p>
                  <button type="button" aria-expanded={false} onClick={() => setAsking(true)}>
                    {t('common:needsInfo.ask.open')}
                  </button>
                </p>
              )
            ) : null}
            <p className={asked ? 'success' : 'visually-hidden'} role="status">
              {asked ? t('common:needsInfo.asked') : ''}
            </p>
          </>
        )}
      </Page>
    </div>
  );
}
