import { useTranslation } from 'react-i18next';
import type { ThreadMessage } from '../../api/types.js';
import { formatDate } from '../../i18n.js';

/** The ticket's latest public messages, oldest first, as the approval email shows them. */
export function PublicThread({ messages }: { messages: ThreadMessage[] }) {
  const { t, i18n } = useTranslation('respond');
  return (
    <section className="card" aria-labelledby="respond-thread">
      <h2 id="respond-thread">{t('thread.title')}</h2>
      {messages.length === 0 ? (
        <p className="empty">{t('thread.empty')}</p>
      ) : (
        <ol className="respond-list">
          {messages.map((m) => (
            <li key={`${m.createdAt}:${m.author.type}:${m.author.name ?? ''}`}>
              <p>
                <strong>{m.author.name ?? t('unknownPerson')}</strong>{' '}
                <span className="muted">
                  <time dateTime={m.createdAt}>{formatDate(m.createdAt, i18n.language)}</time>
                </span>
              </p>
              <p className="pre-wrap">{m.body}</p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
