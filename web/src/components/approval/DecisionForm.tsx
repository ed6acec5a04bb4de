import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Approval, COMMENT_MAX, type Decision } from '../../api/types.js';
import { post } from '../../api.js';
import { type Audience, seesInternals, WORDS } from './audience.js';
import { ActionError, useAction } from './feedback.js';

/**
 * Approve / Deny with an optional comment, for an approver of the current step — or, while an appeal is
 * pending, for its reviewers (the same call then decides the appeal). The buttons are plain buttons:
 * only the one a person clicks supplies the decision. Members may mark the comment internal.
 */
export function DecisionForm({
  approval,
  audience,
  onDecided,
}: {
  approval: Approval;
  audience: Audience;
  onDecided: (a: Approval) => void;
}) {
  const words = WORDS[audience];
  const { t } = useTranslation(words.ns);
  const ids = { heading: useId(), comment: useId(), hint: useId(), internal: useId() };
  // Only members are told of the template's rule before they answer (contacts learn it from the 422).
  const commentRequired = approval.commentRequiredOnDeny === true && seesInternals(audience);
  const hint = commentRequired ? t('decide.commentRequiredOnDeny') : words.decideHint && t(words.decideHint);
  const [comment, setComment] = useState('');
  const [internal, setInternal] = useState(false);
  const [pressed, setPressed] = useState<Decision | null>(null);
  const action = useAction();
  const appeal = approval.status === 'appeal_pending';
  const offerInternal = seesInternals(audience) && !appeal;

  async function decide(decision: Decision) {
    setPressed(decision);
    const text = comment.trim();
    const result = await action.run(() =>
      post<Approval>(`/approvals/${approval.id}/decisions`, {
        decision,
        ...(text ? { comment: text } : {}),
        // An appeal's decision has no internal comment (docs/decisions.md, round 2).
        ...(internal && text && offerInternal ? { internal: true } : {}),
      }),
    );
    setPressed(null);
    if (result) {
      setComment('');
      setInternal(false);
      onDecided(result);
    }
  }

  const label = (decision: Decision) => {
    if (action.busy && pressed === decision && words.decideSending) return t(words.decideSending);
    if (appeal) return t(decision === 'approve' ? words.approveAppeal : words.denyAppeal);
    return t(decision === 'approve' ? 'decide.approve' : 'decide.deny');
  };

  // Pressing Enter in the form must not pick a decision: only the buttons do.
  const noSubmit = (e: FormEvent) => e.preventDefault();

  return (
    <form className="form ag-panel ag-decision" onSubmit={noSubmit} aria-labelledby={ids.heading}>
      <h4 id={ids.heading}>{appeal ? t('decide.appealTitle') : t('decide.title')}</h4>
      <label htmlFor={ids.comment}>{t('decide.comment')}</label>
      <textarea
        id={ids.comment}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        maxLength={COMMENT_MAX}
        rows={3}
        aria-describedby={hint ? ids.hint : undefined}
      />
      {hint ? (
        <p id={ids.hint} className="muted">
          {hint}
        </p>
      ) : null}
      {offerInternal ? (
        <div>
          <input
            id={ids.internal}
            type="checkbox"
            checked={internal}
            onChange={(e) => setInternal(e.target.checked)}
          />{' '}
          <label htmlFor={ids.internal}>{t('decide.internal')}</label>
        </div>
      ) : null}
      <ActionError error={action.error} />
      <div className="row decision-buttons">
        <button type="button" className="approve" disabled={action.busy} onClick={() => decide('approve')}>
          {label('approve')}
        </button>
        <button type="button" className="deny" disabled={action.busy} onClick={() => decide('deny')}>
          {label('deny')}
        </button>
      </div>
    </form>
  );
}
