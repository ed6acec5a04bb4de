import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApprovalGroup, ApproverRef, GroupBody, GroupPage } from '../../api/types.js';
import { del, patch, post } from '../../api.js';
import { ErrorMessage, Loading, Page, useAsync } from '../../components/common.js';
import { useSession } from '../../session.js';
import { AdminList, DialogForm, EditButton } from './AdminList.js';
import { type Directory, loadDirectory, usePagedList } from './data.js';
import { PeoplePicker } from './PeoplePicker.js';
import { type FieldIssue, type FormProblem, issueFor, problemCode, toFormProblem } from './problems.js';
import { ApprovalsOffNotice, ConfirmDelete, ProblemAlert, StatusMessage, TextField } from './ui.js';
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
    <DialogForm
      title={group ? t('groups.editTitle', { name: group.name }) : t('groups.addTitle')}
      onClose={onClose}
      onSubmit={submit}
      problem={problem}
      saving={saving}
      submitLabel={t('common:actions.save')}
    >
      <TextField label={t('common.name')} value={name} onChange={setName} error={issueFor(problem, 'name')} />
      <PeoplePicker
        legend={t('groups.people')}
        kinds={['member', 'contact']}
        value={people}
        onChange={setPeople}
        directory={directory}
        error={issueFor(problem, 'memberIds') ?? issueFor(problem, 'contactIds')}
      />
    </DialogForm>
  );
}

function NameList({ people }: { people: { id: string; name: string }[] }) {
  const { t } = useTranslation('admin');
  if (!people.length) return <span className="muted">{t('groups.nobody')}</span>;
  return <>{people.map((p) => p.name).join(', ')}</>;
}

function GroupActions({
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
    <div className="row">
      <EditButton name={group.name} onClick={onEdit} />
      <ConfirmDelete name={group.name} onConfirm={remove} busy={busy} />
    </div>
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
  const list = usePagedList<GroupPage>('/approval-groups');
  const [status, setStatus] = useState('');
  const [deleteProblem, setDeleteProblem] = useState<FormProblem | null>(null);

  if (problemCode(list.error) === 'approvals_disabled') return <ApprovalsOffNotice />;
  return (
    <>
      <StatusMessage message={status} />
      <ProblemAlert problem={deleteProblem} />
      <AdminList
        list={list}
        caption={t('groups.title')}
        empty={t('groups.empty')}
        columns={[
          { header: t('common.name'), cell: (g) => <strong>{g.name}</strong> },
          { header: t('groups.membersColumn'), cell: (g) => <NameList people={g.members} /> },
          { header: t('groups.contactsColumn'), cell: (g) => <NameList people={g.contacts} /> },
        ]}
        actions={(g) => (
          <GroupActions
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
        )}
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
          <ErrorMessage error={directory.error} onRetry={directory.reload} />
        </>
      )}
    </Page>
  );
}
