import type { CSSProperties, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import type { DevMailbox as MailboxAnswer, MailboxEmail } from '../api/types.js';
import { ApiError, get } from '../api.js';
import { ErrorMessage, Loading, Page, useAsync } from '../components/common.js';
import { formatDate } from '../i18n.js';
import { problemStatus } from './portal/util.js';
import './portal/portal.css';

const styles: Record<string, CSSProperties> = {
  columns: { display: 'flex', flexWrap: 'wrap', gap: '1rem', alignItems: 'flex-start' },
  nav: { flex: '1 1 18rem', minWidth: 0 },
  list: { listStyle: 'none', margin: 0, padding: 0 },
  item: {
    display: 'block',
    width: '100%',
    textAlign: 'left',
    marginBottom: '0.4rem',
    background: 'var(--panel)',
  },
  selected: { borderColor: 'var(--accent)', boxShadow: '0 0 0 2px var(--accent)' },
  message: { flex: '3 1 24rem', minWidth: 0 },
  pre: {
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
    fontSize: '0.9rem',
    margin: 0,
  },
};

const URL_PATTERN = /https?:\/\/[^\s<>"'()[\]]+/g;

function person(value: MailboxEmail['from'] | MailboxEmail['to']): string {
  if (typeof value === 'string') return value;
  return value.name ? `${value.name} <${value.address}>` : value.address;
}

/** A link of this site (same host) as an in-app link; anything else stays text. */
function LinkOrText({ url }: { url: string }) {
  const trailing = /[.,;:!?]+$/.exec(url)?.[0] ?? '';
  const clean = trailing ? url.slice(0, -trailing.length) : url;
  let parsed: URL | null = null;
  try {
    parsed = new URL(clean);
  } catch {
    parsed = null;
  }
  if (!parsed || parsed.host !== window.location.host) return <>{url}</>;
  return (
    <>
      <Link to={parsed.pathname + parsed.search + parsed.hash}>{clean}</Link>
      {trailing}
    </>
  );
}

/** The plain-text version with http(s) links of this host made clickable. The HTML is never injected. */
function LinkifiedText({ text }: { text: string }) {
  const parts: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index ?? 0;
    if (start > last) parts.push(text.slice(last, start));
    parts.push(<LinkOrText key={start} url={match[0]} />);
    last = start + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <pre style={styles.pre}>{parts}</pre>;
}

function EmailView({ email }: { email: MailboxEmail }) {
  const { t, i18n } = useTranslation('portal');
  return (
    <article className="card" style={styles.message} aria-labelledby="mail-subject">
      <h2 id="mail-subject">{email.subject}</h2>
      <dl className="meta small">
        <dt>{t('devMailbox.from')}</dt>
        <dd>{person(email.from)}</dd>
        <dt>{t('devMailbox.to')}</dt>
        <dd>{person(email.to)}</dd>
        <dt>{t('devMailbox.received')}</dt>
        <dd>
          <time dateTime={email.receivedAt}>{formatDate(email.receivedAt, i18n.language)}</time>
        </dd>
      </dl>
      <hr />
      <LinkifiedText text={email.text} />
    </article>
  );
}

function EmailList({
  emails,
  selectedId,
  onSelect,
}: {
  emails: MailboxEmail[];
  selectedId: string | null;
  onSelect(id: string): void;
}) {
  const { i18n } = useTranslation('portal');
  return (
    <ul style={styles.list}>
      {emails.map((email) => {
        const selected = email.id === selectedId;
        return (
          <li key={email.id}>
            <button
              type="button"
              style={selected ? { ...styles.item, ...styles.selected } : styles.item}
              aria-current={selected ? 'true' : undefined}
              onClick={() => onSelect(email.id)}
            >
              <strong>{email.subject}</strong>
              <br />
              <span className="small">{person(email.to)}</span>
              <br />
              <time className="small muted" dateTime={email.receivedAt}>
                {formatDate(email.receivedAt, i18n.language)}
              </time>
            </button>
          </li>
        );
      })}
    </ul>
  );
}

/** `/dev/mailbox`: the emails the server would have sent, on a developer's machine without SMTP. */
export function DevMailbox() {
  const { t } = useTranslation('portal');
  const [params, setParams] = useSearchParams();
  const { data, error, loading, reload } = useAsync(() => get<MailboxAnswer>('/dev/mailbox'), 'mailbox');
  const emails = [...(data?.items ?? [])].sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
  const selectedId = params.get('message');
  const selected = emails.find((e) => e.id === selectedId) ?? null;

  if (problemStatus(error) === 404) {
    return (
      <Page title={t('devMailbox.title')}>
        <p role="alert">{t('devMailbox.noMailbox')}</p>
      </Page>
    );
  }
  // The server answers only its own machine (127.0.0.1, ::1) unless DEV_MAILBOX_PUBLIC=1 (issue 12).
  if (error instanceof ApiError && error.code === 'dev_mailbox_local_only') {
    return (
      <Page title={t('devMailbox.title')}>
        <p role="alert">{t('devMailbox.localOnly')}</p>
      </Page>
    );
  }
  return (
    <Page
      title={t('devMailbox.title')}
      actions={
        <button type="button" onClick={() => void reload()} disabled={loading}>
          {t('devMailbox.refresh')}
        </button>
      }
    >
      <p className="muted">{t('devMailbox.note')}</p>
      <p className="muted">{t('devMailbox.access')}</p>
      <ErrorMessage error={error} />
      {loading && !data ? <Loading /> : null}
      {data && emails.length === 0 ? <p className="empty">{t('devMailbox.empty')}</p> : null}
      {emails.length > 0 ? (
        <div style={styles.columns}>
          <nav aria-label={t('devMailbox.listLabel')} style={styles.nav}>
            <EmailList
              emails={emails}
              selectedId={selected?.id ?? null}
              onSelect={(id) => setParams({ message: id })}
            />
          </nav>
          {selected ? (
            <EmailView email={selected} />
          ) : (
            <p className="muted" style={styles.message}>
              {t('devMailbox.choose')}
            </p>
          )}
        </div>
      ) : null}
    </Page>
  );
}
