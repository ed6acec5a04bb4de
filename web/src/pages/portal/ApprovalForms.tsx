import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { APPEAL_REASON_MAX, type Approval, COMMENT_MAX, type Decision } from '../../api/types.js';
import { post } from '../../api.js';
import { ErrorMessage } from '../../components/common.js';
import { isBlank } from './util.js';

/**
 * Approve / Deny with an optional comment (POST /approvals/{id}/decisions). The buttons are plain
 * buttons: only the one a person clicks supplies the decision.
 */
export function DecisionForm({ approval, onDone }: { approval: Approval; onDone(a: Approval): void }) {
  const { t } = useTranslation('portal');
  const ids = { comment: useId(), hint: useId() };
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState<Decision | null>(null);
  const [error, setError] = useState<unknown>(null);
  const appeal = approval.status === 'appeal_pending';

  async function decide(decision: Decision) {
    setBusy(decision);
    setError(null);
    try {
      const body = isBlank(comment) ? { decision } : { decision, comment: comment.trim() };
      onDone(await post<Approval>(`/approvals/${approval.id}/decisions`, body));
    } catch (err) {
      setError(err);
      setBusy(null);
    }
  }

  return (
    <form className="form action-panel" onSubmit={(e) => e.preventDefault()}>
      <h4>{appeal ? t('decide.appealTitle') : t('decide.title')}</h4>
      <label htmlFor={ids.comment}>{t('decide.comment')}</label>
      <textarea
        id={ids.comment}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        maxLength={COMMENT_MAX}
        rows={3}
        aria-describedby={ids.hint}
      />
      <p id={ids.hint} className="field-hint">
        {t('decide.commentHint')}
      </p>
      <ErrorMessage error={error} />
      <div className="decision-buttons">
        <button type="button" className="approve" disabled={busy !== null} onClick={() => decide('approve')}>
          {busy === 'approve' ? t('decide.sending') : t('decide.approve')}
        </button>
        <button type="button" className="deny" disabled={busy !== null} onClick={() => decide('deny')}>
          {busy === 'deny' ? t('decide.sending') : t('decide.deny')}
        </button>
      </div>
    </form>
  );
}

/** A comment without deciding, "request more information" (POST /approvals/{id}/comments). */
export function CommentForm({ approvalId, onDone }: { approvalId: string; onDone(): void }) {
  const { t } = useTranslation('portal');
  const ids = { body: useId(), error: useId() };
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [missing, setMissing] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (isBlank(body)) {
      setMissing(true);
      return;
    }
    setMissing(false);
    setBusy(true);
    setError(null);
    try {
      await post(`/approvals/${approvalId}/comments`, { body: body.trim() });
      setBody('');
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form action-panel" onSubmit={submit} noValidate>
      <label htmlFor={ids.body}>{t('comment.label')}</label>
      <textarea
        id={ids.body}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        maxLength={COMMENT_MAX}
        rows={3}
        aria-invalid={missing ? true : undefined}
        aria-describedby={missing ? ids.error : undefined}
      />
      {missing ? (
        <p id={ids.error} className="error" role="alert">
          {t('comment.missing')}
        </p>
      ) : null}
      <ErrorMessage error={error} />
      <div>
        <button type="submit" disabled={busy}>
          {t('comment.submit')}
        </button>
      </div>
    </form>
  );
}

/** "Request an appeal" after a denial, with a required reason of at most 2,000 characters. */
export function AppealForm({ approvalId, onDone }: { approvalId: string; onDone(a: Approval): void }) {
  const { t, i18n } = useTranslation('portal');
  const ids = { reason: useId(), hint: useId(), error: useId(), panel: useId() };
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [missing, setMissing] = useState(false);
  const reasonInput = useRef<HTMLTextAreaElement>(null);
  const openButton = useRef<HTMLButtonElement>(null);

  const wasOpen = useRef(false);

  // Focus the reason when the form opens, and the button again when it closes.
  useEffect(() => {
    if (open) reasonInput.current?.focus();
    else if (wasOpen.current) openButton.current?.focus();
    wasOpen.current = open;
  }, [open]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (isBlank(reason)) {
      setMissing(true);
      reasonInput.current?.focus();
      return;
    }
    setMissing(false);
    setBusy(true);
    setError(null);
    try {
      onDone(await post<Approval>(`/approvals/${approvalId}/appeal`, { reason: reason.trim() }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  if (!open) {
    return (
      <div className="action-panel">
        <button
          ref={openButton}
          type="button"
          aria-expanded={false}
          aria-controls={ids.panel}
          onClick={() => setOpen(true)}
        >
          {t('appeal.request')}
        </button>
      </div>
    );
  }
  const describedBy = missing ? `${ids.hint} ${ids.error}` : ids.hint;
  return (
    <form id={ids.panel} className="form action-panel" onSubmit={submit} noValidate>
      <h4>{t('appeal.request')}</h4>
      <label htmlFor={ids.reason}>{t('appeal.reason')}</label>
      <textarea
        ref={reasonInput}
        id={ids.reason}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        maxLength={APPEAL_REASON_MAX}
        rows={4}
        required
        aria-required="true"
        aria-invalid={missing ? true : undefined}
        aria-describedby={describedBy}
      />
      <p id={ids.hint} className="field-hint">
        {t('appeal.reasonHint', {
          used: reason.length.toLocaleString(i18n.language),
          max: APPEAL_REASON_MAX.toLocaleString(i18n.language),
        })}
      </p>
      {missing ? (
        <p id={ids.error} className="error" role="alert">
          {t('appeal.missing')}
        </p>
      ) : null}
      <ErrorMessage error={error} />
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('appeal.sending') : t('appeal.submit')}
        </button>
        <button
          type="button"
          onClick={() => {
            setOpen(false);
            setMissing(false);
            setError(null);
          }}
        >
          {t('actions.cancel', { ns: 'common' })}
        </button>
      </div>
    </form>
  );
}
