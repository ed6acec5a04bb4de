import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { post } from '../../api.js';
import { ActionError, useAction } from './feedback.js';

/**
 * "Needs information" (SPEC §8.1), shared by the ticket, the task list, the portal and the response page:
 * `ask` sends `{question}` to `…/needs-info`, `answer` sends `{answer}` to `…/info`; `onDone` gets the
 * API's answer. Both texts are required (a blank one is refused by the API too).
 */
export function InfoForm<T>({
  kind,
  path,
  onDone,
  onCancel,
}: {
  kind: 'ask' | 'answer';
  /** The endpoint under /api/v1, e.g. `/approvals/{id}/needs-info`. */
  path: string;
  onDone: (result: T) => void;
  onCancel?: () => void;
}) {
  const { t } = useTranslation();
  const ids = { heading: useId(), text: useId(), hint: useId() };
  const [text, setText] = useState('');
  const action = useAction();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!text.trim()) return;
    const body = kind === 'ask' ? { question: text.trim() } : { answer: text.trim() };
    const result = await action.run(() => post<T>(path, body));
    if (result) {
      setText('');
      onDone(result);
    }
  }

  return (
    <form className="form ag-panel info-form" onSubmit={submit} aria-labelledby={ids.heading}>
      <h4 id={ids.heading}>{t(`needsInfo.${kind}.title`)}</h4>
      <label htmlFor={ids.text}>{t(`needsInfo.${kind}.label`)}</label>
      <textarea
        id={ids.text}
        value={text}
        onChange={(e) => setText(e.target.value)}
        required
        maxLength={10000}
        rows={3}
        aria-describedby={ids.hint}
      />
      <p id={ids.hint} className="field-hint muted">
        {t(`needsInfo.${kind}.hint`)}
      </p>
      <ActionError error={action.error} />
      <div className="row">
        <button type="submit" className="primary" disabled={action.busy}>
          {t(`needsInfo.${kind}.send`)}
        </button>
        {onCancel ? (
          <button type="button" onClick={onCancel}>
            {t('actions.cancel')}
          </button>
        ) : null}
      </div>
    </form>
  );
}

/** Who asked and since when, shown while an approval waits for information. */
export function NeedsInfoNotice({
  askedBy,
  askedAt,
  formatDate,
}: {
  askedBy: string;
  askedAt: string;
  formatDate: (iso: string) => string;
}) {
  const { t } = useTranslation();
  return (
    <p className="needs-info-notice" role="note">
      {t('needsInfo.waiting', { name: askedBy, date: formatDate(askedAt) })}
    </p>
  );
}
