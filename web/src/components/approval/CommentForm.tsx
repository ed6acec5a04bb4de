import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Approval, ApprovalComment } from '../../api/types.js';
import { post } from '../../api.js';
import { ActionError, useAction } from './feedback.js';

/** A comment without a decision ("request more information"), optionally internal (members only). */
export function CommentForm({
  approval,
  onAdded,
  onCancel,
}: {
  approval: Approval;
  onAdded: (comment: ApprovalComment) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation('agent');
  const ids = { heading: useId(), body: useId(), internal: useId() };
  const [body, setBody] = useState('');
  const [internal, setInternal] = useState(false);
  const action = useAction();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!body.trim()) return;
    const comment = await action.run(() =>
      post<ApprovalComment>(`/approvals/${approval.id}/comments`, { body: body.trim(), internal }),
    );
    if (comment) {
      setBody('');
      onAdded(comment);
    }
  }

  return (
    <form className="form ag-panel" onSubmit={submit} aria-labelledby={ids.heading}>
      <h4 id={ids.heading}>{t('comment.title')}</h4>
      <label htmlFor={ids.body}>{t('comment.body')}</label>
      <textarea
        id={ids.body}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        required
        maxLength={10000}
      />
      <div>
        <input
          id={ids.internal}
          type="checkbox"
          checked={internal}
          onChange={(e) => setInternal(e.target.checked)}
        />{' '}
        <label htmlFor={ids.internal}>{t('comment.internal')}</label>
      </div>
      <ActionError error={action.error} />
      <div className="row">
        <button type="submit" className="primary" disabled={action.busy}>
          {t('comment.send')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('common:actions.cancel')}
        </button>
      </div>
    </form>
  );
}
