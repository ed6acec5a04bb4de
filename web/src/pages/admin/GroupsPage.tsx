import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApprovalGroup, ApproverRef, GroupBody } from '../../api/types.js';
import { del, patch, post } from '../../api.js';
import { ErrorMessage, Loading, Page, useAsync } from '../../components/common.js';
import { useSession } from '../../session.js';
import { type Directory, loadDirectory, usePagedList } from './data.js';
import { PeoplePicker } from './PeoplePicker.js';
import { type FieldIssue, type FormProblem, issueFor, problemCode, toFormProblem } from './problems.js';
import {
  ApprovalsOffNotice,
  ConfirmDelete,
  Dialog,
  Field,
  MoreButton,
  ProblemAlert,
  StatusMessage,
} from './ui.js';
import { useFormProblem } from './useFormProblem.js';

function groupRefs(group: ApprovalGroup | null): ApproverRef[] {
  if (!group) return [];
  return [
    ...group.memberIds.map((id) => ({ type: 'member' as const, id })),
    ...group.contactIds.map((id) => ({ type: 'contact' as const, id })),
  ];
}

function groupBody(name: string, people: ApproverRef[]): GroupBody {
  const idsOf = (type: 'member' | 'contact') =>
    people.flatMap((r) => (r.type === type && 'id' in r ? [r.id] : []));
  return { name: name.trim(), memberIds: idsOf('member'), contactIds: idsOf('contact') };
}

/** Creates (no `group`) or edits an approval group. */
function GroupDialog({
  group,
  directory,
  onClose,
  onSaved,
}: {
  group: ApprovalGroup | null;
  directory: Directory;
  onClose: () => void;
  onSaved: (g: ApprovalGroup, created: boolean) => void;
}) {
  const { t } = useTranslation('admin');
  const [draft, setDraft] = useState(() => ({ name: group?.name ?? '', people: groupRefs(group) }));
  const { name, people } = draft;
  const setName = (value: string) => setDraft((d) => ({ ...d, name: value }));
  const setPeople = (value: ApproverRef[]) => setDraft((d) => ({ ...d, people: value }));
  const form = useFormProblem(draft, (d): FieldIssue[] =>
    d.name.trim() ? [] : [{ field: 'name', message: t('validation.required') }],
  );
  const problem = form.problem;
  const [saving, setSaving] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!form.check()) return;
    setSaving(true);
    try {
      const body = groupBody(name, people);
      if (group) onSaved(await patch<ApprovalGroup>(`/approval-groups/${group.id}`, body), false);
      else onSaved(await post<ApprovalGroup>('/approval-groups', body), true);
    } catch (e) {
      form.fail(e);
      setSaving(false);
    }
  };

  return (
    <Dialog
      title={group ? t('groups.editTitle', { name: group.name }) : t('groups.addTitle')}
      onClose={onClose}
    >
      <form className="form" onSubmit={submit} noValidate>
        <Field label={t('common.name')} error={issueFor(problem, 'name')}>
          {(a11y) => (
            <input {...a11y} autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />
          )}
        </Field>
        <PeoplePicker
          legend={t('groups.people')}
          kinds={['member', 'contact']}
          value={people}
          onChange={setPeople}
          directory={directory}
          error={issueFor(problem, 'memberIds') ?? issueFor(problem, 'contactIds')}
        />
        <ProblemAlert problem={problem} />
        <div className="row admin-actions">
          <button type="submit" className="primary" disabled={saving}>
            {saving ? t('common.saving') : t('common:actions.save')}
          </button>
          <button type="button" onClick={onClose}>
            {t('common:actions.cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function NameList({ people }: { people: { id: string; name: string }[] }) {
  const { t } = useTranslation('admin');
  if (!people.length) return <span className="muted">{t('groups.nobody')}</span>;
  return <>{people.map((p) => p.name).join(', ')}</>;
}

function GroupRow({
  group,
  onEdit,
  onDeleted,
  onDeleteFailed,
}: {
  group: ApprovalGroup;
  onEdit: () => void;
  onDeleted: () => void;
  onDeleteFailed: (problem: FormProblem) => void;
}) {
  const { t } = useTranslation(['admin', 'common']);
  const [busy, setBusy] = useState(false);
  const remove = async () => {
    setBusy(true);
    try {
      await del(`/approval-groups/${group.id}`);
      onDeleted();
    } catch (e) {
      const problem = toFormProblem(e, t);
      onDeleteFailed({
        ...problem,
        message: t('groups.deleteFailed', { name: group.name, reason: problem.message }),
      });
      setBusy(false);
    }
  };
  return (
    <tr>
      <td data-label={t('common.name')}>
        <strong>{group.name}</strong>
      </td>
      <td data-label={t('groups.membersColumn')}>
        <NameList people={group.members} />
      </td>
      <td data-label={t('groups.contactsColumn')}>
        <NameList people={group.contacts} />
      </td>
      <td>
        <div className="row">
          <button type="button" onClick={onEdit} aria-label={t('common.editNamed', { name: group.name })}>
            {t('common:actions.edit')}
          </button>
          <ConfirmDelete name={group.name} onConfirm={remove} busy={busy} />
        </div>
      </td>
    </tr>
  );
}

type GroupDialogState = { group: ApprovalGroup | null } | null;

function GroupsList({
  directory,
  dialog,
  setDialog,
}: {
  directory: Directory;
  dialog: GroupDialogState;
  setDialog: (d: GroupDialogState) => void;
}) {
  const { t } = useTranslation(['admin', 'common']);
  const list = usePagedList<ApprovalGroup>('/approval-groups');
  const [status, setStatus] = useState('');
  const [deleteProblem, setDeleteProblem] = useState<FormProblem | null>(null);

  if (problemCode(list.error) === 'approvals_disabled') return <ApprovalsOffNotice />;
  return (
    <>
      <StatusMessage message={status} />
      <ProblemAlert problem={deleteProblem} />
      <ErrorMessage error={list.error} />
      {list.loading && list.items.length === 0 ? <Loading /> : null}
      {!list.loading && !list.error && list.items.length === 0 ? <p>{t('groups.empty')}</p> : null}
      {list.items.length ? (
        <table className="responsive admin-table">
          <caption className="visually-hidden">{t('groups.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('common.name')}</th>
              <th scope="col">{t('groups.membersColumn')}</th>
              <th scope="col">{t('groups.contactsColumn')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('common.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((g) => (
              <GroupRow
                key={g.id}
                group={g}
                onEdit={() => setDialog({ group: g })}
                onDeleteFailed={(problem) => {
                  setStatus('');
                  setDeleteProblem(problem);
                }}
                onDeleted={() => {
                  setDeleteProblem(null);
                  list.removeItem(g.id);
                  setStatus(t('groups.deleted', { name: g.name }));
                }}
              />
            ))}
          </tbody>
        </table>
      ) : null}
      <MoreButton
        count={list.items.length}
        hasMore={list.hasMore}
        loading={list.loading}
        onMore={list.loadMore}
      />
      {dialog ? (
        <GroupDialog
          group={dialog.group}
          directory={directory}
          onClose={() => setDialog(null)}
          onSaved={(g, created) => {
            setDeleteProblem(null);
            list.upsert(g);
            setDialog(null);
            setStatus(t(created ? 'groups.created' : 'groups.updated', { name: g.name }));
          }}
        />
      ) : null}
    </>
  );
}

/** `/admin/groups`: named sets of members and contacts that template steps can ask at once. */
export function GroupsPage() {
  const { t } = useTranslation('admin');
  const { settings } = useSession();
  const enabled = settings?.approvalsEnabled ?? false;
  const directory = useAsync(() => loadDirectory(false), 'people');
  const [dialog, setDialog] = useState<GroupDialogState>(null);
  return (
    <Page
      title={t('groups.title')}
      actions={
        enabled ? (
          <button type="button" className="primary" onClick={() => setDialog({ group: null })}>
            {t('groups.add')}
          </button>
        ) : null
      }
    >
      <p className="muted">{t('groups.intro')}</p>
      {!enabled ? (
        <ApprovalsOffNotice />
      ) : directory.data ? (
        <GroupsList directory={directory.data} dialog={dialog} setDialog={setDialog} />
      ) : (
        <>
          {directory.loading ? <Loading /> : null}
          <ErrorMessage error={directory.error} />
        </>
      )}
    </Page>
  );
}
