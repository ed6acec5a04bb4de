import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams, useSearchParams } from 'react-router';
import type { Decision, LinkComment, LinkDecisionResult, LinkPage } from '../../api/types.js';
import { get, post } from '../../api.js';
import { InfoForm } from '../../components/approval/InfoForm.js';
import { ErrorMessage, Loading, Page, StatusBadge, useAsync } from '../../components/common.js';
import { hasChosenLocale, setLocale } from '../../i18n.js';
import { isBlank, problemCode, problemStatus } from '../portal/util.js';
import { DeadLink, type Gone } from './DeadLink.js';
import { DecisionPanel } from './DecisionPanel.js';
import { FeedbackForm } from './FeedbackForm.js';
import { History } from './History.js';
import { linkProblem } from './linkProblem.js';
import { PublicThread } from './PublicThread.js';
import { RequestSummary } from './RequestSummary.js';
import { SignInPrompt, type SignInTarget } from './SignInPrompt.js';
import '../portal/portal.css';
import './respond.css';

/** Why the form is replaced by a sign-in prompt after an answer was refused. */
type Refused = 'expired' | 'someoneElse';

function parseDecision(value: string | null): Decision | null {
  return value === 'approve' || value === 'deny' ? value : null;
}

function goneOf(error: unknown): Gone | null {
  const code = problemCode(error);
  if (code === 'approvals_disabled') return { kind: 'disabled' };
  if (code === 'link_inactive' || problemStatus(error) === 410)
    return { kind: 'inactive', ...linkProblem(error) };
  return null;
}

/** A 401 or 403 on opening: only the workspace is known (SPEC §8.1), and who must sign in. */
function signInTargetOf(error: unknown): SignInTarget | null {
  const { workspace, responderType } = linkProblem(error);
  const code = problemCode(error);
  if ((code !== 'sign_in_required' && code !== 'not_an_approver') || !workspace || !responderType)
    return null;
  return { workspace, responderType, expectedName: null, currentName: null };
}

/** Before sign-in: the workspace's name and a way to sign in, nothing about the request. */
function SignInFirst({
  target,
  reason,
  preselected,
}: {
  target: SignInTarget;
  reason: 'required' | 'someoneElse';
  preselected: Decision | null;
}) {
  const { t } = useTranslation('respond');
  const location = useLocation();
  return (
    <div className="respond">
      <Page title={t('signIn.pageTitle', { workspace: target.workspace.name })}>
        <SignInPrompt
          target={target}
          returnTo={location.pathname + location.search}
          reason={reason}
          preselected={preselected}
        />
      </Page>
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
  const linkPath = `/approval-links/${encodeURIComponent(token)}`;
  const {
    data: page,
    error,
    loading,
    setData: setPage,
    reload,
  } = useAsync(() => get<LinkPage>(linkPath), token);
  const [busy, setBusy] = useState<Decision | null>(null);
  const [result, setResult] = useState<LinkDecisionResult | null>(null);
  const [dead, setDead] = useState<Gone | null>(null);
  const [refused, setRefused] = useState<Refused | null>(null);
  const [answerError, setAnswerError] = useState<string | null>(null);
  const [sentComments, setSentComments] = useState<LinkComment[]>([]);

  // The page speaks the recipient's language (SPEC §8.1), unless the visitor chose one in this browser.
  const locale = page?.locale;
  useEffect(() => {
    if (locale && !hasChosenLocale()) setLocale(locale, false);
  }, [locale]);

  /** What a refused action means here: a dead link or a sign-in switch the page, the rest is a message. */
  function refusal(err: unknown): string {
    const code = problemCode(err);
    const gone = goneOf(err);
    if (gone) setDead(gone);
    else if (code === 'sign_in_required') setRefused('expired');
    else if (code === 'not_an_approver') setRefused('someoneElse');
    else if (code === 'already_decided') return t('errors.alreadyDecided');
    else if (code === 'not_pending') return t('errors.notPending');
    else if (problemStatus(err) === 429) return t('errors.tooMany');
    else return t('errors.failed', { message: err instanceof Error ? err.message : String(err) });
    return '';
  }
  const [asking, setAsking] = useState(false);
  const [asked, setAsked] = useState(false);

  async function decide(decision: Decision, comment: string) {
    setBusy(decision);
    setAnswerError(null);
    try {
      const body = isBlank(comment) ? { decision } : { decision, comment: comment.trim() };
      setResult(await post<LinkDecisionResult>(`${linkPath}/decisions`, body));
    } catch (err) {
      setAnswerError(refusal(err) || null);
    } finally {
      setBusy(null);
    }
  }

  async function sendFeedback(body: string): Promise<string | null> {
    try {
      const comment = await post<LinkComment>(`${linkPath}/comments`, { body });
      setSentComments((list) => [...list, comment]);
      return null;
    } catch (err) {
      return refusal(err) || null;
    }
  }

  const gone = dead ?? goneOf(error);
  if (gone) return <DeadLink gone={gone} />;
  const signInFirst = signInTargetOf(error);
  if (signInFirst) {
    const reason = problemCode(error) === 'not_an_approver' ? 'someoneElse' : 'required';
    return <SignInFirst target={signInFirst} reason={reason} preselected={preselected} />;
  }
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
            <ErrorMessage error={error} onRetry={reload} />
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
  const target: SignInTarget = {
    workspace: page.workspace,
    responderType: page.expectedResponder.type,
    expectedName: page.expectedResponder.name ?? t('unknownPerson'),
    currentName: page.signedIn?.name ?? null,
  };
  const comments = [...page.approval.comments, ...sentComments];

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
          <SignInPrompt target={target} returnTo={returnTo} reason={mustSignIn} preselected={preselected} />
        ) : (
          <>
            <DecisionPanel
              kind={page.kind}
              preselected={preselected}
              busy={busy}
              error={answerError}
              onDecide={decide}
            />
            <FeedbackForm onSend={sendFeedback} />
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
        <History decisions={page.approval.decisions} comments={comments} />
        <PublicThread messages={page.ticket.thread} />
      </Page>
    </div>
  );
}
