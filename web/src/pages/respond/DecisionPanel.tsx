import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { COMMENT_MAX, type Decision } from '../../api/types.js';

/**
 * The answer: an optional comment and two buttons a person must press. There is no default decision and
 * nothing is sent on load; `preselected` (from `?decision=`) only highlights and focuses a button.
 */
export function DecisionPanel({
  kind,
  preselected,
  busy,
  error,
  onDecide,
}: {
  kind: 'step' | 'appeal';
  preselected: Decision | null;
  busy: Decision | null;
  error: string | null;
  onDecide(decision: Decision, comment: string): void;
}) {
  const { t } = useTranslation('respond');
  const ids = { comment: useId(), hint: useId(), note: useId(), error: useId() };
  const [comment, setComment] = useState('');
  const approveButton = useRef<HTMLButtonElement>(null);
  const denyButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    // Focus only; the person still reads the request above and presses the button themselves.
    const button = preselected === 'approve' ? approveButton : preselected === 'deny' ? denyButton : null;
    button?.current?.focus({ preventScroll: true });
  }, [preselected]);

  const describedBy = (decision: Decision) =>
    [preselected === decision ? ids.note : null, error ? ids.error : null].filter(Boolean).join(' ') ||
    undefined;

  return (
    <form
      className="card form"
      aria-labelledby="respond-answer"
      onSubmit={(e) => {
        // A submission without a pressed button decides nothing.
        e.preventDefault();
      }}
    >
      <h2 id="respond-answer">{kind === 'appeal' ? t('answer.appealTitle') : t('answer.title')}</h2>
      {preselected ? (
        <p id={ids.note} className="preselect-note">
          {t(preselected === 'approve' ? 'answer.preselectedApprove' : 'answer.preselectedDeny')}
        </p>
      ) : null}
      <label htmlFor={ids.comment}>{t('answer.comment')}</label>
      <textarea
        id={ids.comment}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        maxLength={COMMENT_MAX}
        rows={4}
        aria-describedby={ids.hint}
      />
      <p id={ids.hint} className="field-hint">
        {t('answer.commentHint')}
      </p>
      {error ? (
        <p id={ids.error} className="error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="decision-buttons">
        <button
          ref={approveButton}
          type="button"
          className={`approve${preselected === 'approve' ? ' preselected' : ''}`}
          disabled={busy !== null}
          aria-describedby={describedBy('approve')}
          onClick={() => onDecide('approve', comment)}
        >
          {busy === 'approve' ? t('answer.sending') : t('answer.approve')}
        </button>
        <button
          ref={denyButton}
          type="button"
          className={`deny${preselected === 'deny' ? ' preselected' : ''}`}
          disabled={busy !== null}
          aria-describedby={describedBy('deny')}
          onClick={() => onDecide('deny', comment)}
        >
          {busy === 'deny' ? t('answer.sending') : t('answer.deny')}
        </button>
      </div>
    </form>
  );
}
