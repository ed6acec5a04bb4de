import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Approval } from '../../api/types.js';
import { post } from '../../api.js';
import { ActionError, useAction } from './feedback.js';

/** "Request an appeal" after a denial; the reason is required (≤ 2,000 characters). */
export function AppealForm({
  approval,
  onRequested,
  onCancel,
}: {
  approval: Approval;
  onRequested: (a: Approval) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation('agent');
  const ids = { heading: useId(), reason: useId(), hint: useId() };
  const [reason, setReason] = useState('');
  const [empty, setEmpty] = useState(false);
  const action = useAction();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!reason.trim()) {
      setEmpty(true);
      return;
    }
    setEmpty(false);
    const result = await action.run(() =>
      post<Approval>(`/approvals/${approval.id}/appeal`, { reason: reason.trim() }),
    );
    if (result) onRequested(result);
  }

  return (
    <form className="form ag-panel" onSubmit={submit} aria-labelledby={ids.heading} noValidate>
      <h4 id={ids.heading}>{t('appeal.requestTitle')}</h4>
      <label htmlFor={ids.reason}>{t('appeal.reason')}</label>
      <textarea
        id={ids.reason}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        required
        aria-required="true"
        aria-invalid={empty || undefined}
        aria-describedby={ids.hint}
        maxLength={2000}
      />
      <p id={ids.hint} className="muted">
        {t('appeal.reasonHint')}
      </p>
      {empty ? (
        <p className="error" role="alert">
          {t('appeal.reasonRequired')}
        </p>
      ) : null}
      <ActionError error={action.error} />
      <div className="row">
        <button type="submit" className="primary" disabled={action.busy}>
          {t('appeal.submit')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('common:actions.cancel')}
        </button>
      </div>
    </form>
  );
}
