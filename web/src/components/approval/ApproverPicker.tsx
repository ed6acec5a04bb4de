import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApproverRef, Directory, TicketRoleType } from '../../api/types.js';
import { refKey, refName, sameRef } from './directory.js';

const ROLES: TicketRoleType[] = ['ticket_requester', 'ticket_contacts', 'ticket_assignee'];

function parseRef(value: string): ApproverRef | null {
  const [type, id] = value.split(':');
  if (type === 'member' || type === 'contact' || type === 'group') return id ? { type, id } : null;
  if (type === 'ticket_requester' || type === 'ticket_contacts' || type === 'ticket_assignee')
    return { type };
  return null;
}

/**
 * Picks approvers: members, contacts, approval groups and ticket roles. The chosen ones are listed with a
 * button to take each one off again. `exclude` hides people already on the step.
 */
export function ApproverPicker({
  label,
  directory,
  value,
  onChange,
  exclude = [],
  withRoles = true,
  chosenLabel,
  noneText,
}: {
  label: string;
  directory: Directory;
  value: ApproverRef[];
  onChange: (refs: ApproverRef[]) => void;
  exclude?: ApproverRef[];
  withRoles?: boolean;
  /** The chosen list's name and what it says when empty (approvers unless told otherwise). */
  chosenLabel?: string;
  noneText?: string;
}) {
  const { t } = useTranslation('agent');
  const selectId = useId();
  const listId = useId();
  const [choice, setChoice] = useState('');
  const taken = [...value, ...exclude];
  const available = (ref: ApproverRef) => !taken.some((r) => sameRef(r, ref));

  const members = directory.members.filter((m) => m.active && available({ type: 'member', id: m.id }));
  const contacts = directory.contacts.filter((c) => available({ type: 'contact', id: c.id }));
  const groups = directory.groups.filter((g) => available({ type: 'group', id: g.id }));
  const roles = withRoles ? ROLES.filter((r) => available({ type: r })) : [];

  function add() {
    const ref = parseRef(choice);
    if (!ref || !available(ref)) return;
    onChange([...value, ref]);
    setChoice('');
  }

  return (
    <div className="ag-approver-picker">
      <label htmlFor={selectId}>{label}</label>
      <div className="row">
        <select
          id={selectId}
          value={choice}
          onChange={(e) => setChoice(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add();
            }
          }}
        >
          <option value="">{t('picker.choose')}</option>
          {roles.length > 0 ? (
            <optgroup label={t('picker.ticketRoles')}>
              {roles.map((r) => (
                <option key={r} value={r}>
                  {t(`roles.${r}`)}
                </option>
              ))}
            </optgroup>
          ) : null}
          {members.length > 0 ? (
            <optgroup label={t('picker.members')}>
              {members.map((m) => (
                <option key={m.id} value={`member:${m.id}`}>
                  {m.name}
                </option>
              ))}
            </optgroup>
          ) : null}
          {contacts.length > 0 ? (
            <optgroup label={t('picker.contacts')}>
              {contacts.map((c) => (
                <option key={c.id} value={`contact:${c.id}`}>
                  {c.organization ? `${c.name} (${c.organization})` : c.name}
                </option>
              ))}
            </optgroup>
          ) : null}
          {groups.length > 0 ? (
            <optgroup label={t('picker.groups')}>
              {groups.map((g) => (
                <option key={g.id} value={`group:${g.id}`}>
                  {g.name}
                </option>
              ))}
            </optgroup>
          ) : null}
        </select>
        <button type="button" onClick={add} disabled={!choice}>
          {t('picker.add')}
        </button>
      </div>
      {value.length > 0 ? (
        <ul className="ag-chips" id={listId} aria-label={chosenLabel ?? t('picker.chosen')}>
          {value.map((ref) => {
            const name = refName(ref, directory, t);
            return (
              <li key={refKey(ref)} className="ag-chip">
                <span>{name}</span>
                <button
                  type="button"
                  className="ag-chip-remove"
                  aria-label={t('picker.removeOne', { name })}
                  onClick={() => onChange(value.filter((r) => !sameRef(r, ref)))}
                >
                  ×
                </button>
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="muted">{noneText ?? t('picker.noneChosen')}</p>
      )}
    </div>
  );
}
