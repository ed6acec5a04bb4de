import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Approval, type ApprovalComment, COMMENT_MAX } from '../../api/types.js';
import { post } from '../../api.js';
import { type Audience, seesInternals, WORDS } from './audience.js';
import { ActionError, useAction } from './feedback.js';

/** A comment without a decision ("request more information"), optionally internal (members only). */
export function CommentForm({
  approval,
  audience,
  onAdded,
  onCancel,
}: {
  approval: Approval;
  audience: Audience;
  onAdded: (comment: ApprovalComment) => void;
  /** Where the form is a panel that opened: closes it. */
  onCancel?: () => void;
}) {
  const words = WORDS[audience];
  const { t } = useTranslation(words.ns);
  const ids = { heading: useId(), body: useId(), internal: useId(), error: useId() };
  const [body, setBody] = useState('');
  const [internal, setInternal] = useState(false);
  const [missing, setMissing] = useState(false);
  const action = useAction();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!body.trim()) {
      setMissing(true);
      return;
    }
    setMissing(false);
    const comment = await action.run(() =>
      post<ApprovalComment>(`/approvals/${approval.id}/comments`, {
        body: body.trim(),
        ...(seesInternals(audience) ? { internal } : {}),
      }),
    );
    if (comment) {
      setBody('');
      onAdded(comment);
    }
  }

  const showMissing = missing && words.commentMissing;
  return (
    <form
      className="form ag-panel"
      onSubmit={submit}
      aria-labelledby={words.commentHeading ? ids.heading : undefined}
      noValidate={words.commentMissing !== null}
    >
      {words.commentHeading ? <h4 id={ids.heading}>{t(words.commentHeading)}</h4> : null}
      <label htmlFor={ids.body}>{t(words.commentLabel)}</label>
      <textarea
        id={ids.body}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        required
        maxLength={COMMENT_MAX}
        rows={3}
        aria-invalid={showMissing ? true : undefined}
        aria-describedby={showMissing ? ids.error : undefined}
      />
      {showMissing && words.commentMissing ? (
        <p id={ids.error} className="error" role="alert">
          {t(words.commentMissing)}
        </p>
      ) : null}
      {seesInternals(audience) ? (
        <div>
          <input
            id={ids.internal}
            type="checkbox"
            checked={internal}
            onChange={(e) => setInternal(e.target.checked)}
          />{' '}
          <label htmlFor={ids.internal}>{t('comment.internal')}</label>
        </div>
      ) : null}
      <ActionError error={action.error} />
      <div className="row">
        <button type="submit" className="primary" disabled={action.busy}>
          {t(words.commentSubmit)}
        </button>
        {onCancel ? (
          <button type="button" onClick={onCancel}>
            {t('common:actions.cancel')}
          </button>
        ) : null}
      </div>
    </form>
  );
}
