import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate } from '../../i18n.js';
import './approval.css';

/** One entry of a ticket's activity, already in the reader's words (each audience words its own). */
export type TimelineEntry = {
  id: string;
  createdAt: string;
  text: ReactNode;
  /** Quoted text: a comment, a reason. */
  quote?: string | null;
  /** Decisions and outcomes are coloured (and also said in words). */
  tone?: 'good' | 'bad' | null;
  /** After the text: a link to the approval… */
  extra?: ReactNode;
};

/** The timeline of a ticket's activity (SPEC rule 11), for agents and contacts alike. */
export function ActivityTimeline({ entries, label }: { entries: TimelineEntry[]; label: string }) {
  const { i18n } = useTranslation();
  return (
    <ol className="ag-timeline activity-list" aria-label={label}>
      {entries.map((entry) => (
        <li key={entry.id} className={`ag-timeline-item${entry.tone ? ` ag-tone-${entry.tone}` : ''}`}>
          <time dateTime={entry.createdAt} className="muted">
            {formatDate(entry.createdAt, i18n.language)}
          </time>
          <p>{entry.text}</p>
          {entry.quote ? <blockquote className="ag-quote">{entry.quote}</blockquote> : null}
          {entry.extra}
        </li>
      ))}
    </ol>
  );
}
