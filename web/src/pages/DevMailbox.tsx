import {
  type CSSProperties,
  type FormEvent,
  type ReactNode,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import type {
  DevInboundEmail,
  DevInboundResult,
  MailboxAddress,
  DevMailbox as MailboxAnswer,
  MailboxEmail,
} from '../api/types.js';
import { ApiError, get, post } from '../api.js';
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

/** "Sent in" or "Sent by Signoff", in words (not only a colour). */
function DirectionMark({ email }: { email: MailboxEmail }) {
  const { t } = useTranslation('portal');
  return (
    <span className="mail-badge">
      {email.direction === 'inbound' ? t('devMailbox.inbound') : t('devMailbox.outbound')}
    </span>
  );
}

/** The address of `Name <address>` (or the string itself). */
function addressOf(value: string): string {
  return /<([^<>]+)>\s*$/.exec(value)?.[1] ?? value.trim();
}

/**
 * What a mail client would prefill when answering an email Signoff sent: to its Reply-To (the ticket's
 * or the approver's reply address), from its recipient, threaded on its Message-ID.
 */
function replyDraft(email: MailboxEmail): Draft {
  return {
    from: email.to.address,
    fromName: email.to.name,
    to: email.replyTo ?? addressOf(email.from),
    subject: /^re:/i.test(email.subject) ? email.subject : `Re: ${email.subject}`,
    text: '',
    inReplyTo: email.messageId,
  };
}

function EmailView({ email, onReply }: { email: MailboxEmail; onReply(draft: Draft): void }) {
  const { t, i18n } = useTranslation('portal');
  return (
    <article className="card" style={styles.message} aria-labelledby="mail-subject">
      <h2 id="mail-subject">{email.subject}</h2>
      <p>
        <DirectionMark email={email} />
      </p>
      <dl className="meta small">
        <dt>{t('devMailbox.from')}</dt>
        <dd>{person(email.from)}</dd>
        <dt>{t('devMailbox.to')}</dt>
        <dd>{person(email.to)}</dd>
        <dt>{t('devMailbox.received')}</dt>
        <dd>
          <time dateTime={email.receivedAt}>{formatDate(email.receivedAt, i18n.language)}</time>
        </dd>
        {email.replyTo ? (
          <>
            <dt>{t('devMailbox.replyTo')}</dt>
            <dd>{email.replyTo}</dd>
          </>
        ) : null}
        {email.outcome ? (
          <>
            <dt>{t('devMailbox.outcome')}</dt>
            <dd>
              {t(`devMailbox.outcomes.${email.outcome}`)}
              {email.ticketId ? (
                <>
                  {' '}
                  <Link to={`/tickets/${email.ticketId}`}>{t('devMailbox.openTicket')}</Link>
                </>
              ) : null}
            </dd>
          </>
        ) : null}
      </dl>
      {email.direction === 'outbound' ? (
        <p>
          <button type="button" onClick={() => onReply(replyDraft(email))}>
            {t('devMailbox.reply')}
          </button>
        </p>
      ) : null}
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
              <DirectionMark email={email} /> <strong>{email.subject}</strong>
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

/** The compose form's fields, as typed. */
type Draft = { from: string; fromName: string; to: string; subject: string; text: string; inReplyTo: string };

function newDraft(addresses: MailboxAddress[]): Draft {
  return { from: '', fromName: '', to: addresses[0]?.address ?? '', subject: '', text: '', inReplyTo: '' };
}

/**
 * Sends an email into the product (POST /dev/mailbox/inbound), as a customer or approver would from
 * their mail client: a new email to a workspace address, or a reply to one Signoff sent.
 */
function ComposeForm({
  initial,
  addresses,
  onClose,
  onSent,
}: {
  initial: Draft;
  addresses: MailboxAddress[];
  onClose(): void;
  onSent(result: DevInboundResult): void;
}) {
  const { t } = useTranslation('portal');
  const ids = {
    heading: useId(),
    from: useId(),
    fromName: useId(),
    to: useId(),
    toHint: useId(),
    addresses: useId(),
    subject: useId(),
    text: useId(),
  };
  const [draft, setDraft] = useState(initial);
  const [busy, setBusy] = useState(false);
  // The form opens above the list: focus moves into it (the message of a reply, the sender of a new email).
  const fromRef = useRef<HTMLInputElement>(null);
  const textRef = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    (initial.inReplyTo ? textRef.current : fromRef.current)?.focus();
  }, [initial]);
  const [error, setError] = useState<unknown>(null);
  const set = (key: keyof Draft) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [key]: e.target.value }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body: DevInboundEmail = {
      from: draft.from.trim(),
      to: draft.to.trim(),
      subject: draft.subject.trim(),
      text: draft.text,
      ...(draft.fromName.trim() ? { fromName: draft.fromName.trim() } : {}),
      ...(draft.inReplyTo ? { inReplyTo: draft.inReplyTo } : {}),
    };
    try {
      onSent(await post<DevInboundResult>('/dev/mailbox/inbound', body));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card form" onSubmit={submit} aria-labelledby={ids.heading}>
      <h2 id={ids.heading}>{draft.inReplyTo ? t('devMailbox.replyTitle') : t('devMailbox.newTitle')}</h2>
      <p className="muted">{t('devMailbox.composeNote')}</p>
      {draft.inReplyTo ? (
        <p className="small muted">{t('devMailbox.inReplyTo', { messageId: draft.inReplyTo })}</p>
      ) : null}
      <label htmlFor={ids.from}>{t('devMailbox.from')}</label>
      <input
        ref={fromRef}
        id={ids.from}
        type="email"
        required
        autoComplete="off"
        value={draft.from}
        onChange={set('from')}
      />
      <label htmlFor={ids.fromName}>{t('devMailbox.fromName')}</label>
      <input id={ids.fromName} autoComplete="off" value={draft.fromName} onChange={set('fromName')} />
      <label htmlFor={ids.to}>{t('devMailbox.to')}</label>
      <input
        id={ids.to}
        type="email"
        required
        list={ids.addresses}
        aria-describedby={ids.toHint}
        value={draft.to}
        onChange={set('to')}
      />
      <datalist id={ids.addresses}>
        {addresses.map((a) => (
          <option key={a.address} value={a.address}>
            {a.workspace}
          </option>
        ))}
      </datalist>
      <p id={ids.toHint} className="small muted">
        {t('devMailbox.toHint')}
      </p>
      <label htmlFor={ids.subject}>{t('devMailbox.subject')}</label>
      <input id={ids.subject} required maxLength={200} value={draft.subject} onChange={set('subject')} />
      <label htmlFor={ids.text}>{t('devMailbox.text')}</label>
      <textarea
        ref={textRef}
        id={ids.text}
        required
        rows={6}
        maxLength={100000}
        value={draft.text}
        onChange={set('text')}
      />
      <ErrorMessage error={error} />
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('devMailbox.sending') : t('devMailbox.send')}
        </button>
        <button type="button" onClick={onClose}>
          {t('devMailbox.cancel')}
        </button>
      </div>
    </form>
  );
}

/**
 * `/dev/mailbox`: the emails the server would have sent, on a developer's machine without SMTP, and
 * the emails sent in from here (issue 14), so the whole loop runs on one machine.
 */
export function DevMailbox() {
  const { t } = useTranslation('portal');
  const [params, setParams] = useSearchParams();
  const { data, error, loading, reload } = useAsync(() => get<MailboxAnswer>('/dev/mailbox'), 'mailbox');
  const emails = [...(data?.items ?? [])].sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
  const selectedId = params.get('message');
  const selected = emails.find((e) => e.id === selectedId) ?? null;
  const addresses = data?.addresses ?? [];
  // The form's key changes with each new draft, so a Reply after another starts from its own prefill.
  const [compose, setCompose] = useState<{ key: number; draft: Draft } | null>(null);
  const [result, setResult] = useState('');
  const openCompose = (draft: Draft) => {
    setResult('');
    setCompose((c) => ({ key: (c?.key ?? 0) + 1, draft }));
  };

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
        <>
          <button type="button" onClick={() => openCompose(newDraft(addresses))}>
            {t('devMailbox.newEmail')}
          </button>
          <button type="button" onClick={() => void reload()} disabled={loading}>
            {t('devMailbox.refresh')}
          </button>
        </>
      }
    >
      <p className="muted">{t('devMailbox.note')}</p>
      <p className="muted">{t('devMailbox.access')}</p>
      <ErrorMessage error={error} />
      {compose ? (
        <ComposeForm
          key={compose.key}
          initial={compose.draft}
          addresses={addresses}
          onClose={() => setCompose(null)}
          onSent={(sent) => {
            setCompose(null);
            setResult(t(`devMailbox.outcomes.${sent.outcome}`));
            void reload();
          }}
        />
      ) : null}
      <p className={result ? 'success' : 'visually-hidden'} role="status">
        {result ? t('devMailbox.sent', { outcome: result }) : ''}
      </p>
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
            <EmailView email={selected} onReply={openCompose} />
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
