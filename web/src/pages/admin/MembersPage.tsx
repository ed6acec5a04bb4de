import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Locale, Member, MemberCreate, MemberPage, MemberUpdate, Role } from '../../api/types.js';
import { patch, post } from '../../api.js';
import { Page } from '../../components/common.js';
import { useSession } from '../../session.js';
import { AdminList, DialogForm, EditButton } from './AdminList.js';
import { usePagedList } from './data.js';
import { type FieldIssue, isEmail, issueFor, type Translate } from './problems.js';
import { CheckboxField, Field, LocaleField, StatusMessage, TextField } from './ui.js';
import { useFormProblem } from './useFormProblem.js';

/** What the member forms check before sending: a name, an email when adding, an 8+ character password. */
function memberIssues(d: { name: string; email?: string; password?: string }, t: Translate): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!d.name.trim()) issues.push({ field: 'name', message: t('validation.required') });
  if (d.email !== undefined && !isEmail(d.email))
    issues.push({ field: 'email', message: t('validation.email') });
  if (d.password && d.password.length < 8) {
    issues.push({ field: 'password', message: t('validation.minLength', { n: 8 }) });
  }
  return issues;
}

function RoleSelect({
  value,
  onChange,
  error,
  disabled = false,
  hint,
}: {
  value: Role;
  onChange: (role: Role) => void;
  error?: string | undefined;
  disabled?: boolean;
  hint?: string | undefined;
}) {
  const { t } = useTranslation('admin');
  return (
    <Field label={t('members.role')} error={error} hint={hint}>
      {(a11y) => (
        <select
          {...a11y}
          value={value}
          disabled={disabled}
          onChange={(e) => onChange(e.target.value as Role)}
        >
          <option value="agent">{t('members.roles.agent')}</option>
          <option value="admin">{t('members.roles.admin')}</option>
        </select>
      )}
    </Field>
  );
}

type NewMember = { name: string; email: string; role: Role; password: string; locale: Locale | '' };

function AddMemberDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (m: Member) => void }) {
  const { t } = useTranslation('admin');
  const [draft, setDraft] = useState<NewMember>({
    name: '',
    email: '',
    role: 'agent',
    password: '',
    locale: '',
  });
  const form = useFormProblem(draft, (d) => memberIssues(d, t));
  const problem = form.problem;
  const [saving, setSaving] = useState(false);
  const set = <K extends keyof NewMember>(key: K, value: NewMember[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!form.check()) return;
    const body: MemberCreate = {
      name: draft.name.trim(),
      email: draft.email.trim(),
      role: draft.role,
      ...(draft.password ? { password: draft.password } : {}),
      ...(draft.locale ? { locale: draft.locale } : {}),
    };
    setSaving(true);
    try {
      onCreated(await post<Member>('/members', body));
    } catch (e) {
      form.fail(e);
      setSaving(false);
    }
  };

  return (
    <DialogForm
      title={t('members.addTitle')}
      onClose={onClose}
      onSubmit={submit}
      problem={problem}
      saving={saving}
      submitLabel={t('members.add')}
    >
      <TextField
        label={t('common.name')}
        value={draft.name}
        onChange={(v) => set('name', v)}
        error={issueFor(problem, 'name')}
      />
      <TextField
        label={t('common.email')}
        type="email"
        value={draft.email}
        onChange={(v) => set('email', v)}
        error={issueFor(problem, 'email')}
      />
      <RoleSelect value={draft.role} onChange={(v) => set('role', v)} error={issueFor(problem, 'role')} />
      <TextField
        label={t('common.password')}
        type="password"
        autoComplete="new-password"
        optional
        hint={t('members.passwordHelp')}
        value={draft.password}
        onChange={(v) => set('password', v)}
        error={issueFor(problem, 'password')}
      />
      <LocaleField
        value={draft.locale}
        onChange={(v) => set('locale', v)}
        error={issueFor(problem, 'locale')}
      />
    </DialogForm>
  );
}

/**
 * No password here: only the member sets their own (their profile, a password reset or the invitation
 * emailed when they were added); the API refuses an admin's with 403 password_self_service (issue 10).
 */
type MemberEdit = { name: string; role: Role; active: boolean; locale: Locale | '' };

function EditMemberDialog({
  member,
  isSelf,
  onClose,
  onSaved,
}: {
  member: Member;
  isSelf: boolean;
  onClose: () => void;
  onSaved: (m: Member) => void;
}) {
  const { t } = useTranslation('admin');
  const [draft, setDraft] = useState<MemberEdit>({
    name: member.name,
    role: member.role,
    active: member.active,
    locale: member.locale ?? '',
  });
  const form = useFormProblem(draft, (d) => memberIssues(d, t));
  const problem = form.problem;
  const [saving, setSaving] = useState(false);
  const set = <K extends keyof MemberEdit>(key: K, value: MemberEdit[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!form.check()) return;
    const body: MemberUpdate = {
      name: draft.name.trim(),
      locale: draft.locale || null,
      // Admins cannot lock themselves out: their own role and active flag are not sent.
      ...(isSelf ? {} : { role: draft.role, active: draft.active }),
    };
    setSaving(true);
    try {
      onSaved(await patch<Member>(`/members/${member.id}`, body));
    } catch (e) {
      form.fail(e);
      setSaving(false);
    }
  };

  return (
    <DialogForm
      title={t('members.editTitle', { name: member.name })}
      onClose={onClose}
      onSubmit={submit}
      problem={problem}
      saving={saving}
      submitLabel={t('common:actions.save')}
    >
      <TextField
        label={t('common.name')}
        value={draft.name}
        onChange={(v) => set('name', v)}
        error={issueFor(problem, 'name')}
      />
      <p>
        <span className="admin-label">{t('common.email')}</span> {member.email}
      </p>
      <RoleSelect
        value={draft.role}
        onChange={(v) => set('role', v)}
        disabled={isSelf}
        hint={isSelf ? t('members.selfHelp') : undefined}
        error={issueFor(problem, 'role')}
      />
      <CheckboxField
        label={t('members.activeLabel')}
        hint={isSelf ? t('members.selfHelp') : t('members.activeHelp')}
        checked={draft.active}
        disabled={isSelf}
        onChange={(v) => set('active', v)}
      />
      <LocaleField
        value={draft.locale}
        onChange={(v) => set('locale', v)}
        error={issueFor(problem, 'locale')}
      />
    </DialogForm>
  );
}

/**
 * "Send invitation" (SPEC §8.3): emails an active member a link to choose their password
 * (`POST /members/{id}/invite`, valid 7 days); a member added without a password already got one.
 */
function InviteButton({
  member,
  onSent,
  onFailed,
}: {
  member: Member;
  onSent: (m: Member) => void;
  onFailed: (m: Member) => void;
}) {
  const { t } = useTranslation('admin');
  const [busy, setBusy] = useState(false);
  if (!member.active) return null;
  const send = async () => {
    setBusy(true);
    try {
      await post(`/members/${member.id}/invite`, {});
      onSent(member);
    } catch {
      onFailed(member);
    } finally {
      setBusy(false);
    }
  };
  return (
    <button
      type="button"
      onClick={() => void send()}
      disabled={busy}
      aria-label={t('members.inviteNamed', { name: member.name })}
    >
      {t('members.invite')}
    </button>
  );
}

/** `/admin/members`: the team, with add, edit and invitations. */
export function MembersPage() {
  const { t } = useTranslation(['admin', 'common']);
  const { me } = useSession();
  const list = usePagedList<MemberPage>('/members');
  const [dialog, setDialog] = useState<{ kind: 'add' } | { kind: 'edit'; member: Member } | null>(null);
  const [status, setStatus] = useState('');

  return (
    <Page
      title={t('members.title')}
      actions={
        <button type="button" className="primary" onClick={() => setDialog({ kind: 'add' })}>
          {t('members.add')}
        </button>
      }
    >
      <p className="muted">{t('members.intro')}</p>
      <StatusMessage message={status} />
      <AdminList
        list={list}
        caption={t('members.title')}
        empty={t('members.empty')}
        columns={[
          {
            header: t('common.name'),
            cell: (m) => (
              <>
                <strong>{m.name}</strong>{' '}
                {m.id === me?.id ? <span className="muted">{t('common.you')}</span> : null}
              </>
            ),
          },
          { header: t('common.email'), cell: (m) => m.email, className: 'admin-break' },
          { header: t('members.role'), cell: (m) => t(`members.roles.${m.role}`) },
          {
            header: t('common.language'),
            cell: (m) => (m.locale ? t(`common:locales.${m.locale}`) : t('common.defaultLanguage')),
          },
          {
            header: t('members.status'),
            cell: (m) => (
              <span className={m.active ? 'badge badge-approved' : 'badge badge-none'}>
                {m.active ? t('members.active') : t('members.inactive')}
              </span>
            ),
          },
        ]}
        actions={(m) => (
          <>
            <EditButton name={m.name} onClick={() => setDialog({ kind: 'edit', member: m })} />{' '}
            {m.id === me?.id ? null : (
              <InviteButton
                member={m}
                onSent={(sent) => setStatus(t('members.invited', { name: sent.name, email: sent.email }))}
                onFailed={(failed) => setStatus(t('members.inviteFailed', { name: failed.name }))}
              />
            )}
          </>
        )}
      />
      {dialog?.kind === 'add' ? (
        <AddMemberDialog
          onClose={() => setDialog(null)}
          onCreated={(m) => {
            list.upsert(m);
            setDialog(null);
            setStatus(t('members.created', { name: m.name }));
          }}
        />
      ) : null}
      {dialog?.kind === 'edit' ? (
        <EditMemberDialog
          member={dialog.member}
          isSelf={dialog.member.id === me?.id}
          onClose={() => setDialog(null)}
          onSaved={(m) => {
            list.upsert(m);
            setDialog(null);
            setStatus(t('members.updated', { name: m.name }));
          }}
        />
      ) : null}
    </Page>
  );
}
