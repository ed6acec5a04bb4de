import type {
  ApprovalTemplate,
  ApproverRef,
  DirectoryRef,
  Rule,
  TemplateBody,
  TemplateStep,
  TemplateSwitches,
  WhenNobody,
} from '../../api/types.js';
import { type FieldIssue, parseWhole, type Translate } from './problems.js';
import { isDirectoryRef } from './refs.js';

/** The template editor's state: numbers as typed, and a stable key per step for React and focus. */
export type RuleType = Rule['type'];

export type DraftStep = {
  key: string;
  name: string;
  approvers: ApproverRef[];
  rule: RuleType;
  count: string;
  whenNobody: WhenNobody;
};

export type TemplateDraft = {
  name: string;
  description: string;
  allowAppeals: boolean;
  appealReviewers: ApproverRef[];
  expires: boolean;
  expireAfterHours: string;
  steps: DraftStep[];
} & TemplateSwitches;

let nextKey = 0;

export function newStep(step?: TemplateStep): DraftStep {
  nextKey += 1;
  return {
    key: `step${nextKey}`,
    name: step?.name ?? '',
    approvers: step?.approvers ?? [],
    rule: step?.rule.type ?? 'any',
    count: step?.rule.type === 'min' ? String(step.rule.count) : '2',
    whenNobody: step?.whenNobody ?? 'wait',
  };
}

export function toDraft(template: ApprovalTemplate | null): TemplateDraft {
  return {
    name: template?.name ?? '',
    description: template?.description ?? '',
    allowAppeals: template?.allowAppeals ?? false,
    appealReviewers: template?.appealReviewers ?? [],
    expires: template?.expireAfterHours != null,
    expireAfterHours: String(template?.expireAfterHours ?? 72),
    steps: template ? template.steps.map((s) => newStep(s)) : [newStep()],
    preventSelfApproval: template?.preventSelfApproval ?? false,
    requireCommentOnDeny: template?.requireCommentOnDeny ?? false,
    lockRecipients: template?.lockRecipients ?? false,
  };
}

/** `steps` with the step at `from` moved to `to`. */
export function moveStep(steps: DraftStep[], from: number, to: number): DraftStep[] {
  if (to < 0 || to >= steps.length || from === to) return steps;
  const copy = steps.slice();
  const [moved] = copy.splice(from, 1);
  if (moved) copy.splice(to, 0, moved);
  return copy;
}

/** How many people a step's approvers name for sure (groups and ticket roles may be several or none). */
function knownCount(approvers: ApproverRef[]): number | null {
  return approvers.every((r) => r.type === 'member' || r.type === 'contact') ? approvers.length : null;
}

function stepRule(step: DraftStep, index: number, issues: FieldIssue[], t: Translate): Rule {
  if (step.rule !== 'min') return { type: step.rule };
  const field = `steps.${index}.rule.count`;
  const count = parseWhole(step.count, 1, 1000);
  if (count === null) {
    issues.push({ field, message: t('validation.wholeNumber', { min: 1, max: 1000 }) });
    return { type: 'min', count: 1 };
  }
  const known = knownCount(step.approvers);
  if (known !== null && known > 0 && count > known) {
    issues.push({ field, message: t('validation.countTooHigh', { n: known }) });
  }
  return { type: 'min', count };
}

/** The body for POST / PUT, and what is wrong with the draft (checked before sending). */
export function toBody(draft: TemplateDraft, t: Translate): { body: TemplateBody; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  if (!draft.name.trim()) issues.push({ field: 'name', message: t('validation.required') });
  let expireAfterHours: number | null = null;
  if (draft.expires) {
    expireAfterHours = parseWhole(draft.expireAfterHours, 1, 8760);
    if (expireAfterHours === null) {
      issues.push({ field: 'expireAfterHours', message: t('validation.wholeNumber', { min: 1, max: 8760 }) });
    }
  }
  if (draft.steps.length === 0) issues.push({ field: 'steps', message: t('steps.none') });
  const steps = draft.steps.map((step, i): TemplateStep => {
    if (!step.name.trim()) issues.push({ field: `steps.${i}.name`, message: t('validation.required') });
    if (!step.approvers.length)
      issues.push({ field: `steps.${i}.approvers`, message: t('validation.atLeastOne') });
    return {
      name: step.name.trim(),
      approvers: step.approvers,
      rule: stepRule(step, i, issues, t),
      whenNobody: step.whenNobody,
    };
  });
  const body: TemplateBody = {
    name: draft.name.trim(),
    description: draft.description.trim() || null,
    allowAppeals: draft.allowAppeals,
    appealReviewers: draft.allowAppeals
      ? draft.appealReviewers.filter(isDirectoryRef)
      : ([] as DirectoryRef[]),
    steps,
    expireAfterHours,
    preventSelfApproval: draft.preventSelfApproval,
    requireCommentOnDeny: draft.requireCommentOnDeny,
    lockRecipients: draft.lockRecipients,
  };
  return { body, issues };
}
