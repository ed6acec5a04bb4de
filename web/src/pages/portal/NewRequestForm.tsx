import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { COMMENT_MAX, SUBJECT_MAX, type Ticket } from '../../api/types.js';
import { post } from '../../api.js';
import { ErrorMessage } from '../../components/common.js';
import { isBlank } from './util.js';

/** A contact opens a ticket for themselves: POST /tickets {subject, body}. */
export function NewRequestForm({
  onCreated,
  onCancel,
}: {
  onCreated(ticket: Ticket): void;
  onCancel(): void;
}) {
  const { t } = useTranslation('portal');
  const ids = { subject: useId(), body: useId(), error: useId() };
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [missing, setMissing] = useState(false);
  const subjectInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    subjectInput.current?.focus();
  }, []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (isBlank(subject) || isBlank(body)) {
      setMissing(true);
      return;
    }
    setMissing(false);
    setBusy(true);
    setError(null);
    try {
      onCreated(await post<Ticket>('/tickets', { subject: subject.trim(), body: body.trim() }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <form className="card form" onSubmit={submit} aria-labelledby="new-request-title" noValidate>
      <h2 id="new-request-title">{t('newRequest.title')}</h2>
      <label htmlFor={ids.subject}>{t('newRequest.subject')}</label>
      <input
        ref={subjectInput}
        id={ids.subject}
        value={subject}
        onChange={(e) => setSubject(e.target.value)}
        maxLength={SUBJECT_MAX}
        required
        aria-invalid={missing && isBlank(subject) ? true : undefined}
        aria-describedby={missing ? ids.error : undefined}
      />
      <label htmlFor={ids.body}>{t('newRequest.body')}</label>
      <textarea
        id={ids.body}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        maxLength={COMMENT_MAX}
        rows={6}
        required
        aria-invalid={missing && isBlank(body) ? true : undefined}
        aria-describedby={missing ? ids.error : undefined}
      />
      {missing ? (
        <p id={ids.error} className="error" role="alert">
          {t('newRequest.missing')}
        </p>
      ) : null}
      <ErrorMessage error={error} />
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('newRequest.sending') : t('newRequest.submit')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('actions.cancel', { ns: 'common' })}
        </button>
      </div>
    </form>
  );
}
