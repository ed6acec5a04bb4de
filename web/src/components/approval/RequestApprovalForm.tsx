import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  Approval,
  ApprovalTemplate,
  ApproverRef,
  Directory,
  PersonRef,
  Rule,
  TicketApprovalPreview,
} from '../../api/types.js';
import { post } from '../../api.js';
import { useSession } from '../../session.js';
import { ApproverPicker } from './ApproverPicker.js';
import { refName } from './directory.js';
import { ActionError, useAction } from './feedback.js';
import { useStepWarningText } from './StepWarnings.js';
import { joinNames, ruleText } from './words.js';

type Kind = 'template' | 'adhoc';

/** What the chosen template would do on this ticket now; null while unknown. */
function useTicketApprovalPreview(
  ticketId: string,
  templateId: string,
  behalf: string,
): TicketApprovalPreview | null {
  const [preview, setPreview] = useState<TicketApprovalPreview | null>(null);
  useEffect(() => {
    let current = true;
    setPreview(null);
    if (!templateId) return;
    const onBehalfOf = parsePerson(behalf);
    post<TicketApprovalPreview>(`/tickets/${ticketId}/approvals/preview`, {
      templateId,
      ...(onBehalfOf ? { onBehalfOf } : {}),
    })
      .then((answer) => {
        if (current) setPreview(answer);
      })
      .catch(() => {});
    return () => {
      current = false;
    };
  }, [ticketId, templateId, behalf]);
  return preview;
}

/** Steps that would resolve to nobody now, and min counts out of reach, before the request is sent. */
function PreviewWarnings({ preview }: { preview: TicketApprovalPreview | null }) {
  const { t } = useTranslation('agent');
  const text = useStepWarningText();
  const lines = (preview?.steps ?? []).flatMap((step, i) =>
    step.warnings.map((w) => ({
      key: `${i}-${w.code}`,
      text: t('request.previewStep', { n: i + 1, name: step.name, warning: text(w, step.whenNobody) }),
    })),
  );
  const refusal = preview?.refusal;
  return (
    <div aria-live="polite" className="ag-request-preview">
      {lines.length || refusal ? (
        <div className="admin-warning">
          <p>
            <strong>{t('request.previewHeading')}</strong>
          </p>
          <ul>
            {lines.map((line) => (
              <li key={line.key}>{line.text}</li>
            ))}
          </ul>
          {refusal ? (
            <p>
              {refusal === 'no_approvers' || refusal === 'min_exceeds_approvers'
                ? t(`request.refusal.${refusal}`)
                : t('request.refusal.other')}
            </p>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

function parsePerson(value: string): PersonRef | undefined {
  const [type, id] = value.split(':');
  return (type === 'member' || type === 'contact') && id ? { type, id } : undefined;
}

/** "Request approval": from a template, or ad hoc with approvers picked by hand (SPEC §5). */
export function RequestApprovalForm({
  ticketId,
  templates,
  directory,
  onCreated,
  onCancel,
}: {
  ticketId: string;
  templates: ApprovalTemplate[];
  directory: Directory;
  onCreated: (approval: Approval) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation('agent');
  const { me } = useSession();
  const ids = {
    kind: useId(),
    template: useId(),
    title: useId(),
    description: useId(),
    rule: useId(),
    count: useId(),
    behalf: useId(),
    error: useId(),
  };
  const [kind, setKind] = useState<Kind>(templates.length > 0 ? 'template' : 'adhoc');
  const [templateId, setTemplateId] = useState(templates[0]?.id ?? '');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [approvers, setApprovers] = useState<ApproverRef[]>([]);
  const [ruleType, setRuleType] = useState<Rule['type']>('any');
  const [count, setCount] = useState(1);
  const [behalf, setBehalf] = useState('');
  const [pickerError, setPickerError] = useState(false);
  const action = useAction();
  const template = templates.find((tpl) => tpl.id === templateId);
  const preview = useTicketApprovalPreview(ticketId, kind === 'template' ? templateId : '', behalf);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const onBehalfOf = parsePerson(behalf);
    let body: Record<string, unknown>;
    if (kind === 'template') {
      body = {
        templateId,
        ...(title.trim() ? { title: title.trim() } : {}),
        ...(description.trim() ? { description: description.trim() } : {}),
      };
    } else {
      if (approvers.length === 0) {
        setPickerError(true);
        return;
      }
      const rule: Rule = ruleType === 'min' ? { type: 'min', count } : { type: ruleType };
      body = {
        title: title.trim(),
        ...(description.trim() ? { description: description.trim() } : {}),
        approvers,
        rule,
      };
    }
    setPickerError(false);
    const created = await action.run(() =>
      post<Approval>(`/tickets/${ticketId}/approvals`, { ...body, ...(onBehalfOf ? { onBehalfOf } : {}) }),
    );
    if (created) onCreated(created);
  }

  return (
    <form
      className="card form"
      onSubmit={submit}
      aria-labelledby={`${ids.kind}-title`}
      aria-describedby={action.error ? ids.error : undefined}
    >
      <h3 id={`${ids.kind}-title`} className="ag-card-title">
        {t('request.title')}
      </h3>
      {templates.length > 0 ? (
        <fieldset className="ag-choice">
          <legend>{t('request.kind')}</legend>
          <label>
            <input
              type="radio"
              name={ids.kind}
              checked={kind === 'template'}
              onChange={() => setKind('template')}
            />{' '}
            {t('request.fromTemplate')}
          </label>
          <label>
            <input
              type="radio"
              name={ids.kind}
              checked={kind === 'adhoc'}
              onChange={() => setKind('adhoc')}
            />{' '}
            {t('request.adHoc')}
          </label>
        </fieldset>
      ) : null}

      {kind === 'template' && template ? (
        <>
          <label htmlFor={ids.template}>{t('request.template')}</label>
          <select id={ids.template} value={templateId} onChange={(e) => setTemplateId(e.target.value)}>
            {templates.map((tpl) => (
              <option key={tpl.id} value={tpl.id}>
                {tpl.name}
              </option>
            ))}
          </select>
          <TemplateSummary template={template} directory={directory} />
          <PreviewWarnings preview={preview} />
        </>
      ) : null}

      <label htmlFor={ids.title}>
        {kind === 'template' ? t('request.titleOptional') : t('request.titleLabel')}
      </label>
      <input
        id={ids.title}
        value={title}
        onChange={(e) => setTitle(e.target.value)}
        maxLength={200}
        required={kind === 'adhoc'}
        placeholder={kind === 'template' ? template?.name : undefined}
      />
      <label htmlFor={ids.description}>{t('request.description')}</label>
      <textarea
        id={ids.description}
        value={description}
        onChange={(e) => setDescription(e.target.value)}
        maxLength={10000}
        placeholder={kind === 'template' ? (template?.description ?? undefined) : undefined}
      />

      {kind === 'adhoc' ? (
        <>
          <ApproverPicker
            label={t('request.approvers')}
            directory={directory}
            value={approvers}
            onChange={(refs) => {
              setApprovers(refs);
              if (refs.length > 0) setPickerError(false);
            }}
          />
          {pickerError ? (
            <p className="error" role="alert">
              {t('request.approversRequired')}
            </p>
          ) : null}
          <label htmlFor={ids.rule}>{t('request.rule')}</label>
          <select
            id={ids.rule}
            value={ruleType}
            onChange={(e) => setRuleType(e.target.value as Rule['type'])}
          >
            <option value="any">{t('rule.any')}</option>
            <option value="all">{t('rule.all')}</option>
            <option value="min">{t('request.ruleMin')}</option>
          </select>
          {ruleType === 'min' ? (
            <>
              <label htmlFor={ids.count}>{t('request.count')}</label>
              <input
                id={ids.count}
                type="number"
                min={1}
                max={1000}
                value={count}
                onChange={(e) => setCount(Math.max(1, Number(e.target.value) || 1))}
                required
              />
            </>
          ) : null}
        </>
      ) : null}

      <label htmlFor={ids.behalf}>{t('request.onBehalfOf')}</label>
      <select id={ids.behalf} value={behalf} onChange={(e) => setBehalf(e.target.value)}>
        <option value="">{t('request.nobodyElse')}</option>
        <optgroup label={t('picker.members')}>
          {directory.members
            .filter((m) => m.active && m.id !== me?.id)
            .map((m) => (
              <option key={m.id} value={`member:${m.id}`}>
                {m.name}
              </option>
            ))}
        </optgroup>
        <optgroup label={t('picker.contacts')}>
          {directory.contacts.map((c) => (
            <option key={c.id} value={`contact:${c.id}`}>
              {c.name}
            </option>
          ))}
        </optgroup>
      </select>

      <ActionError error={action.error} id={ids.error} />
      <div className="row">
        <button type="submit" className="primary" disabled={action.busy}>
          {t('request.send')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('common:actions.cancel')}
        </button>
      </div>
    </form>
  );
}

function TemplateSummary({ template, directory }: { template: ApprovalTemplate; directory: Directory }) {
  const { t, i18n } = useTranslation('agent');
  return (
    <div className="ag-template-summary muted">
      {template.description ? <p>{template.description}</p> : null}
      <ol>
        {template.steps.map((step, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: steps have no id and keep their order
          <li key={i}>
            <strong>{step.name}</strong> —{' '}
            {t('request.stepSummary', {
              rule: ruleText(step.rule, t),
              approvers: joinNames(
                step.approvers.map((a) => refName(a, directory, t)),
                i18n.language,
              ),
            })}
          </li>
        ))}
      </ol>
    </div>
  );
}
