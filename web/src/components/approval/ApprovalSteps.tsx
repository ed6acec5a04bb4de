import { useTranslation } from 'react-i18next';
import type { Approval, StepApprover } from '../../api/types.js';
import { formatDate } from '../../i18n.js';
import { channelText, ruleText } from './words.js';

/** The steps of an approval: name, rule in words, status, and every approver's answer. */
export function ApprovalSteps({
  approval,
  onRemind,
  busy,
}: {
  approval: Approval;
  /** Offered on the current step's approvers who have not answered, while the approval is pending. */
  onRemind?: (approver: StepApprover) => void;
  busy?: boolean;
}) {
  const { t } = useTranslation('agent');
  return (
    <ol className="steps">
      {approval.steps.map((step, index) => {
        const current = index === approval.currentStepIndex && step.status === 'active';
        return (
          <li
            // biome-ignore lint/suspicious/noArrayIndexKey: steps have no id and never move
            key={index}
            className={current ? 'active' : undefined}
            aria-current={current ? 'step' : undefined}
          >
            <div className="row ag-step-head">
              <strong>{t('approval.stepName', { index: index + 1, name: step.name })}</strong>
              <span className={`ag-step-status ag-step-${step.status}`}>
                {t(`stepStatus.${step.status}`)}
              </span>
            </div>
            <p className="muted ag-step-rule">{ruleText(step.rule, t)}</p>
            {step.approvers.length > 0 ? (
              <ul className="ag-approvers">
                {step.approvers.map((a) => (
                  <ApproverLine
                    key={`${a.type}:${a.id}`}
                    approver={a}
                    onRemind={
                      current && approval.status === 'pending' && a.decision === null && onRemind
                        ? () => onRemind(a)
                        : undefined
                    }
                    busy={busy}
                  />
                ))}
              </ul>
            ) : (
              <p className="muted">
                {step.status === 'waiting' ? t('approval.resolvedLater') : t('approval.nobody')}
              </p>
            )}
          </li>
        );
      })}
    </ol>
  );
}

function ApproverLine({
  approver,
  onRemind,
  busy,
}: {
  approver: StepApprover;
  onRemind: (() => void) | undefined;
  busy: boolean | undefined;
}) {
  const { t, i18n } = useTranslation('agent');
  const name = approver.name ?? t('people.unknown');
  const answer = approver.decision ? `ag-answer-${approver.decision}` : 'ag-answer-none';
  return (
    <li>
      <div className="row">
        <span>
          {name}{' '}
          <span className="muted">
            ({approver.type === 'member' ? t('people.member') : t('people.contact')})
          </span>
        </span>
        <span className={`ag-answer ${answer}`}>
          {approver.decision ? t(`answer.${approver.decision}`) : t('answer.none')}
        </span>
        {approver.decidedAt ? (
          <span className="muted">
            {formatDate(approver.decidedAt, i18n.language)} {channelText(approver.channel, t)}
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
          {approver.commentInternal ? <span className="ag-tag">{t('comment.internalTag')}</span> : null}{' '}
          {approver.comment}
        </blockquote>
      ) : null}
    </li>
  );
}
