import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Contact, ContactCreate, ContactPage, ContactUpdate, Locale } from '../../api/types.js';
import { patch, post } from '../../api.js';
import { Page } from '../../components/common.js';
import { AdminList, DialogForm, EditButton } from './AdminList.js';
import { usePagedList } from './data.js';
import { type FieldIssue, type FormProblem, isEmail, issueFor, type Translate } from './problems.js';
import { LocaleField, StatusMessage, TextField } from './ui.js';
import { useFormProblem } from './useFormProblem.js';

type ContactDraft = {
  name: string;
  email: string;
  organization: string;
  locale: Locale | '';
  password: string;
};

/** The fields shared by the add and edit forms; `email` is editable only when adding. */
function ContactFields({
  draft,
  onChange,
  problem,
  editing,
}: {
  draft: ContactDraft;
  onChange: (d: ContactDraft) => void;
  problem: FormProblem | null;
  editing: boolean;
}) {
  const { t } = useTranslation('admin');
  const set = <K extends keyof ContactDraft>(key: K, value: ContactDraft[K]) =>
    onChange({ ...draft, [key]: value });
  return (
    <>
      <TextField
        label={t('common.name')}
        value={draft.name}
        onChange={(v) => set('name', v)}
        error={issueFor(problem, 'name')}
      />
      {editing ? (
        <p>
          <span className="admin-label">{t('common.email')}</span> {draft.email}{' '}
          <span className="muted">({t('contacts.emailReadOnly')})</span>
        </p>
      ) : (
        <TextField
          label={t('common.email')}
          type="email"
          value={draft.email}
          onChange={(v) => set('email', v)}
          error={issueFor(problem, 'email')}
        />
      )}
      <TextField
        label={t('contacts.organization')}
        optional
        value={draft.organization}
        onChange={(v) => set('organization', v)}
        error={issueFor(problem, 'organization')}
      />
      <LocaleField
        value={draft.locale}
        onChange={(v) => set('locale', v)}
        error={issueFor(problem, 'locale')}
      />
      {editing ? null : (
        // Only when adding (admins only, SPEC §5): afterwards the contact sets their own password, and the
        // API refuses an admin's with 403 password_self_service (issue 10).
        <TextField
          label={t('common.password')}
          type="password"
          autoComplete="new-password"
          optional
          hint={t('contacts.passwordHelp')}
          value={draft.password}
          onChange={(v) => set('password', v)}
          error={issueFor(problem, 'password')}
        />
      )}
    </>
  );
}

function contactIssues(d: ContactDraft, adding: boolean, t: Translate): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!d.name.trim()) issues.push({ field: 'name', message: t('validation.required') });
  if (adding && !isEmail(d.email)) issues.push({ field: 'email', message: t('validation.email') });
  if (d.password && d.password.length < 8) {
    issues.push({ field: 'password', message: t('validation.minLength', { n: 8 }) });
  }
  return issues;
}

/** Adds (no `contact`) or edits a contact. */
function ContactDialog({
  contact,
  onClose,
  onSaved,
}: {
  contact: Contact | null;
  onClose: () => void;
  onSaved: (c: Contact, created: boolean) => void;
}) {
  const { t } = useTranslation('admin');
  const [draft, setDraft] = useState<ContactDraft>({
    name: contact?.name ?? '',
    email: contact?.email ?? '',
    organization: contact?.organization ?? '',
    locale: contact?.locale ?? '',
    password: '',
  });
  const form = useFormProblem(draft, (d) => contactIssues(d, contact === null, t));
  const problem = form.problem;
  const [saving, setSaving] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!form.check()) return;
    setSaving(true);
    try {
      if (contact) {
        const body: ContactUpdate = {
          name: draft.name.trim(),
          organization: draft.organization.trim() || null,
          locale: draft.locale || null,
        };
        onSaved(await patch<Contact>(`/contacts/${contact.id}`, body), false);
      } else {
        const body: ContactCreate = {
          name: draft.name.trim(),
          email: draft.email.trim(),
          ...(draft.organization.trim() ? { organization: draft.organization.trim() } : {}),
          ...(draft.locale ? { locale: draft.locale } : {}),
          ...(draft.password ? { password: draft.password } : {}),
        };
        onSaved(await post<Contact>('/contacts', body), true);
      }
    } catch (e) {
      form.fail(e);
      setSaving(false);
    }
  };

  return (
    <DialogForm
      title={contact ? t('contacts.editTitle', { name: contact.name }) : t('contacts.addTitle')}
      onClose={onClose}
      onSubmit={submit}
      problem={problem}
      saving={saving}
      submitLabel={contact ? t('common:actions.save') : t('contacts.add')}
    >
      <ContactFields draft={draft} onChange={setDraft} problem={problem} editing={contact !== null} />
    </DialogForm>
  );
}

/** `/admin/contacts`: customers, with add and edit. */
export function ContactsPage() {
  const { t } = useTranslation(['admin', 'common']);
  const list = usePagedList<ContactPage>('/contacts');
  const [dialog, setDialog] = useState<{ contact: Contact | null } | null>(null);
  const [status, setStatus] = useState('');

  return (
    <Page
      title={t('contacts.title')}
      actions={
        <button type="button" className="primary" onClick={() => setDialog({ contact: null })}>
          {t('contacts.add')}
        </button>
      }
    >
      <p className="muted">{t('contacts.intro')}</p>
      <StatusMessage message={status} />
      <AdminList
        list={list}
        caption={t('contacts.title')}
        empty={t('contacts.empty')}
        columns={[
          { header: t('common.name'), cell: (c) => <strong>{c.name}</strong> },
          { header: t('common.email'), cell: (c) => c.email, className: 'admin-break' },
          {
            header: t('contacts.organization'),
            cell: (c) => c.organization ?? <span className="muted">—</span>,
          },
          {
            header: t('common.language'),
            cell: (c) => (c.locale ? t(`common:locales.${c.locale}`) : t('common.defaultLanguage')),
          },
        ]}
        actions={(c) => <EditButton name={c.name} onClick={() => setDialog({ contact: c })} />}
      />
      {dialog ? (
        <ContactDialog
          contact={dialog.contact}
          onClose={() => setDialog(null)}
          onSaved={(c, created) => {
            list.upsert(c);
            setDialog(null);
            setStatus(t(created ? 'contacts.created' : 'contacts.updated', { name: c.name }));
          }}
        />
      ) : null}
    </Page>
  );
}
