import { useTranslation } from 'react-i18next';
import type { Attachment, Message } from '../api/types.js';

/**
 * A file size as people read it ("12 kB", "1.4 MB"; "12 ko" in French): the browser's own unit
 * formatting, so each language writes its units and decimals its way.
 */
export function humanSize(bytes: number, language: string): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return new Intl.NumberFormat(language, {
    style: 'unit',
    unit: units[unit],
    unitDisplay: unit === 0 ? 'long' : 'short',
    maximumFractionDigits: value < 10 && unit > 0 ? 1 : 0,
  }).format(value);
}

/** "via email": the message came in by email (SPEC §8.2). Words, not a colour, carry the meaning. */
export function ViaEmailBadge({ message }: { message: Pick<Message, 'channel'> }) {
  const { t } = useTranslation('common');
  if (message.channel !== 'email') return null;
  return <span className="mail-badge">{t('message.viaEmail')}</span>;
}

/**
 * The files kept with a message, as download links under it: one link per file named by the file,
 * its size beside it. Shared by the agent's thread and the portal's.
 */
export function MessageAttachments({
  ticketId,
  messageId,
  attachments,
}: {
  ticketId: string;
  messageId: string;
  attachments: Attachment[];
}) {
  const { t, i18n } = useTranslation('common');
  if (attachments.length === 0) return null;
  const headingId = `attachments-${messageId}`;
  return (
    <div className="message-attachments">
      <p id={headingId} className="small muted">
        {t('message.attachments', { count: attachments.length })}
      </p>
      <ul aria-labelledby={headingId}>
        {attachments.map((a) => (
          <li key={a.id}>
            <a
              href={`/api/v1/tickets/${encodeURIComponent(ticketId)}/attachments/${encodeURIComponent(a.id)}`}
              download={a.filename}
            >
              {a.filename}
            </a>{' '}
            <span className="small muted">({humanSize(a.size, i18n.language)})</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
