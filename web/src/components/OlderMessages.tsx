import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Message, TicketMessagePage } from '../api/types.js';
import { get } from '../api.js';
import { ErrorMessage } from './common.js';

/**
 * A ticket's conversation beyond the newest page that GET /tickets/{id} carries: older messages are
 * loaded on demand from GET /tickets/{id}/messages (newest first, by cursor) and shown above, oldest
 * first. `latest` is the ticket's page (oldest of it first) and `latestCursor` its `messagesNextCursor`.
 */
export function useConversation(ticketId: string, latest: Message[], latestCursor: string | null) {
  const [older, setOlder] = useState<Message[]>([]);
  const [cursor, setCursor] = useState<string | null>(latestCursor);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const previousLatest = useRef<Message[]>(latest);
  const showingOlder = useRef(false);

  // Another ticket: start again from its newest page.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new ticket resets what was loaded
  useEffect(() => {
    showingOlder.current = false;
    setOlder([]);
    setCursor(latestCursor);
    setError(null);
  }, [ticketId]);

  // The ticket was reloaded (a reply was sent): once older messages are shown, messages that slid out of
  // the newest page are kept, so the thread never loses one between the two.
  useEffect(() => {
    const slid = previousLatest.current;
    previousLatest.current = latest;
    if (showingOlder.current) setOlder((shown) => merge(shown, slid));
    else setCursor(latestCursor);
  }, [latest, latestCursor]);

  async function showOlder() {
    if (!cursor || busy) return;
    setBusy(true);
    setError(null);
    try {
      const page = await get<TicketMessagePage>(
        `/tickets/${ticketId}/messages?limit=50&cursor=${encodeURIComponent(cursor)}`,
      );
      showingOlder.current = true;
      setOlder((shown) => merge(shown, page.items));
      setCursor(page.nextCursor);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const newestIds = new Set(latest.map((m) => m.id));
  return {
    messages: [...older.filter((m) => !newestIds.has(m.id)), ...latest],
    hasOlder: cursor !== null,
    loadedOlder: older.length,
    busy,
    error,
    showOlder,
  };
}

/** The union of two lists of messages, oldest first. */
function merge(a: Message[], b: Message[]): Message[] {
  const byId = new Map([...a, ...b].map((m) => [m.id, m]));
  return [...byId.values()].sort((x, y) => x.createdAt.localeCompare(y.createdAt));
}

/** "Show older messages" above a conversation, with its progress announced to screen readers. */
export function ShowOlderMessages({ conversation }: { conversation: ReturnType<typeof useConversation> }) {
  const { t } = useTranslation('common');
  const { hasOlder, busy, error, showOlder, loadedOlder } = conversation;
  return (
    <div className="older-messages">
      {hasOlder ? (
        <button type="button" onClick={() => void showOlder()} disabled={busy} aria-busy={busy || undefined}>
          {busy ? t('olderMessages.loading') : t('olderMessages.show')}
        </button>
      ) : null}
      <p className="visually-hidden" role="status">
        {loadedOlder > 0 ? t('olderMessages.loaded', { count: loadedOlder }) : ''}
      </p>
      <ErrorMessage error={error} />
    </div>
  );
}
