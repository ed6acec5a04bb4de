import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { COMMENT_MAX, type Message } from '../../api/types.js';
import { post } from '../../api.js';
import { ErrorMessage } from '../../components/common.js';
import { MessageAttachments, ViaEmailBadge } from '../../components/MessageEmail.js';
import { ShowOlderMessages, useConversation } from '../../components/OlderMessages.js';
import { formatDate } from '../../i18n.js';
import { isBlank } from './util.js';

function MessageItem({ ticketId, message }: { ticketId: string; message: Message }) {
  const { t, i18n } = useTranslation('portal');
  return (
    <li className="message">
      <div className="message-head">
        <strong>{message.author?.name ?? t('unknownPerson')}</strong>
        <time className="muted" dateTime={message.createdAt}>
          {formatDate(message.createdAt, i18n.language)}
        </time>
        <ViaEmailBadge message={message} />
      </div>
      <p className="message-body pre-wrap">{message.body}</p>
      <MessageAttachments ticketId={ticketId} messageId={message.id} attachments={message.attachments} />
    </li>
  );
}

/** The contact's reply: always a public message (POST /tickets/{id}/messages {body, public:true}). */
function ReplyForm({ ticketId, onSent }: { ticketId: string; onSent(): void }) {
  const { t } = useTranslation('portal');
  const ids = { body: useId(), error: useId() };
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [missing, setMissing] = useState(false);
  const [sent, setSent] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSent(false);
    if (isBlank(body)) {
      setMissing(true);
      return;
    }
    setMissing(false);
    setBusy(true);
    setError(null);
    try {
      await post(`/tickets/${ticketId}/messages`, { body: body.trim(), public: true });
      setBody('');
      setSent(true);
      onSent();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      <label htmlFor={ids.body}>{t('reply.label')}</label>
      <textarea
        id={ids.body}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        maxLength={COMMENT_MAX}
        rows={4}
        aria-invalid={missing ? true : undefined}
        aria-describedby={missing ? ids.error : undefined}
      />
      {missing ? (
        <p id={ids.error} className="error" role="alert">
          {t('reply.missing')}
        </p>
      ) : null}
      <ErrorMessage error={error} />
      <p className={sent ? 'success' : 'visually-hidden'} role="status">
        {sent ? t('reply.sent') : ''}
      </p>
      <div>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('reply.sending') : t('reply.submit')}
        </button>
      </div>
    </form>
  );
}

/** The public conversation of a ticket and the reply box. */
export function Conversation({
  ticketId,
  messages: latest,
  nextCursor,
  onSent,
}: {
  ticketId: string;
  /** The newest messages (GET /tickets/{id}), oldest of them first. */
  messages: Message[];
  /** Where older messages start (`messagesNextCursor`), or null when there are none. */
  nextCursor: string | null;
  onSent(): void;
}) {
  const { t } = useTranslation('portal');
  const conversation = useConversation(ticketId, latest, nextCursor);
  const visible = conversation.messages.filter((m) => m.public);
  return (
    <section className="portal-section" aria-labelledby="conversation-title">
      <h2 id="conversation-title">{t('conversation.title')}</h2>
      <ShowOlderMessages conversation={conversation} />
      {visible.length === 0 ? (
        <p className="empty">{t('conversation.empty')}</p>
      ) : (
        <ol className="portal-list-plain" aria-label={t('conversation.title')}>
          {visible.map((m) => (
            <MessageItem key={m.id} ticketId={ticketId} message={m} />
          ))}
        </ol>
      )}
      <ReplyForm ticketId={ticketId} onSent={onSent} />
    </section>
  );
}
