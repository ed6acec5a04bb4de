import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type ApproverRef,
  type Directory,
  TICKET_PRIORITIES,
  type Ticket,
  type TicketPriority,
  type TicketUpdate,
} from '../../api/types.js';
import { patch } from '../../api.js';
import { ApproverPicker } from '../../components/approval/ApproverPicker.js';
import { ActionDone, ActionError, useAction } from '../../components/approval/feedback.js';
import { useSession } from '../../session.js';
import { parseTags } from './tags.js';

/**
 * A ticket's working fields (SPEC §8.3): priority, assignee, tags and CC (its contacts), each saved with
 * `PATCH /tickets/{id}` as soon as it changes; the answer replaces the ticket shown.
 */
export function TicketFields({
  ticket,
  directory,
  onChanged,
}: {
  ticket: Ticket;
  directory: Directory | null;
  onChanged: (t: Ticket) => void;
}) {
  const { t } = useTranslation('agent');
  const { me } = useSession();
  const ids = { heading: useId(), priority: useId(), assignee: useId(), tag: useId(), error: useId() };
  const action = useAction();
  const [done, setDone] = useState<string | null>(null);
  const [tagText, setTagText] = useState('');

  async function save(change: TicketUpdate, message: string) {
    setDone(null);
    const next = await action.run(() => patch<Ticket>(`/tickets/${ticket.id}`, change));
    if (next) {
      onChanged(next);
      setDone(message);
    }
    return next;
  }

  const memberName = (id: string | null) =>
    id ? (directory?.members.find((m) => m.id === id)?.name ?? t('people.unknown')) : t('ticket.unassigned');

  async function addTags(e: FormEvent) {
    e.preventDefault();
    const added = parseTags(tagText).filter((x) => !ticket.tags.includes(x));
    if (added.length === 0) return;
    const next = await save({ tags: [...ticket.tags, ...added] }, t('fields.tagsSaved'));
    if (next) setTagText('');
  }

  const cc: ApproverRef[] = ticket.contactIds.map((id) => ({ type: 'contact', id }));
  const contactsOnly: Directory | null = directory
    ? { members: [], groups: [], contacts: directory.contacts }
    : null;

  return (
    <section className="card ag-fields" aria-labelledby={ids.heading}>
      <h2 id={ids.heading} className="ag-h3">
        {t('fields.title')}
      </h2>
      <div className="ag-fields-grid">
        <div className="ag-field">
          <label htmlFor={ids.priority}>{t('fields.priority')}</label>
          <select
            id={ids.priority}
            value={ticket.priority}
            disabled={action.busy}
            onChange={(e) => {
              const priority = e.target.value as TicketPriority;
              void save({ priority }, t('fields.prioritySaved', { priority: t(`priority.${priority}`) }));
            }}
          >
            {TICKET_PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {t(`priority.${p}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="ag-field">
          <label htmlFor={ids.assignee}>{t('fields.assignee')}</label>
          <div className="row">
            <select
              id={ids.assignee}
              value={ticket.assigneeId ?? ''}
              disabled={action.busy || !directory}
              onChange={(e) => {
                const assigneeId = e.target.value || null;
                void save({ assigneeId }, t('fields.assigneeSaved', { name: memberName(assigneeId) }));
              }}
            >
              <option value="">{t('ticket.unassigned')}</option>
              {(directory?.members ?? [])
                .filter((m) => m.active || m.id === ticket.assigneeId)
                .map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.name}
                  </option>
                ))}
            </select>
            {me && ticket.assigneeId !== me.id ? (
              <button
                type="button"
                disabled={action.busy}
                onClick={() => void save({ assigneeId: me.id }, t('fields.assigneeSaved', { name: me.name }))}
              >
                {t('fields.takeIt')}
              </button>
            ) : null}
          </div>
        </div>
      </div>
      <div className="ag-field">
        <span className="ag-field-label" id={`${ids.tag}-label`}>
          {t('fields.tags')}
        </span>
        {ticket.tags.length > 0 ? (
          <ul className="ag-chips" aria-labelledby={`${ids.tag}-label`}>
            {ticket.tags.map((tag) => (
              <li key={tag} className="ag-chip">
                <span>{tag}</span>
                <button
                  type="button"
                  className="ag-chip-remove"
                  disabled={action.busy}
                  aria-label={t('fields.removeTag', { tag })}
                  onClick={() =>
                    void save({ tags: ticket.tags.filter((x) => x !== tag) }, t('fields.tagRemoved', { tag }))
                  }
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">{t('fields.noTags')}</p>
        )}
        <form className="row" onSubmit={addTags}>
          <label htmlFor={ids.tag}>{t('fields.addTags')}</label>
          <input id={ids.tag} type="text" value={tagText} onChange={(e) => setTagText(e.target.value)} />
          <button type="submit" disabled={action.busy || parseTags(tagText).length === 0}>
            {t('fields.add')}
          </button>
        </form>
      </div>
      {contactsOnly ? (
        <ApproverPicker
          label={t('fields.cc')}
          directory={contactsOnly}
          withRoles={false}
          chosenLabel={t('fields.ccList')}
          noneText={t('fields.noCc')}
          exclude={[{ type: 'contact', id: ticket.requesterId }]}
          value={cc}
          onChange={(refs) =>
            void save(
              { contactIds: refs.flatMap((r) => (r.type === 'contact' ? [r.id] : [])) },
              t('fields.ccSaved'),
            )
          }
        />
      ) : null}
      <ActionError error={action.error} id={ids.error} />
      <ActionDone message={done} />
    </section>
  );
}
