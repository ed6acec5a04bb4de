import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type BulkTicketChange,
  type BulkTicketUpdate,
  type Member,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  type Ticket,
  type TicketPriority,
  type TicketStatus,
} from '../../api/types.js';
import { post } from '../../api.js';
import { ActionError, useAction } from '../../components/approval/feedback.js';
import { useSession } from '../../session.js';
import { parseTags } from './tags.js';

type Failure = { id: string; label: string; code: string | undefined; status: number };

/**
 * The bulk bar of the tickets list: one change (assignee, status, priority, or tags to add) applied to the
 * selected tickets with `POST /tickets/bulk`, which answers one result per ticket. Tickets that could not
 * be changed are listed with the reason and stay selected; the others are done.
 */
export function BulkBar({
  ids,
  tickets,
  members,
  onDone,
  onClear,
}: {
  ids: string[];
  tickets: Ticket[];
  members: Member[];
  /** After the change: the ids that failed. */
  onDone: (failedIds: string[]) => void;
  onClear: () => void;
}) {
  const { t } = useTranslation('agent');
  const { me } = useSession();
  const headingId = useId();
  const field = { assignee: useId(), status: useId(), priority: useId(), tags: useId() };
  const [assignee, setAssignee] = useState('');
  const [status, setStatus] = useState<TicketStatus | ''>('');
  const [priority, setPriority] = useState<TicketPriority | ''>('');
  const [tags, setTags] = useState('');
  const [done, setDone] = useState('');
  const [failures, setFailures] = useState<Failure[]>([]);
  const action = useAction();

  async function apply(set: BulkTicketChange) {
    setDone('');
    setFailures([]);
    const answer = await action.run(() => post<BulkTicketUpdate>('/tickets/bulk', { ids, set }));
    if (!answer) return;
    const failed = answer.results.filter((r) => !r.ok);
    const ok = answer.results.length - failed.length;
    setFailures(
      failed.map((r) => {
        const ticket = tickets.find((x) => x.id === r.id);
        return {
          id: r.id,
          label: ticket ? `#${ticket.number} ${ticket.subject}` : r.id,
          code: r.code,
          status: r.status,
        };
      }),
    );
    setDone(t('bulk.done', { count: ok }));
    onDone(failed.map((r) => r.id));
  }

  const submit = (make: () => BulkTicketChange | null) => (e: FormEvent) => {
    e.preventDefault();
    const set = make();
    if (set) void apply(set);
  };

  const reason = (f: Failure) => {
    if (f.code === 'approval_pending') return t('errors.approvalPending');
    if (f.status === 404) return t('bulk.notFound');
    return t('bulk.refused', { code: f.code ?? String(f.status) });
  };

  const results = (
    <>
      <p className="success" role="status">
        {done}
      </p>
      {failures.length > 0 ? (
        <div role="alert" className="error">
          <p>{t('bulk.failed', { count: failures.length })}</p>
          <ul>
            {failures.map((f) => (
              <li key={f.id}>
                {f.label}: {reason(f)}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </>
  );
  // Nothing selected: only what the last change did stays on screen.
  if (ids.length === 0) return <div className="ag-bulk-result">{results}</div>;

  return (
    <section className="card ag-bulk" aria-labelledby={headingId}>
      <div className="row">
        <h2 id={headingId} className="ag-h3">
          {t('bulk.title', { count: ids.length })}
        </h2>
        <button type="button" className="link-button" onClick={onClear}>
          {t('bulk.clear')}
        </button>
      </div>
      <div className="ag-bulk-actions">
        <form
          className="row"
          onSubmit={submit(() =>
            assignee
              ? { assigneeId: assignee === 'none' ? null : assignee === 'me' ? (me?.id ?? null) : assignee }
              : null,
          )}
        >
          <label htmlFor={field.assignee}>{t('bulk.assignTo')}</label>
          <select id={field.assignee} value={assignee} onChange={(e) => setAssignee(e.target.value)}>
            <option value="">{t('picker.choose')}</option>
            <option value="me">{t('filters.me')}</option>
            <option value="none">{t('bulk.nobody')}</option>
            {members
              .filter((m) => m.active && m.id !== me?.id)
              .map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
          </select>
          <button type="submit" disabled={action.busy || !assignee}>
            {t('bulk.assign')}
          </button>
        </form>
        <form className="row" onSubmit={submit(() => (status ? { status } : null))}>
          <label htmlFor={field.status}>{t('bulk.setStatus')}</label>
          <select
            id={field.status}
            value={status}
            onChange={(e) => setStatus(e.target.value as TicketStatus | '')}
          >
            <option value="">{t('picker.choose')}</option>
            {TICKET_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`common:ticketStatus.${s}`)}
              </option>
            ))}
          </select>
          <button type="submit" disabled={action.busy || !status}>
            {t('bulk.apply')}
          </button>
        </form>
        <form className="row" onSubmit={submit(() => (priority ? { priority } : null))}>
          <label htmlFor={field.priority}>{t('bulk.setPriority')}</label>
          <select
            id={field.priority}
            value={priority}
            onChange={(e) => setPriority(e.target.value as TicketPriority | '')}
          >
            <option value="">{t('picker.choose')}</option>
            {TICKET_PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {t(`priority.${p}`)}
              </option>
            ))}
          </select>
          <button type="submit" disabled={action.busy || !priority}>
            {t('bulk.apply')}
          </button>
        </form>
        <form
          className="row"
          onSubmit={submit(() => {
            const addTags = parseTags(tags);
            return addTags.length ? { addTags } : null;
          })}
        >
          <label htmlFor={field.tags}>{t('bulk.addTags')}</label>
          <input id={field.tags} type="text" value={tags} onChange={(e) => setTags(e.target.value)} />
          <button type="submit" disabled={action.busy || parseTags(tags).length === 0}>
            {t('bulk.add')}
          </button>
        </form>
      </div>
      <ActionError error={action.error} />
      {results}
    </section>
  );
}
