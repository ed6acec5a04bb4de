import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Locale } from '../../api/types.js';
import type { FormProblem, Translate } from './problems.js';

/** Small building blocks shared by the admin pages. */

export type ControlProps = {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
};

/** A label, an optional hint and an optional error around one control (given by a render function). */
export function Field({
  id: givenId,
  label,
  hint,
  error,
  optional = false,
  children,
}: {
  id?: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  optional?: boolean;
  children: (control: ControlProps) => ReactNode;
}) {
  const { t } = useTranslation('admin');
  const generatedId = useId();
  const id = givenId ?? generatedId;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ');
  return (
    <div className="admin-field">
      <label htmlFor={id}>
        {label}
        {optional ? <span className="muted admin-optional"> {t('common.optional')}</span> : null}
      </label>
      {hint ? (
        <p id={hintId} className="muted admin-hint">
          {hint}
        </p>
      ) : null}
      {children({
        id,
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
        ...(error ? { 'aria-invalid': true as const } : {}),
      })}
      {error ? (
        <p id={errorId} className="error admin-field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A checkbox shown as an on/off switch, with its explanation read out as its description. */
export function SwitchField({
  label,
  help,
  note,
  checked,
  onChange,
  disabled = false,
}: {
  label: string;
  help: string;
  note?: string | undefined;
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
}) {
  const { t } = useTranslation('admin');
  const id = useId();
  return (
    <div className="admin-switch">
      <input
        type="checkbox"
        role="switch"
        id={id}
        checked={checked}
        aria-checked={checked}
        disabled={disabled}
        aria-describedby={`${id}-help`}
        onChange={(e) => onChange(e.target.checked)}
      />
      <div>
        <label htmlFor={id}>
          {label}{' '}
          <span className={checked ? 'admin-state on' : 'admin-state'} aria-hidden="true">
            {checked ? t('settings.on') : t('settings.off')}
          </span>
        </label>
        <p id={`${id}-help`} className="muted admin-hint">
          {help}
          {note ? <span className="admin-note"> {note}</span> : null}
        </p>
      </div>
    </div>
  );
}

/** A plain checkbox with a label on its right and an optional hint. */
export function CheckboxField({
  label,
  hint,
  checked,
  onChange,
  disabled = false,
}: {
  label: string;
  hint?: string | undefined;
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <div className="admin-checkbox">
      <input
        type="checkbox"
        id={id}
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChange(e.target.checked)}
        {...(hint ? { 'aria-describedby': `${id}-hint` } : {})}
      />
      <div>
        <label htmlFor={id}>{label}</label>
        {hint ? (
          <p id={`${id}-hint`} className="muted admin-hint">
            {hint}
          </p>
        ) : null}
      </div>
    </div>
  );
}

/** "Workspace default / English / Français"; '' stands for the default. */
export function LocaleOptions({ withDefault = true }: { withDefault?: boolean }) {
  const { t } = useTranslation(['admin', 'common']);
  return (
    <>
      {withDefault ? <option value="">{t('common.defaultLanguage')}</option> : null}
      <option value="en" lang="en">
        {t('common:locales.en')}
      </option>
      <option value="fr" lang="fr">
        {t('common:locales.fr')}
      </option>
    </>
  );
}

/**
 * A labelled text input bound to one value (a person's name, email, organization, password): the
 * admin dialogs' fields, written once. Browsers must not autofill an admin's own details into someone
 * else's record, hence `autoComplete="off"` unless told (`new-password` for passwords).
 */
export function TextField({
  label,
  value,
  onChange,
  type = 'text',
  autoComplete = 'off',
  optional = false,
  hint,
  error,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  type?: 'text' | 'email' | 'password';
  autoComplete?: 'off' | 'new-password';
  optional?: boolean;
  hint?: string | undefined;
  error?: string | undefined;
}) {
  return (
    <Field label={label} optional={optional} hint={hint} error={error}>
      {(a11y) => (
        <input
          {...a11y}
          {...(type === 'text' ? {} : { type })}
          autoComplete={autoComplete}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

/** "Language" with the workspace default first ('' stands for it). */
export function LocaleField({
  value,
  onChange,
  error,
}: {
  value: Locale | '';
  onChange: (value: Locale | '') => void;
  error?: string | undefined;
}) {
  const { t } = useTranslation('admin');
  return (
    <Field label={t('common.language')} error={error}>
      {(a11y) => (
        <select {...a11y} value={value} onChange={(e) => onChange(e.target.value as Locale | '')}>
          <LocaleOptions />
        </select>
      )}
    </Field>
  );
}

/** The human name of a failing field path such as `steps.1.rule.count`. */
export function fieldLabel(field: string, t: Translate): string {
  const parts = field.split('.');
  const [head, index, rest, leaf] = parts;
  if (head === 'steps' && index !== undefined && /^\d+$/.test(index)) {
    const step = t('steps.step', { n: Number(index) + 1 });
    if (!rest) return step;
    const sub =
      rest === 'rule' && leaf === 'count' ? t('fields.count') : t(`fields.${rest}`, { defaultValue: rest });
    return `${step} › ${sub}`;
  }
  return t(`fields.${head ?? field}`, { defaultValue: field });
}

/** What went wrong with a save: a sentence, then each failing field. */
export function ProblemAlert({ problem }: { problem: FormProblem | null }) {
  const { t } = useTranslation('admin');
  if (!problem) return null;
  return (
    <div className="admin-problem" role="alert">
      <p className="error">{problem.message}</p>
      {problem.issues.length ? (
        <ul>
          {problem.issues.map((issue) => (
            <li key={`${issue.field}:${issue.message}`}>
              <strong>{fieldLabel(issue.field, t)}</strong>
              {t('common.colon')}
              {issue.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** A polite live region that is always present, so screen readers announce what is put in it. */
export function StatusMessage({ message }: { message: string }) {
  return (
    <p className={message ? 'success admin-status' : 'visually-hidden'} role="status">
      {message}
    </p>
  );
}

/**
 * A modal dialog (native <dialog>: focus stays inside, Escape closes it). Focus returns to the element
 * that opened it.
 */
export function Dialog({
  title,
  onClose,
  children,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const { t } = useTranslation('admin');
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!opener.current) opener.current = document.activeElement;
    if (!dialog.open) dialog.showModal();
    return () => {
      setTimeout(() => {
        const back = opener.current;
        if (!dialog.isConnected && back instanceof HTMLElement && back.isConnected) back.focus();
      }, 0);
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className="admin-dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <div className="admin-dialog-header">
        <h2 id={titleId}>{title}</h2>
        <button
          type="button"
          className="admin-icon-button"
          onClick={onClose}
          aria-label={t('common.closeDialog')}
        >
          <span aria-hidden="true">×</span>
        </button>
      </div>
      {children}
    </dialog>
  );
}

/** A delete button that asks once more, inline, before calling `onConfirm`. */
export function ConfirmDelete({
  name,
  onConfirm,
  busy = false,
}: {
  name: string;
  onConfirm: () => void;
  busy?: boolean;
}) {
  const { t } = useTranslation('admin');
  const [asking, setAsking] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const deleteRef = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
    else if (returnFocus.current) {
      returnFocus.current = false;
      deleteRef.current?.focus();
    }
  }, [asking]);
  if (!asking) {
    return (
      <button
        ref={deleteRef}
        type="button"
        className="admin-danger"
        onClick={() => setAsking(true)}
        aria-label={t('common.deleteNamed', { name })}
      >
        {t('common.delete')}
      </button>
    );
  }
  return (
    <span className="admin-confirm">
      <span>{t('common.confirmDelete', { name })}</span>
      <span className="row">
        <button
          ref={confirmRef}
          type="button"
          className="deny"
          disabled={busy}
          onClick={() => {
            returnFocus.current = true;
            setAsking(false);
            onConfirm();
          }}
        >
          {t('common.confirmDeleteYes')}
        </button>
        <button
          type="button"
          onClick={() => {
            returnFocus.current = true;
            setAsking(false);
          }}
        >
          {t('common.keep')}
        </button>
      </span>
    </span>
  );
}

/** Shown instead of groups and templates while the approvals module is off. */
export function ApprovalsOffNotice() {
  const { t } = useTranslation('admin');
  return (
    <div className="card admin-notice">
      <h2>{t('approvalsOff.title')}</h2>
      <p>{t('approvalsOff.body')}</p>
      <p>
        <Link to="/admin">{t('approvalsOff.link')}</Link>
      </p>
    </div>
  );
}

/** "Show more" under a cursor-paginated list, with a count for screen readers. */
export function MoreButton({
  count,
  hasMore,
  loading,
  onMore,
}: {
  count: number;
  hasMore: boolean;
  loading: boolean;
  onMore: () => void;
}) {
  const { t } = useTranslation('admin');
  return (
    <div className="row admin-more">
      <p className="muted" role="status">
        {t('common.showingCount', { count })}
      </p>
      {hasMore ? (
        <button type="button" onClick={onMore} disabled={loading}>
          {loading ? t('common:loading') : t('common.showMore')}
        </button>
      ) : null}
    </div>
  );
}
