import { type Ref, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Appeal, Approval, ApprovalComment } from '../../api/types.js';
import { InfoForm, NeedsInfoNotice } from '../../components/approval/InfoForm.js';
import { StatusBadge } from '../../components/common.js';
import { formatDate } from '../../i18n.js';
import { AppealForm, CommentForm, DecisionForm } from './ApprovalForms.js';
import { StepList } from './StepList.js';

function AppealDetails({ appeal }: { appeal: Appeal }) {
  const { t, i18n } = useTranslation('portal');
  const reviewers = appeal.reviewers.map((r) => r.name ?? t('unknownPerson')).join(', ');
  return (
    <div>
      <h4>
        {t('appeal.title')} <span className="muted small">· {t(`appeal.status.${appeal.status}`)}</span>
      </h4>
      <p className="small">
        {t('appeal.requestedBy', {
          name: appeal.requestedBy.name ?? t('unknownPerson'),
          date: formatDate(appeal.requestedAt, i18n.language),
        })}
      </p>
      <blockquote className="decision-comment">{appeal.reason}</blockquote>
      {reviewers ? <p className="small">{t('appeal.reviewers', { names: reviewers })}</p> : null}
      {appeal.decision ? (
        <>
          <p className="small">
            {t(`appeal.decided.${appeal.decision.value}`, {
              name: appeal.decision.by.name ?? t('unknownPerson'),
              date: formatDate(appeal.decision.at, i18n.language),
            })}
          </p>
          {appeal.decision.comment ? (
            <blockquote className="decision-comment">{appeal.decision.comment}</blockquote>
          ) : null}
        </>
      ) : null}
    </div>
  );
}

function CommentList({ comments }: { comments: ApprovalComment[] }) {
  const { t, i18n } = useTranslation('portal');
  const visible = comments.filter((c) => !c.internal);
  return (
    <div>
      <h4>{t('comment.title')}</h4>
      {visible.length === 0 ? (
        <p className="empty small">{t('comment.empty')}</p>
      ) : (
        <ul className="comment-list">
          {visible.map((c) => (
            <li key={c.id}>
              <div className="message-head">
                <strong>{c.author.name ?? t('unknownPerson')}</strong>
                <time className="muted" dateTime={c.createdAt}>
                  {formatDate(c.createdAt, i18n.language)}
                </time>
              </div>
              <p className="message-body pre-wrap">{c.body}</p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

type Props = {
  ref?: Ref<HTMLElement>;
  approval: Approval;
  focused: boolean;
  /** The approval as an action answered it (decision, appeal). */
  onChanged(approval: Approval): void;
  /** Something changed that needs a reload (a comment). */
  onReload(): void;
};

/** One approval as a contact sees it (rule 3), with the actions the API says they may take. */
export function ApprovalCard({ ref, approval, focused, onChanged, onReload }: Props) {
  const { t, i18n } = useTranslation('portal');
  const headingId = `approval-${approval.id}-title`;
  const [notice, setNotice] = useState<string | null>(null);
  const noticeRef = useRef<HTMLParagraphElement>(null);

  // The button that was pressed may be gone (an answer removes the form): keep focus in the card.
  useEffect(() => {
    if (notice) noticeRef.current?.focus();
  }, [notice]);

  const done = (message: string) => (next?: Approval) => {
    setNotice(message);
    if (next) onChanged(next);
    else onReload();
  };
  return (
    <article
      ref={ref}
      id={`approval-${approval.id}`}
      className={`approval-card${focused ? ' focused' : ''}`}
      aria-labelledby={headingId}
      tabIndex={-1}
    >
      <header>
        <h3 id={headingId}>{t('approval.heading', { number: approval.number, title: approval.title })}</h3>
        <StatusBadge status={approval.displayStatus} />
      </header>
      <p className="small muted">
        {approval.onBehalfOf
          ? t('approval.requestedByOnBehalf', {
              name: approval.requestedBy.name ?? t('unknownPerson'),
              onBehalf: approval.onBehalfOf.name ?? t('unknownPerson'),
              date: formatDate(approval.createdAt, i18n.language),
            })
          : t('approval.requestedBy', {
              name: approval.requestedBy.name ?? t('unknownPerson'),
              date: formatDate(approval.createdAt, i18n.language),
            })}
      </p>
      {approval.needsInfo ? (
        <NeedsInfoNotice
          askedBy={approval.needsInfo.askedBy.name ?? t('unknownPerson')}
          askedAt={approval.needsInfo.askedAt}
          formatDate={(iso) => formatDate(iso, i18n.language)}
        />
      ) : null}
      {approval.description ? <p className="pre-wrap">{approval.description}</p> : null}
      <h4>{t('steps.heading')}</h4>
      <StepList steps={approval.steps} currentStepIndex={approval.currentStepIndex} />
      {approval.appeal ? <AppealDetails appeal={approval.appeal} /> : null}
      <CommentList comments={approval.comments} />
      <p ref={noticeRef} className={notice ? 'success' : 'visually-hidden'} role="status" tabIndex={-1}>
        {notice ?? ''}
      </p>
      {approval.canProvideInfo ? (
        <InfoForm<Approval>
          kind="answer"
          path={`/approvals/${approval.id}/info`}
          onDone={done(t('common:needsInfo.answered'))}
        />
      ) : null}
      {approval.canRespond ? <DecisionForm approval={approval} onDone={done(t('decide.recorded'))} /> : null}
      {approval.canAskForInfo ? (
        <InfoForm<Approval>
          kind="ask"
          path={`/approvals/${approval.id}/needs-info`}
          onDone={done(t('common:needsInfo.asked'))}
        />
      ) : null}
      {approval.canComment ? (
        <CommentForm approvalId={approval.id} onDone={done(t('comment.posted'))} />
      ) : null}
      {approval.canAppeal ? <AppealForm approvalId={approval.id} onDone={done(t('appeal.sent'))} /> : null}
    </article>
  );
}
