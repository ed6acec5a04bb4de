import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Message } from '../../api/types.js';
import { post } from '../../api.js';
import { ActionError, useAction } from '../../components/approval/feedback.js';
import { MessageAttachments, ViaEmailBadge } from '../../components/MessageEmail.js';
import { ShowOlderMessages, useConversation } from '../../components/OlderMessages.js';
import { formatDate } from '../../i18n.js';

/** The ticket's thread (internal notes marked) and a reply box: public reply or internal note. */
export function ConversationTab({
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
  onSent: () => void;
}) {
  const { t, i18n } = useTranslation('agent');
  const conversation = useConversation(ticketId, latest, nextCursor);
  const { messages } = conversation;
  return (
    <div className="stack">
      {messages.length === 0 ? <p className="muted">{t('conversation.empty')}</p> : null}
      <ShowOlderMessages conversation={conversation} />
      <ol className="ag-plain ag-thread" aria-label={t('conversation.thread')}>
        {messages.map((m) => (
          <li key={m.id} className={`message${m.public ? '' : ' internal'}`}>
            <div className="row">
              <strong>{m.author?.name ?? t('people.unknown')}</strong>
              <span className="muted">{formatDate(m.createdAt, i18n.language)}</span>
              <ViaEmailBadge message={m} />
              {m.public ? null : <span className="ag-tag">{t('conversation.internalTag')}</span>}
            </div>
            <p className="ag-pre-wrap">{m.body}</p>
            <MessageAttachments ticketId={ticketId} messageId={m.id} attachments={m.attachments} />
          </li>
        ))}
      </ol>
      <ReplyForm ticketId={ticketId} onSent={onSent} />
    </div>
  );
}

function ReplyForm({ ticketId, onSent }: { ticketId: string; onSent: () => void }) {
  const { t } = useTranslation('agent');
  const ids = { kind: useId(), body: useId(), heading: useId() };
  const [isPublic, setPublic] = useState(true);
  const [body, setBody] = useState('');
  const action = useAction();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!body.trim()) return;
    const sent = await action.run(() =>
      post(`/tickets/${ticketId}/messages`, { body: body.trim(), public: isPublic }),
    );
    if (sent !== undefined) {
      setBody('');
      onSent();
    }
  }

  return (
    <form
      className={`card form${isPublic ? '' : ' ag-internal-form'}`}
      onSubmit={submit}
      aria-labelledby={ids.heading}
    >
      <h2 id={ids.heading} className="ag-h3">
        {t('conversation.reply')}
      </h2>
      <fieldset className="ag-choice">
        <legend>{t('conversation.replyType')}</legend>
        <label>
          <input type="radio" name={ids.kind} checked={isPublic} onChange={() => setPublic(true)} />{' '}
          {t('conversation.publicReply')}
        </label>
        <label>
          <input type="radio" name={ids.kind} checked={!isPublic} onChange={() => setPublic(false)} />{' '}
          {t('conversation.internalNote')}
        </label>
      </fieldset>
      <label htmlFor={ids.body}>{isPublic ? t('conversation.replyBody') : t('conversation.noteBody')}</label>
      <textarea
        id={ids.body}
        data-reply-body
        value={body}
        onChange={(e) => setBody(e.target.value)}
        required
        maxLength={10000}
      />
      {isPublic ? null : <p className="muted">{t('conversation.noteHint')}</p>}
      <ActionError error={action.error} />
      <div className="row">
        <button type="submit" className="primary" disabled={action.busy}>
          {isPublic ? t('conversation.sendReply') : t('conversation.addNote')}
        </button>
      </div>
    </form>
  );
}
