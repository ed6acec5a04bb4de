import { useTranslation } from 'react-i18next';
import type { LinkComment, LinkDecision } from '../../api/types.js';
import { formatDate } from '../../i18n.js';

/** The answers and comments so far, by name only (SPEC §8.1, rule 3). */
export function History({ decisions, comments }: { decisions: LinkDecision[]; comments: LinkComment[] }) {
  const { t, i18n } = useTranslation('respond');
  return (
    <section className="card" aria-labelledby="respond-history">
      <h2 id="respond-history">{t('history.title')}</h2>
      <h3>{t('history.decisions')}</h3>
      {decisions.length === 0 ? (
        <p className="empty">{t('history.noDecisions')}</p>
      ) : (
        <ul className="respond-list">
          {decisions.map((d) => (
            <li key={`${d.stepIndex}:${d.by.type}:${d.at}`}>
              <p>
                {t(d.decision === 'approve' ? 'history.approved' : 'history.denied', {
                  name: d.by.name ?? t('unknownPerson'),
                })}{' '}
                <span className="muted">
                  {d.stepName ? `${d.stepName} · ` : ''}
                  <time dateTime={d.at}>{formatDate(d.at, i18n.language)}</time>
                </span>
              </p>
              {d.comment ? <blockquote className="decision-comment">{d.comment}</blockquote> : null}
            </li>
          ))}
        </ul>
      )}
      <h3>{t('history.comments')}</h3>
      {comments.length === 0 ? (
        <p className="empty">{t('history.noComments')}</p>
      ) : (
        <ul className="respond-list">
          {comments.map((c) => (
            <li key={c.id}>
              <p>
                <strong>{c.author.name ?? t('unknownPerson')}</strong>{' '}
                <span className="muted">
                  <time dateTime={c.createdAt}>{formatDate(c.createdAt, i18n.language)}</time>
                  {c.internal ? ` · ${t('history.internal')}` : ''}
                </span>
              </p>
              <p className="pre-wrap">{c.body}</p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
