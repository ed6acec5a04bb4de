import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { APPEAL_REASON_MAX, type Approval } from '../../api/types.js';
import { post } from '../../api.js';
import { type Audience, WORDS } from './audience.js';
import { ActionError, useAction } from './feedback.js';

/** "Request an appeal" after a denial; the reason is required (≤ 2,000 characters). */
export function AppealForm({
  approval,
  audience,
  onRequested,
  onCancel,
}: {
  approval: Approval;
  audience: Audience;
  onRequested: (a: Approval) => void;
  onCancel: () => void;
}) {
  const words = WORDS[audience];
  const { t, i18n } = useTranslation(words.ns);
  const ids = { heading: useId(), reason: useId(), hint: useId(), error: useId() };
  const [reason, setReason] = useState('');
  const [empty, setEmpty] = useState(false);
  const action = useAction();
  const reasonInput = useRef<HTMLTextAreaElement>(null);

  // The form opens on a click: the reason is where the person goes next.
  useEffect(() => reasonInput.current?.focus(), []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!reason.trim()) {
      setEmpty(true);
      reasonInput.current?.focus();
      return;
    }
    setEmpty(false);
    const result = await action.run(() =>
      post<Approval>(`/approvals/${approval.id}/appeal`, { reason: reason.trim() }),
    );
    if (result) onRequested(result);
  }

  const hint = words.appealHintCounts
    ? t('appeal.reasonHint', {
        used: reason.length.toLocaleString(i18n.language),
        max: APPEAL_REASON_MAX.toLocaleString(i18n.language),
      })
    : t('appeal.reasonHint');
  return (
    <form className="form ag-panel" onSubmit={submit} aria-labelledby={ids.heading} noValidate>
      <h4 id={ids.heading}>{t(words.appealHeading)}</h4>
      <label htmlFor={ids.reason}>{t('appeal.reason')}</label>
      <textarea
        ref={reasonInput}
        id={ids.reason}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        required
        rows={4}
        aria-required="true"
        aria-invalid={empty || undefined}
        aria-describedby={empty ? `${ids.hint} ${ids.error}` : ids.hint}
        maxLength={APPEAL_REASON_MAX}
      />
      <p id={ids.hint} className="muted">
        {hint}
      </p>
      {empty ? (
        <p id={ids.error} className="error" role="alert">
          {t(words.appealMissing)}
        </p>
      ) : null}
      <ActionError error={action.error} />
      <div className="row">
        <button type="submit" className="primary" disabled={action.busy}>
          {action.busy && words.appealSending ? t(words.appealSending) : t('appeal.submit')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('common:actions.cancel')}
        </button>
      </div>
    </form>
  );
}
