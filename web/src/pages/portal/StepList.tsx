import { useTranslation } from 'react-i18next';
import type { Decision, Rule, StepStatus } from '../../api/types.js';
import { formatDate } from '../../i18n.js';
import './portal.css';

/** The parts of a step both the portal and the response page know (the link page has no ids or comments). */
export type StepSummary = {
  name: string;
  rule: Rule;
  status: StepStatus;
  approvers: {
    name: string | null;
    decision: Decision | null;
    comment?: string | null;
    decidedAt?: string | null;
  }[];
};

export function RuleText({ rule }: { rule: Rule }) {
  const { t } = useTranslation('portal');
  if (rule.type === 'min') return <>{t('rule.min', { n: rule.count })}</>;
  return <>{t(`rule.${rule.type}`)}</>;
}

function ApproverAnswer({ decision, stepStatus }: { decision: Decision | null; stepStatus: StepStatus }) {
  const { t } = useTranslation('portal');
  if (decision) {
    return <span className={`answer answer-${decision}`}>{t(`answer.${decision}`)}</span>;
  }
  return (
    <span className="answer answer-none">
      {t(stepStatus === 'active' ? 'answer.awaiting' : 'answer.none')}
    </span>
  );
}

/** Steps with their names, rule, status, assigned approvers (names only) and their answers. */
export function StepList({ steps, currentStepIndex }: { steps: StepSummary[]; currentStepIndex: number }) {
  const { t, i18n } = useTranslation('portal');
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
            <div className="step-head">
              <strong>{t('steps.title', { number: index + 1, total: steps.length, name: step.name })}</strong>
              <span className={`step-status step-status-${step.status}`}>
                {t(`stepStatus.${step.status}`)}
              </span>
            </div>
            <p className="muted small">
              <RuleText rule={step.rule} />
            </p>
            {step.approvers.length === 0 ? (
              <p className="muted small">
                {step.status === 'waiting' ? t('steps.approversLater') : t('steps.nobody')}
              </p>
            ) : (
              <ul className="approvers" aria-label={t('steps.approvers', { name: step.name })}>
                {step.approvers.map((approver, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the link page gives approvers no id
                  <li key={i}>
                    <span className="approver-name">{approver.name ?? t('unknownPerson')}</span>
                    <ApproverAnswer decision={approver.decision} stepStatus={step.status} />
                    {approver.decidedAt ? (
                      <span className="muted small"> · {formatDate(approver.decidedAt, i18n.language)}</span>
                    ) : null}
                    {approver.comment ? (
                      <blockquote className="decision-comment">{approver.comment}</blockquote>
                    ) : null}
                  </li>
                ))}
              </ul>
            )}
          </li>
        );
      })}
    </ol>
  );
}
