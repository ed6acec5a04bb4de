/** Strings of the approval response page (`/respond/:token`), opened from approval emails. */
export default {
  title: 'Approval request #{{number}}: {{title}}',
  appealTitle: 'Appeal of approval request #{{number}}: {{title}}',
  unknownPerson: 'Someone',
  loadFailed: 'This approval request could not be loaded',
  intro: {
    step: '{{requester}} asks {{expected}} to approve or deny this request.',
    appeal:
      'This request was denied and its denial was appealed. {{expected}} is asked to review the appeal.',
  },
  details: {
    title: 'The request',
    status: 'Status',
    requestedBy: 'Requested by',
    ticket: 'Ticket',
    ticketValue: '#{{number}} {{subject}}',
    workspace: 'Service desk',
    expectedResponder: 'Answer expected from',
    expires: 'Link valid until',
    description: 'Description',
    noDescription: 'No description.',
    appealReason: 'Reason for the appeal',
    steps: 'Steps',
  },
  signIn: {
    title: 'Sign in to respond',
    explain:
      'Only {{expected}} can answer this request. Sign in to {{workspace}} as {{expected}}; you will come back to this page to answer.',
    someoneElse: 'You are signed in as {{current}}, but this link was sent to {{expected}}.',
    someoneElseUnknown: 'This link was sent to {{expected}}, not to the person who is signed in.',
    sessionEnded: 'You need to be signed in. Sign in as {{expected}} to answer.',
    button: 'Sign in to respond',
    comeBack: 'Nothing has been recorded yet.',
    choseApprove: 'You chose to approve. After signing in, confirm with the Approve button.',
    choseDeny: 'You chose to deny. After signing in, confirm with the Deny button.',
  },
  answer: {
    title: 'Your answer',
    appealTitle: 'Your answer on the appeal',
    comment: 'Comment (optional)',
    commentHint: 'Feedback or a question for the requester, kept with your answer.',
    approve: 'Approve',
    deny: 'Deny',
    sending: 'Sending…',
    preselectedApprove:
      'You chose to approve — confirm with the Approve button below. Nothing is recorded until you press it.',
    preselectedDeny:
      'You chose to deny — confirm with the Deny button below. Nothing is recorded until you press it.',
  },
  result: {
    approved: 'Thank you — your approval was recorded',
    denied: 'Thank you — your denial was recorded',
    summary: 'Status of request #{{number}} “{{title}}”:',
    closeNow: 'You can close this page.',
    toPortal: 'Go to my tickets',
    toApp: 'Go to Signoff',
  },
  dead: {
    inactive: 'This link is no longer active',
    disabled: 'Approvals are turned off in this workspace',
  },
  errors: {
    alreadyDecided: 'You have already answered this request.',
    notPending: 'This request is no longer waiting for an answer.',
    tooMany: 'Too many attempts from this address. Wait a minute and try again.',
    failed: 'Your answer could not be recorded: {{message}}',
  },
} as const;
