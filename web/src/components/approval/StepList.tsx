import { useTranslation } from 'react-i18next';
import type { ApprovalStep, Rule, StepApprover, StepStatus } from '../../api/types.js';
import { formatDate } from '../../i18n.js';
import { type Audience, seesInternals, WORDS } from './audience.js';
import { channelText } from './words.js';
import './approval.css';

/** What every reader knows of a step (the response page's link gives no ids, channels or comments). */
export type StepSummary = Pick<ApprovalStep, 'name' | 'rule' | 'status'> & {
  approvers: StepApproverSummary[];
};
/** An approver's name and answer; the rest of an approval's `ApprovalAssignment` only where the API sends it. */
export type StepApproverSummary = Partial<StepApprover> & Pick<StepApprover, 'name' | 'decision'>;

/** A step's rule in words: "Every approver", "Approvals needed: 2."… (each audience its sentence). */
export function RuleText({ rule, audience }: { rule: Rule; audience: Audience }) {
  const { t } = useTranslation(WORDS[audience].ns);
  if (rule.type === 'min') return <>{t('rule.min', { count: rule.count, n: rule.count })}</>;
  return <>{t(`rule.${rule.type}`)}</>;
}

/**
 * The steps of an approval: name, rule in words, status, and every approver's answer. `onRemind`
 * (agents) offers a reminder to the current step's approvers who have not answered.
 */
export function StepList<A extends StepApproverSummary>({
  steps,
  currentStepIndex,
  audience,
  pending = false,
  onRemind,
  busy,
}: {
  steps: (Omit<StepSummary, 'approvers'> & { approvers: A[] })[];
  currentStepIndex: number;
  audience: Audience;
  /** The approval is pending: reminders make sense. */
  pending?: boolean;
  onRemind?: ((approver: A) => void) | undefined;
  busy?: boolean;
}) {
  const words = WORDS[audience];
  const { t } = useTranslation(words.ns);
  return (
    <ol className="steps approval-steps">
      {steps.map((step, index) => {
        const current = index === currentStepIndex && step.status === 'active';
        return (
          <li
            // biome-ignore lint/suspicious/noArrayIndexKey: steps have no id and never move
            key={index}
            className={current ? 'active' : undefined}
            aria-current={current ? 'step' : undefined}
          >
            <div className="row ag-step-head">
              <strong>
                {t(words.stepTitle, {
                  index: index + 1,
                  number: index + 1,
                  total: steps.length,
                  name: step.name,
                })}
              </strong>
              <span className={`ag-step-status ag-step-${step.status}`}>
                {t(`stepStatus.${step.status}`)}
              </span>
            </div>
            <p className="muted ag-step-rule">
              <RuleText rule={step.rule} audience={audience} />
            </p>
            {step.approvers.length > 0 ? (
              <ul
                className="ag-approvers"
                aria-label={words.approversLabel ? t(words.approversLabel, { name: step.name }) : undefined}
              >
                {step.approvers.map((approver, i) => (
                  <ApproverLine
                    key={approver.id ? `${approver.type}:${approver.id}` : i}
                    approver={approver}
                    audience={audience}
                    stepStatus={step.status}
                    onRemind={
                      current && pending && approver.decision === null && onRemind
                        ? () => onRemind(approver)
                        : undefined
                    }
                    busy={busy}
                  />
                ))}
              </ul>
            ) : (
              <p className="muted">{step.status === 'waiting' ? t(words.approversLater) : t(words.nobody)}</p>
            )}
          </li>
        );
      })}
    </ol>
  );
}

function ApproverLine({
  approver,
  audience,
  stepStatus,
  onRemind,
  busy,
}: {
  approver: StepApproverSummary;
  audience: Audience;
  stepStatus: StepStatus;
  onRemind: (() => void) | undefined;
  busy: boolean | undefined;
}) {
  const words = WORDS[audience];
  const { t, i18n } = useTranslation(words.ns);
  const internals = seesInternals(audience);
  const name = approver.name ?? t(words.unknownPerson);
  const answer = approver.decision ? `ag-answer-${approver.decision}` : 'ag-answer-none';
  return (
    <li>
      <div className="row">
        <span>
          {name}
          {internals && approver.type ? (
            <>
              {' '}
              <span className="muted">
                ({approver.type === 'member' ? t('people.member') : t('people.contact')})
              </span>
            </>
          ) : null}
        </span>
        <span className={`ag-answer ${answer}`}>
          {approver.decision
            ? t(`answer.${approver.decision}`)
            : t(stepStatus === 'active' ? words.awaiting : words.noAnswer)}
        </span>
        {approver.decidedAt ? (
          <span className="muted">
            {formatDate(approver.decidedAt, i18n.language)}
            {internals ? ` ${channelText(approver.channel ?? null, t)}` : null}
          </span>
        ) : null}
        {onRemind ? (
          <button
            type="button"
            className="ag-small"
            onClick={onRemind}
            disabled={busy}
            aria-label={t('approval.resendTo', { name })}
          >
            {t('approval.resend')}
          </button>
        ) : null}
      </div>
      {approver.comment ? (
        <blockquote className="ag-quote">
          {internals && approver.commentInternal ? (
            <>
              <span className="ag-tag">{t('comment.internalTag')}</span>{' '}
            </>
          ) : null}
          {approver.comment}
        </blockquote>
      ) : null}
    </li>
  );
}
