import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import type {
  ApprovalTemplate,
  RefType,
  StepWarning,
  TemplateDraftPreview,
  TemplateSwitches,
} from '../../api/types.js';
import { del, get, post, put } from '../../api.js';
import { ErrorMessage, Loading, Page, useAsync } from '../../components/common.js';
import { useSession } from '../../session.js';
import { type Directory, loadDirectory } from './data.js';
import { PeoplePicker } from './PeoplePicker.js';
import { type FormProblem, issueFor, problemCode } from './problems.js';
import { StepEditor } from './StepEditor.js';
import { type TemplateDraft, toBody, toDraft } from './templateDraft.js';
import { ApprovalsOffNotice, CheckboxField, ConfirmDelete, Field, ProblemAlert, TextField } from './ui.js';
import { useFormProblem } from './useFormProblem.js';

const REVIEWER_KINDS: RefType[] = ['member', 'group', 'contact'];

/** Where the list page shows a message after a save or a delete. */
export type TemplatesFlash = { flash: string };

function DetailsSection({
  draft,
  set,
  problem,
}: {
  draft: TemplateDraft;
  set: <K extends keyof TemplateDraft>(key: K, value: TemplateDraft[K]) => void;
  problem: FormProblem | null;
}) {
  const { t } = useTranslation('admin');
  return (
    <section className="card form" aria-labelledby="template-details">
      <h2 id="template-details">{t('templates.details')}</h2>
      <TextField
        label={t('templates.name')}
        value={draft.name}
        onChange={(v) => set('name', v)}
        error={issueFor(problem, 'name')}
      />
      <Field
        label={t('templates.description')}
        optional
        hint={t('templates.descriptionHelp')}
        error={issueFor(problem, 'description')}
      >
        {(a11y) => (
          <textarea
            {...a11y}
            value={draft.description}
            onChange={(e) => set('description', e.target.value)}
          />
        )}
      </Field>
      <CheckboxField
        label={t('templates.expires')}
        hint={t('templates.expiresHelp')}
        checked={draft.expires}
        onChange={(v) => set('expires', v)}
      />
      {draft.expires ? (
        <Field label={t('templates.expireAfterHours')} error={issueFor(problem, 'expireAfterHours')}>
          {(a11y) => (
            <input
              {...a11y}
              className="admin-number"
              type="number"
              inputMode="numeric"
              min={1}
              max={8760}
              value={draft.expireAfterHours}
              onChange={(e) => set('expireAfterHours', e.target.value)}
            />
          )}
        </Field>
      ) : null}
    </section>
  );
}

const SWITCHES: (keyof TemplateSwitches)[] = [
  'preventSelfApproval',
  'requireCommentOnDeny',
  'lockRecipients',
];

/** The template switches of SPEC §8.1, each a checkbox with what it does. */
function SwitchesSection({
  draft,
  set,
}: {
  draft: TemplateDraft;
  set: <K extends keyof TemplateDraft>(key: K, value: TemplateDraft[K]) => void;
}) {
  const { t } = useTranslation('admin');
  return (
    <section className="card form" aria-labelledby="template-switches">
      <h2 id="template-switches">{t('templates.switches')}</h2>
      {SWITCHES.map((key) => (
        <CheckboxField
          key={key}
          label={t(`templates.${key}`)}
          hint={t(`templates.${key}Help`)}
          checked={draft[key]}
          onChange={(v) => set(key, v)}
        />
      ))}
    </section>
  );
}

/**
 * Warnings about the draft's steps from `POST /approval-templates/preview`, by step key,
 * asked again a moment after the steps change. Steps without approvers yet are left out
 * of the question (saving says what is wrong with them).
 */
function useDraftWarnings(draft: TemplateDraft): Record<string, StepWarning[]> {
  const { t } = useTranslation('admin');
  const [warnings, setWarnings] = useState<Record<string, StepWarning[]>>({});
  const { body } = toBody(draft, t);
  const asked = body.steps.flatMap((step, i) =>
    step.approvers.length
      ? [{ key: draft.steps[i]?.key ?? '', step: { ...step, name: step.name || '-' } }]
      : [],
  );
  const request = JSON.stringify({ name: 'draft', steps: asked.map((a) => a.step) });
  const keys = asked.map((a) => a.key).join(',');
  useEffect(() => {
    let current = true;
    const stepKeys = keys.split(',');
    const timer = setTimeout(() => {
      if (!stepKeys[0]) {
        setWarnings({});
        return;
      }
      post<TemplateDraftPreview>('/approval-templates/preview', JSON.parse(request))
        .then((answer) => {
          if (current) setWarnings(Object.fromEntries(answer.steps.map((s, i) => [stepKeys[i], s.warnings])));
        })
        .catch(() => {});
    }, 300);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [request, keys]);
  return warnings;
}

function AppealsSection({
  draft,
  set,
  directory,
  problem,
}: {
  draft: TemplateDraft;
  set: <K extends keyof TemplateDraft>(key: K, value: TemplateDraft[K]) => void;
  directory: Directory;
  problem: FormProblem | null;
}) {
  const { t } = useTranslation('admin');
  const { settings } = useSession();
  return (
    <section className="card form" aria-labelledby="template-appeals">
      <h2 id="template-appeals">{t('settings.appealsEnabled')}</h2>
      <CheckboxField
        label={t('templates.allowAppeals')}
        hint={t('templates.allowAppealsHelp')}
        checked={draft.allowAppeals}
        onChange={(v) => set('allowAppeals', v)}
      />
      {draft.allowAppeals && settings && !settings.appealsEnabled ? (
        <p className="admin-warning">
          {t('templates.appealsOffInWorkspace')} <Link to="/admin">{t('approvalsOff.link')}</Link>
        </p>
      ) : null}
      {draft.allowAppeals ? (
        <PeoplePicker
          legend={t('templates.appealReviewers')}
          hint={
            draft.appealReviewers.length
              ? t('templates.appealReviewersHelp')
              : t('templates.noReviewersWarning')
          }
          kinds={REVIEWER_KINDS}
          value={draft.appealReviewers}
          onChange={(refs) => set('appealReviewers', refs)}
          directory={directory}
          error={issueFor(problem, 'appealReviewers')}
        />
      ) : null}
    </section>
  );
}

function TemplateForm({ template, directory }: { template: ApprovalTemplate | null; directory: Directory }) {
  const { t } = useTranslation(['admin', 'common']);
  const navigate = useNavigate();
  const [draft, setDraft] = useState(() => toDraft(template));
  const form = useFormProblem(draft, (d) => toBody(d, t).issues);
  const problem = form.problem;
  const [saving, setSaving] = useState(false);
  const warnings = useDraftWarnings(draft);
  const set = <K extends keyof TemplateDraft>(key: K, value: TemplateDraft[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));
  const done = (flash: string) => navigate('/admin/templates', { state: { flash } satisfies TemplatesFlash });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!form.check()) return;
    const { body } = toBody(draft, t);
    setSaving(true);
    try {
      const saved = template
        ? await put<ApprovalTemplate>(`/approval-templates/${template.id}`, body)
        : await post<ApprovalTemplate>('/approval-templates', body);
      done(t('templates.saved', { name: saved.name }));
    } catch (e) {
      form.fail(e);
      setSaving(false);
    }
  };

  const remove = async () => {
    if (!template) return;
    setSaving(true);
    try {
      await del(`/approval-templates/${template.id}`);
      done(t('templates.deleted', { name: template.name }));
    } catch (e) {
      form.fail(e);
      setSaving(false);
    }
  };

  return (
    <form className="stack" onSubmit={submit} noValidate>
      <DetailsSection draft={draft} set={set} problem={problem} />
      <StepEditor
        steps={draft.steps}
        onChange={(steps) => set('steps', steps)}
        directory={directory}
        problem={problem}
        warnings={warnings}
      />
      <SwitchesSection draft={draft} set={set} />
      <AppealsSection draft={draft} set={set} directory={directory} problem={problem} />
      <ProblemAlert problem={problem} />
      <div className="row admin-actions">
        <button type="submit" className="primary" disabled={saving}>
          {saving ? t('common.saving') : t('templates.save')}
        </button>
        <Link to="/admin/templates">{t('common:actions.cancel')}</Link>
        {template ? (
          <span className="admin-push">
            <ConfirmDelete name={template.name} onConfirm={remove} busy={saving} />
          </span>
        ) : null}
      </div>
    </form>
  );
}

/** `/admin/templates/new` and `/admin/templates/:id`: name, appeals, expiry and the step editor. */
export function TemplateEditor() {
  const { t } = useTranslation('admin');
  const { id } = useParams();
  const { settings } = useSession();
  const enabled = settings?.approvalsEnabled ?? false;
  const isNew = !id || id === 'new';
  const data = useAsync(
    async () => {
      if (!enabled) return null;
      const [directory, template] = await Promise.all([
        loadDirectory(true),
        isNew
          ? Promise.resolve(null)
          : get<ApprovalTemplate>(`/approval-templates/${encodeURIComponent(id)}`),
      ]);
      return { directory, template };
    },
    `${id ?? 'new'}:${enabled}`,
  );

  const code = problemCode(data.error);
  const title = isNew
    ? t('templates.newTitle')
    : data.error
      ? t('templates.title')
      : t('templates.editTitle', { name: data.data?.template?.name ?? '…' });

  return (
    <Page title={title} actions={<Link to="/admin/templates">{t('templates.backToList')}</Link>}>
      {!enabled || code === 'approvals_disabled' ? <ApprovalsOffNotice /> : null}
      {enabled && data.loading && !data.data ? <Loading /> : null}
      {code === 'not_found' ? (
        <p role="alert" className="error">
          {t('templates.notFound')}
        </p>
      ) : code === 'approvals_disabled' ? null : (
        <ErrorMessage error={data.error} onRetry={data.reload} />
      )}
      {data.data ? (
        <TemplateForm
          key={data.data.template?.id ?? 'new'}
          template={data.data.template}
          directory={data.data.directory}
        />
      ) : null}
    </Page>
  );
}
