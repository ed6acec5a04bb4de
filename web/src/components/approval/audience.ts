/**
 * Who reads an approval card: an agent (member) in the workspace, or a contact in the portal and on the
 * response page. The components are one set; what differs by audience is the wording (each audience
 * keeps its namespace and its sentences) and what a member alone is shown (channels, internal notes).
 */
export type Audience = 'agent' | 'portal';

type Words = {
  ns: 'agent' | 'portal';
  unknownPerson: string;
  stepTitle: string;
  approversLabel: string | null;
  approversLater: string;
  nobody: string;
  awaiting: string;
  noAnswer: string;
  commentsTitle: string;
  commentsEmpty: string | null;
  appealReviewers: string;
  appealStatus: string;
  decideHint: string | null;
  decideSending: string | null;
  approveAppeal: string;
  denyAppeal: string;
  commentHeading: string | null;
  commentLabel: string;
  commentMissing: string | null;
  commentSubmit: string;
  appealHeading: string;
  appealMissing: string;
  appealSending: string | null;
  /** The portal's hint counts characters ("12 of 2,000 characters"); the agent's says the rule. */
  appealHintCounts: boolean;
};

export const WORDS: Record<Audience, Words> = {
  agent: {
    ns: 'agent',
    unknownPerson: 'people.unknown',
    stepTitle: 'approval.stepName',
    approversLabel: null,
    approversLater: 'approval.resolvedLater',
    nobody: 'approval.nobody',
    awaiting: 'answer.none',
    noAnswer: 'answer.none',
    commentsTitle: 'approval.comments',
    commentsEmpty: null,
    appealReviewers: 'appeal.reviewers',
    appealStatus: 'appeal.status',
    decideHint: null,
    decideSending: null,
    approveAppeal: 'decide.approveAppeal',
    denyAppeal: 'decide.denyAppeal',
    commentHeading: 'comment.title',
    commentLabel: 'comment.body',
    commentMissing: null,
    commentSubmit: 'comment.send',
    appealHeading: 'appeal.requestTitle',
    appealMissing: 'appeal.reasonRequired',
    appealSending: null,
    appealHintCounts: false,
  },
  portal: {
    ns: 'portal',
    unknownPerson: 'unknownPerson',
    stepTitle: 'steps.title',
    approversLabel: 'steps.approvers',
    approversLater: 'steps.approversLater',
    nobody: 'steps.nobody',
    awaiting: 'answer.awaiting',
    noAnswer: 'answer.none',
    commentsTitle: 'comment.title',
    commentsEmpty: 'comment.empty',
    appealReviewers: 'appeal.reviewers',
    appealStatus: 'appeal.status',
    decideHint: 'decide.commentHint',
    decideSending: 'decide.sending',
    approveAppeal: 'decide.approve',
    denyAppeal: 'decide.deny',
    commentHeading: null,
    commentLabel: 'comment.label',
    commentMissing: 'comment.missing',
    commentSubmit: 'comment.submit',
    appealHeading: 'appeal.request',
    appealMissing: 'appeal.missing',
    appealSending: 'appeal.sending',
    appealHintCounts: true,
  },
};

/** Members see how and where each answer was given, and internal notes; contacts never do. */
export const seesInternals = (audience: Audience) => audience === 'agent';
