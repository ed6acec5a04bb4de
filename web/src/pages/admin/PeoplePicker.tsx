import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApproverRef, DirectoryRefType, RefType } from '../../api/types.js';
import type { Directory } from './data.js';
import type { Translate } from './problems.js';
import { isDirectoryRef, refKey, sameRef } from './refs.js';

type Option = { ref: ApproverRef; label: string };

/** The name shown for a reference: a person's or group's name, or a ticket role. */
export function refLabel(ref: ApproverRef, directory: Directory | null, t: Translate): string {
  if (!isDirectoryRef(ref)) return t(`picker.kinds.${ref.type}`);
  const list =
    ref.type === 'member'
      ? directory?.members
      : ref.type === 'contact'
        ? directory?.contacts
        : directory?.groups;
  const found = list?.find((x) => x.id === ref.id);
  if (!found) return t('common.unknownPerson', { id: ref.id.slice(0, 8) });
  if ('active' in found && !found.active) return t('picker.inactive', { name: found.name });
  return found.name;
}

function peopleOf(kind: DirectoryRefType, directory: Directory): { id: string }[] {
  if (kind === 'member') return directory.members;
  if (kind === 'contact') return directory.contacts;
  return directory.groups;
}

function isPersonKind(kind: RefType): kind is DirectoryRefType {
  return kind === 'member' || kind === 'contact' || kind === 'group';
}

/** The references of one kind that can still be added. */
function optionsOf(kind: RefType, directory: Directory, chosen: ApproverRef[], t: Translate): Option[] {
  const all: ApproverRef[] = isPersonKind(kind)
    ? peopleOf(kind, directory).map((p) => ({ type: kind, id: p.id }))
    : [{ type: kind }];
  return all
    .filter((ref) => !chosen.some((c) => sameRef(c, ref)))
    .map((ref) => ({ ref, label: refLabel(ref, directory, t) }));
}

/**
 * Chooses people for a group, a step or appeal reviewers: the chosen ones as a list with a Remove
 * button each, then a type, a person of that type and an Add button.
 */
export function PeoplePicker({
  legend,
  hint,
  error,
  kinds,
  value,
  onChange,
  directory,
}: {
  legend: string;
  hint?: string | undefined;
  error?: string | undefined;
  kinds: RefType[];
  value: ApproverRef[];
  onChange: (refs: ApproverRef[]) => void;
  directory: Directory;
}) {
  const { t } = useTranslation('admin');
  const id = useId();
  const [kind, setKind] = useState<RefType>(kinds[0] ?? 'member');
  const [choice, setChoice] = useState('');
  const [announcement, setAnnouncement] = useState('');
  const options = optionsOf(kind, directory, value, t);
  const isRole = !isPersonKind(kind);
  const selected = isRole ? options[0] : options.find((o) => refKey(o.ref) === choice);
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');

  const add = () => {
    if (!selected) return;
    onChange([...value, selected.ref]);
    setChoice('');
    setAnnouncement(t('picker.added', { name: selected.label }));
  };

  return (
    <fieldset className="admin-picker" {...(describedBy ? { 'aria-describedby': describedBy } : {})}>
      <legend>{legend}</legend>
      {hint ? (
        <p id={`${id}-hint`} className="muted admin-hint">
          {hint}
        </p>
      ) : null}
      {value.length ? (
        <ul className="admin-chips">
          {value.map((ref) => {
            const label = refLabel(ref, directory, t);
            return (
              <li key={refKey(ref)}>
                <span>
                  {label}
                  {isDirectoryRef(ref) ? (
                    <span className="muted admin-kind"> · {t(`picker.kinds.${ref.type}`)}</span>
                  ) : (
                    <span className="muted admin-kind"> · {t(`picker.roleHelp.${ref.type}`)}</span>
                  )}
                </span>
                <button
                  type="button"
                  className="admin-chip-remove"
                  aria-label={t('common.removeNamed', { name: label })}
                  onClick={() => {
                    onChange(value.filter((r) => !sameRef(r, ref)));
                    setAnnouncement('');
                  }}
                >
                  <span aria-hidden="true">×</span>
                </button>
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="muted">{t('picker.none')}</p>
      )}
      <div className="admin-picker-add">
        {kinds.length > 1 ? (
          <div className="admin-field">
            <label htmlFor={`${id}-kind`}>{t('picker.type')}</label>
            <select
              id={`${id}-kind`}
              value={kind}
              onChange={(e) => {
                setKind(e.target.value as RefType);
                setChoice('');
              }}
            >
              {kinds.map((k) => (
                <option key={k} value={k}>
                  {t(`picker.kinds.${k}`)}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        {isRole ? null : (
          <div className="admin-field admin-grow">
            <label htmlFor={`${id}-who`}>{t('picker.person')}</label>
            <select
              id={`${id}-who`}
              value={choice}
              onChange={(e) => setChoice(e.target.value)}
              disabled={options.length === 0}
            >
              <option value="">{options.length ? t('picker.choose') : t('picker.nothingLeft')}</option>
              {options.map((o) => (
                <option key={refKey(o.ref)} value={refKey(o.ref)}>
                  {o.label}
                </option>
              ))}
            </select>
          </div>
        )}
        <button
          type="button"
          onClick={add}
          disabled={!selected}
          aria-label={`${t('picker.add')} (${legend})`}
        >
          {t('picker.add')}
        </button>
      </div>
      {isRole ? (
        <p className="muted admin-hint">
          {t(`picker.roleHelp.${kind}`)}
          {selected ? null : ` (${t('picker.alreadyChosen')})`}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="error admin-field-error">
          {error}
        </p>
      ) : null}
      <p className="visually-hidden" role="status">
        {announcement}
      </p>
    </fieldset>
  );
}
