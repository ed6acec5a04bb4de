import { type ReactNode, type Ref, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Appeal, Approval, ApprovalComment, Directory, StepApprover } from '../../api/types.js';
import { post } from '../../api.js';
import { formatDate } from '../../i18n.js';
import { StatusBadge } from '../common.js';
import { AppealForm } from './AppealForm.js';
import { type Audience, seesInternals, WORDS } from './audience.js';
import { CommentForm } from './CommentForm.js';
import { DecisionForm } from './DecisionForm.js';
import { EditRecipientsForm } from './EditRecipientsForm.js';
import { ActionDone, ActionError, useAction } from './feedback.js';
import { InfoForm, NeedsInfoNotice } from './InfoForm.js';
import { StepList } from './StepList.js';
import { joinNames } from './words.js';

type Panel = 'comment' | 'recipients' | 'appeal' | 'cancel' | 'ask' | 'answer' | null;

/** What the agent workspace does with a card: it knows the directory, and a canceled request leaves. */
type AgentProps = {
  audience: 'agent';
  directory: Directory;
  /** The approval changed (the API answered with its new state). */
  onUpdated: (approval: Approval) => void;
  /** The approval no longer shows on the ticket (canceled). */
  onRemoved: (approval: Approval, message: string) => void;
};
/** What the portal does: it shows the new state, or loads again after a comment. */
type PortalProps = {
  audience: 'portal';
  ref?: Ref<HTMLElement>;
  /** The approval as an action answered it (decision, appeal). */
  onChanged: (approval: Approval) => void;
  /** Something changed that needs a reload (a comment). */
  onReload: () => void;
};
export type ApprovalCardProps = { approval: Approval; highlighted?: boolean } & (AgentProps | PortalProps);

/**
 * One approval request, with the actions the API says its reader may take (`can*`). Agents and
 * contacts read the same card; the actions a member alone has (edit recipients, remind, cancel,
 * internal notes) are never offered to a contact, and the API refuses them anyway.
 */
export function ApprovalCard(props: ApprovalCardProps) {
  return props.audience === 'agent' ? <AgentApprovalCard {...props} /> : <PortalApprovalCard {...props} />;
}

/** The card's frame and what every reader sees: heading, status, who asked, steps, comments, appeal. */
function ApprovalView({
  approval: a,
  audience,
  articleRef,
  highlighted,
  onRemind,
  busy,
  children,
}: {
  approval: Approval;
  audience: Audience;
  articleRef: Ref<HTMLElement> | undefined;
  highlighted: boolean | undefined;
  /** Agents: remind one of the current step's approvers who have not answered. */
  onRemind?: ((approver: StepApprover) => void) | undefined;
  busy?: boolean;
  /** The actions. */
  children: ReactNode;
}) {
  const words = WORDS[audience];
  const { t, i18n } = useTranslation(words.ns);
  const headingId = useId();
  const lang = i18n.language;
  const unknown = t(words.unknownPerson);
  const frame =
    audience === 'agent'
      ? `card ag-approval${highlighted ? ' ag-highlighted' : ''}`
      : `approval-card${highlighted ? ' focused' : ''}`;
  return (
    <article
      ref={articleRef}
      id={`approval-${a.id}`}
      className={frame}
      aria-labelledby={headingId}
      tabIndex={-1}
    >
      <header className="ag-approval-header">
        <h3 id={headingId}>{t('approval.heading', { number: a.number, title: a.title })}</h3>
        <StatusBadge status={a.displayStatus} />
      </header>
      <RequestedBy approval={a} audience={audience} />
      {a.needsInfo ? (
        <NeedsInfoNotice
          askedBy={a.needsInfo.askedBy.name ?? unknown}
          askedAt={a.needsInfo.askedAt}
          formatDate={(iso) => formatDate(iso, lang)}
        />
      ) : null}
      {a.description ? <p className="ag-pre-wrap pre-wrap">{a.description}</p> : null}
      {seesInternals(audience) ? <FormData data={a.formData} /> : null}
      <h4>{t(audience === 'agent' ? 'approval.steps' : 'steps.heading')}</h4>
      <StepList
        steps={a.steps}
        currentStepIndex={a.currentStepIndex}
        audience={audience}
        pending={a.status === 'pending'}
        onRemind={onRemind}
        busy={busy}
      />
      <CommentList comments={a.comments} audience={audience} />
      {a.appeal ? <AppealDetails appeal={a.appeal} audience={audience} /> : null}
      {children}
    </article>
  );
}

function RequestedBy({ approval: a, audience }: { approval: Approval; audience: Audience }) {
  const words = WORDS[audience];
  const { t, i18n } = useTranslation(words.ns);
  const lang = i18n.language;
  const name = a.requestedBy.name ?? t(words.unknownPerson);
  if (audience === 'portal') {
    return (
      <p className="small muted">
        {a.onBehalfOf
          ? t('approval.requestedByOnBehalf', {
              name,
              onBehalf: a.onBehalfOf.name ?? t(words.unknownPerson),
              date: formatDate(a.createdAt, lang),
            })
          : t('approval.requestedBy', { name, date: formatDate(a.createdAt, lang) })}
      </p>
    );
  }
  return (
    <p className="muted">
      {t('approval.requestedBy', { name, date: formatDate(a.createdAt, lang) })}
      {a.onBehalfOf ? (
        <>
          {' · '}
          {t('approval.onBehalfOf', { name: a.onBehalfOf.name ?? t(words.unknownPerson) })}
        </>
      ) : null}
      {a.expiresAt && a.status === 'pending' ? (
        <>
          {' · '}
          {t('approval.expiresAt', { date: formatDate(a.expiresAt, lang) })}
        </>
      ) : null}
      {a.completedAt ? (
        <>
          {' · '}
          {t('approval.completedAt', { date: formatDate(a.completedAt, lang) })}
        </>
      ) : null}
    </p>
  );
}

function FormData({ data }: { data: Record<string, unknown> | null | undefined }) {
  const { t } = useTranslation('agent');
  const entries = Object.entries(data ?? {});
  if (entries.length === 0) return null;
  return (
    <>
      <h4>{t('approval.formData')}</h4>
      <dl className="ag-form-data">
        {entries.map(([key, value]) => (
          <div key={key}>
            <dt>{key}</dt>
            <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}

function CommentList({ comments, audience }: { comments: ApprovalComment[]; audience: Audience }) {
  const words = WORDS[audience];
  const { t, i18n } = useTranslation(words.ns);
  // The API gives contacts no internal comment; the filter keeps it that way should it ever slip.
  const visible = seesInternals(audience) ? comments : comments.filter((c) => !c.internal);
  if (visible.length === 0 && !words.commentsEmpty) return null;
  return (
    <>
      <h4>{t(words.commentsTitle)}</h4>
      {visible.length === 0 && words.commentsEmpty ? (
        <p className="empty small">{t(words.commentsEmpty)}</p>
      ) : (
        <ul className="ag-plain comment-list">
          {visible.map((c) => (
            <li key={c.id} className={`message${c.internal ? ' internal' : ''}`}>
              <div className="row">
                <strong>{c.author.name ?? t(words.unknownPerson)}</strong>
                <time className="muted" dateTime={c.createdAt}>
                  {formatDate(c.createdAt, i18n.language)}
                </time>
                {c.internal ? <span className="ag-tag">{t('comment.internalTag')}</span> : null}
              </div>
              <p className="ag-pre-wrap pre-wrap">{c.body}</p>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function AppealDetails({ appeal, audience }: { appeal: Appeal; audience: Audience }) {
  const words = WORDS[audience];
  const { t, i18n } = useTranslation(words.ns);
  const lang = i18n.language;
  const unknown = t(words.unknownPerson);
  const reviewers = joinNames(
    appeal.reviewers.map((r) => r.name ?? unknown),
    lang,
  );
  const decision = appeal.decision;
  const decided = decision
    ? {
        name: decision.by.name ?? unknown,
        date: formatDate(decision.at, lang),
      }
    : null;
  return (
    <section className="ag-appeal" aria-label={t('appeal.title')}>
      <h4>
        {t('appeal.title')}{' '}
        <span className={`ag-answer ag-appeal-${appeal.status}`}>
          {t(`${words.appealStatus}.${appeal.status}`)}
        </span>
      </h4>
      <p className="muted">
        {t('appeal.requestedBy', {
          name: appeal.requestedBy.name ?? unknown,
          date: formatDate(appeal.requestedAt, lang),
        })}
      </p>
      <blockquote className="ag-quote">{appeal.reason}</blockquote>
      {reviewers ? <p>{t(words.appealReviewers, { names: reviewers })}</p> : null}
      {decision && decided ? (
        <div>
          <p>
            {audience === 'agent'
              ? t(decision.value === 'approve' ? 'appeal.approvedBy' : 'appeal.deniedBy', decided)
              : t(`appeal.decided.${decision.value}`, decided)}
          </p>
          {decision.comment ? <blockquote className="ag-quote">{decision.comment}</blockquote> : null}
        </div>
      ) : null}
    </section>
  );
}

/** A contact's card (rule 3): the forms are open, the answer is confirmed in the card. */
function PortalApprovalCard({
  approval,
  highlighted,
  ref,
  onChanged,
  onReload,
}: { approval: Approval; highlighted?: boolean } & PortalProps) {
  const { t } = useTranslation('portal');
  const [notice, setNotice] = useState<string | null>(null);
  const [appealOpen, setAppealOpen] = useState(false);
  const noticeRef = useRef<HTMLParagraphElement>(null);

  // The button that was pressed may be gone (an answer removes the form): keep focus in the card.
  useEffect(() => {
    if (notice) noticeRef.current?.focus();
  }, [notice]);

  const done = (message: string) => (next?: Approval) => {
    setNotice(message);
    setAppealOpen(false);
    if (next) onChanged(next);
    else onReload();
  };
  return (
    <ApprovalView approval={approval} audience="portal" articleRef={ref} highlighted={highlighted}>
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
      {approval.canRespond ? (
        <DecisionForm approval={approval} audience="portal" onDecided={done(t('decide.recorded'))} />
      ) : null}
      {approval.canAskForInfo ? (
        <InfoForm<Approval>
          kind="ask"
          path={`/approvals/${approval.id}/needs-info`}
          onDone={done(t('common:needsInfo.asked'))}
        />
      ) : null}
      {approval.canComment ? (
        <CommentForm approval={approval} audience="portal" onAdded={() => done(t('comment.posted'))()} />
      ) : null}
      {approval.canAppeal ? (
        appealOpen ? (
          <AppealForm
            approval={approval}
            audience="portal"
            onRequested={done(t('appeal.sent'))}
            onCancel={() => setAppealOpen(false)}
          />
        ) : (
          <div className="action-panel">
            <button type="button" aria-expanded={false} onClick={() => setAppealOpen(true)}>
              {t('appeal.request')}
            </button>
          </div>
        )
      ) : null}
    </ApprovalView>
  );
}

/** One approval request on the ticket, with everything an agent can do on it. */
function AgentApprovalCard({
  approval,
  directory,
  highlighted,
  onUpdated,
  onRemoved,
}: { approval: Approval; highlighted?: boolean } & AgentProps) {
  const { t } = useTranslation('agent');
  const [panel, setPanel] = useState<Panel>(null);
  const article = useRef<HTMLElement>(null);
  const openers = useRef(new Map<Exclude<Panel, null>, HTMLButtonElement>());
  const opener = (p: Exclude<Panel, null>) => (el: HTMLButtonElement | null) => {
    if (el) openers.current.set(p, el);
    else openers.current.delete(p);
  };
  /** Closes the open form and gives focus back to the button that opened it. */
  const closePanel = () => {
    const button = panel ? openers.current.get(panel) : undefined;
    setPanel(null);
    button?.focus();
  };
  const [done, setDone] = useState<string | null>(null);
  const action = useAction();
  const a = approval;

  function updated(next: Approval, message: string) {
    setPanel(null);
    setDone(message);
    article.current?.focus({ preventScroll: true });
    // A canceled approval leaves the ticket (rule 7), whichever action canceled it.
    if (next.status === 'canceled') onRemoved(next, t('done.canceled', { number: a.number, title: a.title }));
    else onUpdated(next);
  }

  async function remind(approver?: StepApprover) {
    setDone(null);
    const next = await action.run(() =>
      post<Approval>(
        `/approvals/${a.id}/reminders`,
        approver ? { approver: { type: approver.type, id: approver.id } } : {},
      ),
    );
    if (next)
      updated(
        next,
        approver
          ? t('done.remindedOne', { name: approver.name ?? t('people.unknown') })
          : t('done.remindedAll'),
      );
  }

  async function cancel() {
    setDone(null);
    const next = await action.run(() => post<Approval>(`/approvals/${a.id}/cancel`));
    if (next) updated(next, '');
  }

  function commentAdded(comment: ApprovalComment) {
    closePanel();
    setDone(t('done.commented'));
    onUpdated({ ...a, comments: [...a.comments, comment] });
  }

  const toggle = (p: Panel) => {
    setDone(null);
    action.clear();
    setPanel((cur) => (cur === p ? null : p));
  };
  const canRemind = a.status === 'pending' && a.canEditRecipients;

  return (
    <ApprovalView
      approval={a}
      audience="agent"
      articleRef={article}
      highlighted={highlighted}
      onRemind={canRemind ? remind : undefined}
      busy={action.busy}
    >
      {a.canRespond ? (
        <DecisionForm approval={a} audience="agent" onDecided={(next) => updated(next, t('done.decided'))} />
      ) : null}

      <div className="row ag-approval-actions">
        {a.canComment ? (
          <button
            type="button"
            ref={opener('comment')}
            aria-expanded={panel === 'comment'}
            onClick={() => toggle('comment')}
          >
            {t('approval.comment')}
          </button>
        ) : null}
        {a.canProvideInfo ? (
          <button
            type="button"
            ref={opener('answer')}
            aria-expanded={panel === 'answer'}
            onClick={() => toggle('answer')}
          >
            {t('common:needsInfo.answer.open')}
          </button>
        ) : null}
        {a.canAskForInfo ? (
          <button
            type="button"
            ref={opener('ask')}
            aria-expanded={panel === 'ask'}
            onClick={() => toggle('ask')}
          >
            {t('common:needsInfo.ask.open')}
          </button>
        ) : null}
        {a.canEditRecipients ? (
          <button
            type="button"
            ref={opener('recipients')}
            aria-expanded={panel === 'recipients'}
            onClick={() => toggle('recipients')}
          >
            {t('approval.editRecipients')}
          </button>
        ) : null}
        {canRemind ? (
          <button type="button" onClick={() => remind()} disabled={action.busy}>
            {t('approval.resendAll')}
          </button>
        ) : null}
        {a.canAppeal ? (
          <button
            type="button"
            ref={opener('appeal')}
            aria-expanded={panel === 'appeal'}
            onClick={() => toggle('appeal')}
          >
            {t('appeal.request')}
          </button>
        ) : null}
        {a.canCancel ? (
          <button
            type="button"
            ref={opener('cancel')}
            aria-expanded={panel === 'cancel'}
            onClick={() => toggle('cancel')}
          >
            {t('approval.cancel')}
          </button>
        ) : null}
      </div>

      {panel === 'ask' || panel === 'answer' ? (
        <InfoForm<Approval>
          kind={panel}
          path={`/approvals/${a.id}/${panel === 'ask' ? 'needs-info' : 'info'}`}
          onDone={(next) =>
            updated(next, t(panel === 'ask' ? 'common:needsInfo.asked' : 'common:needsInfo.answered'))
          }
          onCancel={closePanel}
        />
      ) : null}
      {panel === 'comment' ? (
        <CommentForm approval={a} audience="agent" onAdded={commentAdded} onCancel={closePanel} />
      ) : null}
      {panel === 'recipients' ? (
        <EditRecipientsForm
          approval={a}
          directory={directory}
          onSaved={(next) => updated(next, t('done.recipientsSaved'))}
          onCancel={closePanel}
        />
      ) : null}
      {panel === 'appeal' ? (
        <AppealForm
          approval={a}
          audience="agent"
          onRequested={(next) => updated(next, t('done.appealRequested'))}
          onCancel={closePanel}
        />
      ) : null}
      {panel === 'cancel' ? (
        <div className="ag-panel">
          <p>{t('approval.cancelConfirm')}</p>
          <div className="row">
            <button type="button" className="deny" onClick={cancel} disabled={action.busy}>
              {t('approval.cancelYes')}
            </button>
            <button type="button" onClick={closePanel}>
              {t('approval.cancelNo')}
            </button>
          </div>
        </div>
      ) : null}
      <ActionError error={action.error} />
      <ActionDone message={done} />
    </ApprovalView>
  );
}
