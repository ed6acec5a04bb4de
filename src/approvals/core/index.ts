export { APPEAL_REASON_MAX_LENGTH, decideAppeal, requestAppeal } from './appeal.js';
export { currentApprovers, currentAssignments } from './assignments.js';
export { cancel } from './cancel.js';
export { decide } from './decide.js';
export { approvalStatusIsLive, displayStatus } from './display.js';
export { expire, isDueToExpire } from './expire.js';
export {
  APPEAL_STEP,
  DEAD_LINK_REASONS,
  type DeadLinkReason,
  deadLinkReason,
  type LinkAnswer,
  type LinkFacts,
  linkAnswer,
} from './links.js';
export {
  askForInfo,
  automaticReminderDueAt,
  canAskForInfo,
  canProvideInfo,
  isOpenForDecisions,
  provideInfo,
} from './needs-info.js';
export { samePerson, uniquePeople } from './people.js';
export {
  canAppeal,
  canCancel,
  canComment,
  canEditRecipients,
  canRespond,
  canSee,
  isCurrentApprover,
} from './permissions.js';
export {
  denialCommentBlocker,
  NO_SWITCHES,
  recipientsLockedFor,
  selfApprovers,
  switchesOf,
  whenNobodyOf,
} from './policy.js';
export { needsResolutionContext } from './progress.js';
export { editRecipients } from './recipients.js';
export { REMINDER_INTERVAL_MS, remind } from './remind.js';
export { DECISION_WORDS, type ReplyIntent, readReplyIntent } from './reply-intent.js';
export { resolveApprovers } from './resolve.js';
export { evaluateStep, type StepOutcome } from './rules.js';
export { type StartApprovalInput, startApproval } from './start.js';
export * from './types.js';
