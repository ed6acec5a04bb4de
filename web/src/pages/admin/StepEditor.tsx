import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RefType, StepWarning, WhenNobody } from '../../api/types.js';
import { StepWarnings } from '../../components/approval/StepWarnings.js';
import type { Directory } from './data.js';
import { PeoplePicker } from './PeoplePicker.js';
import { type FormProblem, issueFor } from './problems.js';
import { type DraftStep, moveStep, newStep, type RuleType } from './templateDraft.js';
import { Field } from './ui.js';

const APPROVER_KINDS: RefType[] = [
  'member',
  'contact',
  'group',
  'ticket_requester',
  'ticket_contacts',
  'ticket_assignee',
];
const RULES: RuleType[] = ['any', 'all', 'min'];
const WHEN_NOBODY: WhenNobody[] = ['wait', 'skip'];

/** Radio buttons, each with its label (`{keyPrefix}.{choice}`) and help (`{keyPrefix}.{choice}Help`). */
function RadioChoices<T extends string>({
  choices,
  value,
  keyPrefix,
  onChange,
}: {
  choices: T[];
  value: T;
  keyPrefix: string;
  onChange: (choice: T) => void;
}) {
  const { t } = useTranslation('admin');
  const id = useId();
  return (
    <div className="admin-radios">
      {choices.map((choice) => (
        <div key={choice} className="admin-radio">
          <input
            type="radio"
            id={`${id}-${choice}`}
            name={`${id}-choice`}
            value={choice}
            checked={value === choice}
            aria-describedby={`${id}-${choice}-help`}
            onChange={() => onChange(choice)}
          />
          <label htmlFor={`${id}-${choice}`}>{t(`${keyPrefix}.${choice}`)}</label>
          <span id={`${id}-${choice}-help`} className="muted admin-hint">
            {t(`${keyPrefix}.${choice}Help`)}
          </span>
        </div>
      ))}
    </div>
  );
}

/** What the step does when its approvers resolve to nobody (SPEC §8.1). */
function WhenNobodyField({ step, onChange }: { step: DraftStep; onChange: (s: DraftStep) => void }) {
  const { t } = useTranslation('admin');
  return (
    <fieldset className="admin-rule">
      <legend>{t('steps.whenNobody')}</legend>
      <RadioChoices
        choices={WHEN_NOBODY}
        value={step.whenNobody}
        keyPrefix="steps.whenNobodyChoices"
        onChange={(whenNobody) => onChange({ ...step, whenNobody })}
      />
    </fieldset>
  );
}

/** Where focus goes after a change: an element id, tried in order (a button may be disabled). */
type FocusRequest = string[];

function RuleField({
  step,
  onChange,
  countError,
}: {
  step: DraftStep;
  onChange: (s: DraftStep) => void;
  countError?: string | undefined;
}) {
  const { t } = useTranslation('admin');
  return (
    <fieldset className="admin-rule">
      <legend>{t('steps.rule')}</legend>
      <RadioChoices
        choices={RULES}
        value={step.rule}
        keyPrefix="steps.rules"
        onChange={(rule) => onChange({ ...step, rule })}
      />
      {step.rule === 'min' ? (
        <Field label={t('steps.count')} error={countError}>
          {(a11y) => (
            <input
              {...a11y}
              className="admin-number"
              type="number"
              inputMode="numeric"
              min={1}
              max={1000}
              value={step.count}
              onChange={(e) => onChange({ ...step, count: e.target.value })}
            />
          )}
        </Field>
      ) : null}
    </fieldset>
  );
}

function StepCard({
  step,
  index,
  total,
  directory,
  problem,
  warnings,
  onChange,
  onMove,
  onRemove,
}: {
  step: DraftStep;
  index: number;
  total: number;
  directory: Directory;
  problem: FormProblem | null;
  warnings: StepWarning[];
  onChange: (s: DraftStep) => void;
  onMove: (to: number) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation('admin');
  const n = index + 1;
  const field = (name: string) => issueFor(problem, `steps.${index}.${name}`);
  return (
    <li className="admin-step">
      <fieldset>
        <legend>
          {step.name.trim() ? t('steps.stepNamed', { n, name: step.name.trim() }) : t('steps.step', { n })}
        </legend>
        <div className="row admin-step-tools">
          <button
            type="button"
            id={`${step.key}-up`}
            disabled={index === 0}
            aria-label={t('steps.moveUpNamed', { n })}
            onClick={() => onMove(index - 1)}
          >
            <span aria-hidden="true">↑ </span>
            {t('steps.moveUp')}
          </button>
          <button
            type="button"
            id={`${step.key}-down`}
            disabled={index === total - 1}
            aria-label={t('steps.moveDownNamed', { n })}
            onClick={() => onMove(index + 1)}
          >
            <span aria-hidden="true">↓ </span>
            {t('steps.moveDown')}
          </button>
          <button
            type="button"
            className="admin-danger"
            aria-label={t('steps.removeNamed', { n })}
            onClick={onRemove}
          >
            {t('steps.remove')}
          </button>
        </div>
        <Field id={`${step.key}-name`} label={t('steps.name')} error={field('name')}>
          {(a11y) => (
            <input
              {...a11y}
              autoComplete="off"
              value={step.name}
              onChange={(e) => onChange({ ...step, name: e.target.value })}
            />
          )}
        </Field>
        <PeoplePicker
          legend={t('steps.approvers')}
          kinds={APPROVER_KINDS}
          value={step.approvers}
          onChange={(approvers) => onChange({ ...step, approvers })}
          directory={directory}
          error={field('approvers')}
        />
        <StepWarnings warnings={warnings} whenNobody={step.whenNobody} id={`${step.key}-warnings`} />
        <RuleField step={step} onChange={onChange} countError={field('rule')} />
        <WhenNobodyField step={step} onChange={onChange} />
      </fieldset>
    </li>
  );
}

/** The ordered steps of a template: add, move up / down, remove, and edit each one. */
export function StepEditor({
  steps,
  onChange,
  directory,
  problem,
  warnings,
}: {
  steps: DraftStep[];
  onChange: (steps: DraftStep[]) => void;
  directory: Directory;
  problem: FormProblem | null;
  /** Per step, by key: from `POST /approval-templates/preview`. */
  warnings: Record<string, StepWarning[]>;
}) {
  const { t } = useTranslation('admin');
  const [announcement, setAnnouncement] = useState('');
  const [focus, setFocus] = useState<FocusRequest | null>(null);

  useEffect(() => {
    if (!focus) return;
    for (const id of focus) {
      const el = document.getElementById(id);
      if (el instanceof HTMLButtonElement && el.disabled) continue;
      if (el) {
        el.focus();
        break;
      }
    }
    setFocus(null);
  }, [focus]);

  const move = (from: number, to: number) => {
    const step = steps[from];
    if (!step) return;
    onChange(moveStep(steps, from, to));
    setAnnouncement(t('steps.moved', { n: to + 1, total: steps.length }));
    const direction = to < from ? 'up' : 'down';
    const other = direction === 'up' ? 'down' : 'up';
    setFocus([`${step.key}-${direction}`, `${step.key}-${other}`]);
  };

  const remove = (index: number) => {
    const rest = steps.filter((_, i) => i !== index);
    onChange(rest);
    setAnnouncement(t('steps.removed'));
    const neighbour = rest[index] ?? rest[index - 1];
    setFocus(neighbour ? [`${neighbour.key}-name`] : ['steps-add']);
  };

  const add = () => {
    const step = newStep();
    onChange([...steps, step]);
    setAnnouncement(t('steps.added', { n: steps.length + 1 }));
    setFocus([`${step.key}-name`]);
  };

  const stepsError = problem?.issues.find((i) => i.field === 'steps')?.message;

  return (
    <section className="card" aria-labelledby="steps-title">
      <h2 id="steps-title">{t('steps.title')}</h2>
      <p className="muted admin-hint">{t('steps.help')}</p>
      {steps.length ? (
        <ol className="steps admin-steps">
          {steps.map((step, index) => (
            <StepCard
              key={step.key}
              step={step}
              index={index}
              total={steps.length}
              directory={directory}
              problem={problem}
              warnings={warnings[step.key] ?? []}
              onChange={(s) => onChange(steps.map((x) => (x.key === s.key ? s : x)))}
              onMove={(to) => move(index, to)}
              onRemove={() => remove(index)}
            />
          ))}
        </ol>
      ) : null}
      {stepsError ? <p className="error admin-field-error">{stepsError}</p> : null}
      <button type="button" id="steps-add" onClick={add} disabled={steps.length >= 20}>
        <span aria-hidden="true">+ </span>
        {t('steps.add')}
      </button>
      <p className="visually-hidden" role="status">
        {announcement}
      </p>
    </section>
  );
}
