import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Appeal, Approval, ApprovalComment, Directory, StepApprover } from '../../api/types.js';
import { post } from '../../api.js';
import { formatDate } from '../../i18n.js';
import { StatusBadge } from '../common.js';
import { AppealForm } from './AppealForm.js';
import { ApprovalSteps } from './ApprovalSteps.js';
import { CommentForm } from './CommentForm.js';
import { DecisionForm } from './DecisionForm.js';
import { EditRecipientsForm } from './EditRecipientsForm.js';
import { ActionDone, ActionError, useAction } from './feedback.js';
import { InfoForm, NeedsInfoNotice } from './InfoForm.js';
import { joinNames } from './words.js';

type Panel = 'comment' | 'recipients' | 'appeal' | 'cancel' | 'ask' | 'answer' | null;

/** One approval request on the ticket, with everything an agent can do on it. */
export function ApprovalCard({
  approval,
  directory,
  highlighted,
  onUpdated,
  onRemoved,
}: {
  approval: Approval;
  directory: Directory;
  highlighted?: boolean;
  /** The approval changed (the API answered with its new state). */
  onUpdated: (approval: Approval) => void;
  /** The approval no longer shows on the ticket (canceled). */
  onRemoved: (approval: Approval, message: string) => void;
}) {
  const { t, i18n } = useTranslation('agent');
  const headingId = useId();
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
  const lang = i18n.language;
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
    <article
      ref={article}
      id={`approval-${a.id}`}
      className={`card ag-approval${highlighted ? ' ag-highlighted' : ''}`}
      aria-labelledby={headingId}
      tabIndex={-1}
    >
      <header className="ag-approval-header">
        <h3 id={headingId}>{t('approval.heading', { number: a.number, title: a.title })}</h3>
        <StatusBadge status={a.displayStatus} />
      </header>
      <p className="muted">
        {t('approval.requestedBy', {
          name: a.requestedBy.name ?? t('people.unknown'),
          date: formatDate(a.createdAt, lang),
        })}
        {a.onBehalfOf ? (
          <>
            {' · '}
            {t('approval.onBehalfOf', { name: a.onBehalfOf.name ?? t('people.unknown') })}
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
      {a.needsInfo ? (
        <NeedsInfoNotice
          askedBy={a.needsInfo.askedBy.name ?? t('people.unknown')}
          askedAt={a.needsInfo.askedAt}
          formatDate={(iso) => formatDate(iso, lang)}
        />
      ) : null}
      {a.description ? <p className="ag-pre-wrap">{a.description}</p> : null}
      <FormData data={a.formData} />

      <h4>{t('approval.steps')}</h4>
      <ApprovalSteps approval={a} onRemind={canRemind ? remind : undefined} busy={action.busy} />

      <CommentList comments={a.comments} />
      {a.appeal ? <AppealDetails appeal={a.appeal} /> : null}

      {a.canRespond ? (
        <DecisionForm approval={a} onDecided={(next) => updated(next, t('done.decided'))} />
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
      {panel === 'comment' ? <CommentForm approval={a} onAdded={commentAdded} onCancel={closePanel} /> : null}
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
    </article>
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

function CommentList({ comments }: { comments: ApprovalComment[] }) {
  const { t, i18n } = useTranslation('agent');
  if (comments.length === 0) return null;
  return (
    <>
      <h4>{t('approval.comments')}</h4>
      <ul className="ag-plain">
        {comments.map((c) => (
          <li key={c.id} className={`message${c.internal ? ' internal' : ''}`}>
            <div className="row">
              <strong>{c.author.name ?? t('people.unknown')}</strong>
              <span className="muted">{formatDate(c.createdAt, i18n.language)}</span>
              {c.internal ? <span className="ag-tag">{t('comment.internalTag')}</span> : null}
            </div>
            <p className="ag-pre-wrap">{c.body}</p>
          </li>
        ))}
      </ul>
    </>
  );
}

function AppealDetails({ appeal }: { appeal: Appeal }) {
  const { t, i18n } = useTranslation('agent');
  const lang = i18n.language;
  const reviewers = joinNames(
    appeal.reviewers.map((r) => r.name ?? t('people.unknown')),
    lang,
  );
  return (
    <section className="ag-appeal" aria-label={t('appeal.title')}>
      <h4>
        {t('appeal.title')}{' '}
        <span className={`ag-answer ag-appeal-${appeal.status}`}>{t(`appeal.status.${appeal.status}`)}</span>
      </h4>
      <p className="muted">
        {t('appeal.requestedBy', {
          name: appeal.requestedBy.name ?? t('people.unknown'),
          date: formatDate(appeal.requestedAt, lang),
        })}
      </p>
      <blockquote className="ag-quote">{appeal.reason}</blockquote>
      <p>{t('appeal.reviewers', { names: reviewers })}</p>
      {appeal.decision ? (
        <div>
          <p>
            {t(appeal.decision.value === 'approve' ? 'appeal.approvedBy' : 'appeal.deniedBy', {
              name: appeal.decision.by.name ?? t('people.unknown'),
              date: formatDate(appeal.decision.at, lang),
            })}
          </p>
          {appeal.decision.comment ? (
            <blockquote className="ag-quote">{appeal.decision.comment}</blockquote>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
