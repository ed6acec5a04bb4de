import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { COMMENT_MAX } from '../../api/types.js';

/**
 * "Send feedback without deciding" (SPEC §8.1): a comment through the link, which stays usable for the
 * answer. `onSend` answers an error message, or null when the comment was recorded.
 */
export function FeedbackForm({ onSend }: { onSend(body: string): Promise<string | null> }) {
  const { t } = useTranslation('respond');
  const ids = { heading: useId(), body: useId(), hint: useId(), error: useId() };
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!body.trim()) {
      setError(t('feedback.empty'));
      return;
    }
    setBusy(true);
    setSent(false);
    const failed = await onSend(body.trim());
    setBusy(false);
    setError(failed);
    if (!failed) {
      setBody('');
      setSent(true);
    }
  }

  return (
    <form className="card form" aria-labelledby={ids.heading} onSubmit={submit} noValidate>
      <h2 id={ids.heading}>{t('feedback.title')}</h2>
      <label htmlFor={ids.body}>{t('feedback.body')}</label>
      <textarea
        id={ids.body}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        maxLength={COMMENT_MAX}
        rows={3}
        aria-describedby={error ? `${ids.hint} ${ids.error}` : ids.hint}
        aria-invalid={error ? true : undefined}
      />
      <p id={ids.hint} className="field-hint">
        {t('feedback.hint')}
      </p>
      {error ? (
        <p id={ids.error} className="error" role="alert">
          {error}
        </p>
      ) : null}
      {sent ? (
        <p className="notice" role="status">
          {t('feedback.sent')}
        </p>
      ) : null}
      <div>
        <button type="submit" disabled={busy}>
          {busy ? t('answer.sending') : t('feedback.send')}
        </button>
      </div>
    </form>
  );
}
