import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Approval, Decision } from '../../api/types.js';
import { post } from '../../api.js';
import { ActionError, useAction } from './feedback.js';

/**
 * Approve / Deny with an optional comment, for an approver of the current step — or, while an appeal is
 * pending, for its reviewers (the same call then decides the appeal).
 */
export function DecisionForm({
  approval,
  onDecided,
}: {
  approval: Approval;
  onDecided: (a: Approval) => void;
}) {
  const { t } = useTranslation('agent');
  const headingId = useId();
  const commentId = useId();
  const hintId = useId();
  const commentRequired = approval.commentRequiredOnDeny === true;
  const internalId = useId();
  const [comment, setComment] = useState('');
  const [internal, setInternal] = useState(false);
  const action = useAction();
  const appeal = approval.status === 'appeal_pending';

  async function decide(decision: Decision) {
    const result = await action.run(() =>
      post<Approval>(`/approvals/${approval.id}/decisions`, {
        decision,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
        // An appeal's decision has no internal comment (docs/decisions.md, round 2).
        ...(internal && comment.trim() && !appeal ? { internal: true } : {}),
      }),
    );
    if (result) {
      setComment('');
      setInternal(false);
      onDecided(result);
    }
  }

  // Pressing Enter in the form must not pick a decision: only the buttons do.
  const noSubmit = (e: FormEvent) => e.preventDefault();

  return (
    <form className="form ag-panel ag-decision" onSubmit={noSubmit} aria-labelledby={headingId}>
      <h4 id={headingId}>{appeal ? t('decide.appealTitle') : t('decide.title')}</h4>
      <label htmlFor={commentId}>{t('decide.comment')}</label>
      <textarea
        id={commentId}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        maxLength={10000}
        aria-describedby={commentRequired ? hintId : undefined}
      />
      {commentRequired ? (
        <p id={hintId} className="muted">
          {t('decide.commentRequiredOnDeny')}
        </p>
      ) : null}
      {appeal ? null : (
        <div>
          <input
            id={internalId}
            type="checkbox"
            checked={internal}
            onChange={(e) => setInternal(e.target.checked)}
          />{' '}
          <label htmlFor={internalId}>{t('decide.internal')}</label>
        </div>
      )}
      <ActionError error={action.error} />
      <div className="row">
        <button type="button" className="approve" disabled={action.busy} onClick={() => decide('approve')}>
          {appeal ? t('decide.approveAppeal') : t('decide.approve')}
        </button>
        <button type="button" className="deny" disabled={action.busy} onClick={() => decide('deny')}>
          {appeal ? t('decide.denyAppeal') : t('decide.deny')}
        </button>
      </div>
    </form>
  );
}
