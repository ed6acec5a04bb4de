/**
 * Every `code` the API answers with, its HTTP status and what it means: the one table that `AppError`,
 * `sendProblem` and the OpenAPI document (`Problem.code`, `x-error-codes`) are built from. A code that is
 * not here does not typecheck, and the status of a code is read from here, never written at the call site.
 */
type ErrorCodeEntry = {
  status: 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429 | 500 | 503;
  title: string;
  description: string;
  /**
   * Set on the approval core's input errors: the core returns them as values, and the API reports them as
   * `invalid_request` with the field at fault (src/approvals/service.ts `toHttpError`), never under this code.
   */
  answeredAs?: 'invalid_request';
};

export const ERROR_CODES = {
  // Requests the API cannot read.
  invalid_request: {
    status: 400,
    title: 'Bad Request',
    description: 'A field is missing or invalid; `errors` lists each field and why.',
  },
  bad_request: {
    status: 400,
    title: 'Bad Request',
    description: 'The HTTP framework refused the request and gave no code of its own.',
  },
  invalid_json: { status: 400, title: 'Bad Request', description: 'The body is not valid JSON.' },
  payload_too_large: {
    status: 413,
    title: 'Content Too Large',
    description: 'The request body is larger than 1 MiB.',
  },
  unsupported_media_type: {
    status: 415,
    title: 'Unsupported Media Type',
    description: 'The body is not application/json.',
  },
  // Who is asking.
  unauthorized: {
    status: 401,
    title: 'Unauthorized',
    description: 'No session, or the session is invalid or expired.',
  },
  invalid_credentials: {
    status: 401,
    title: 'Unauthorized',
    description: 'The email or password is not correct (the same answer whether the account exists or not).',
  },
  sign_in_required: {
    status: 401,
    title: 'Unauthorized',
    description:
      'The workspace asks for a signed-in answer to an emailed approval link; `workspace` and `signIn` say where.',
  },
  csrf_failed: {
    status: 403,
    title: 'Forbidden',
    description: 'A change made with the session cookie lacks its x-csrf-token header.',
  },
  forbidden: { status: 403, title: 'Forbidden', description: 'You are not allowed to do this.' },
  members_only: { status: 403, title: 'Forbidden', description: 'Only workspace members can do this.' },
  admins_only: { status: 403, title: 'Forbidden', description: 'Only admins can do this.' },
  not_allowed: {
    status: 403,
    title: 'Forbidden',
    description: 'The caller may not do this to this resource (a contact writing an internal note, say).',
  },
  not_an_approver: {
    status: 403,
    title: 'Forbidden',
    description: 'Only approvers of the current step (and, for comments, members) can do this.',
  },
  recipients_locked: {
    status: 403,
    title: 'Forbidden',
    description: 'Only admins may edit the recipients of this approval.',
  },
  password_self_service: {
    status: 403,
    title: 'Forbidden',
    description: 'Only the person themselves sets their password (PATCH /me, a reset or invitation link).',
  },
  dev_mailbox_local_only: {
    status: 403,
    title: 'Forbidden',
    description: 'The dev mailbox answers only requests from the server’s own machine.',
  },
  not_found: { status: 404, title: 'Not Found', description: 'No such resource in your workspace.' },
  link_inactive: {
    status: 410,
    title: 'Gone',
    description:
      'The link (approval, sign-in, password reset, invitation) is used, expired, revoked or unknown; for an approval link `reason` says which, and `decision` the answer it recorded.',
  },
  // The state of things.
  approvals_disabled: {
    status: 409,
    title: 'Conflict',
    description: 'The approvals module is turned off for this workspace.',
  },
  email_taken: { status: 409, title: 'Conflict', description: 'Someone in this workspace has this email.' },
  last_admin: {
    status: 409,
    title: 'Conflict',
    description: 'The workspace must keep at least one active admin.',
  },
  member_inactive: {
    status: 409,
    title: 'Conflict',
    description: 'The member is deactivated: reactivate them first.',
  },
  group_in_use: { status: 409, title: 'Conflict', description: 'A template still uses this group.' },
  approval_pending: {
    status: 409,
    title: 'Conflict',
    description: 'The ticket has an approval awaiting an answer.',
  },
  ticket_closed: { status: 409, title: 'Conflict', description: 'Reopen the ticket first.' },
  already_decided: {
    status: 409,
    title: 'Conflict',
    description: 'This approver has already answered this step.',
  },
  not_pending: { status: 409, title: 'Conflict', description: 'The approval is no longer pending.' },
  not_denied: { status: 409, title: 'Conflict', description: 'Only a denied approval can be appealed.' },
  not_needs_info: {
    status: 409,
    title: 'Conflict',
    description: 'The approval is not waiting for information.',
  },
  appeals_not_allowed: {
    status: 409,
    title: 'Conflict',
    description: 'Appeals are not allowed for this approval.',
  },
  appeal_exists: { status: 409, title: 'Conflict', description: 'This approval has already been appealed.' },
  no_appeal_reviewers: {
    status: 409,
    title: 'Conflict',
    description: 'Nobody is left to review an appeal.',
  },
  min_unreachable: {
    status: 409,
    title: 'Conflict',
    description: 'Too few approvers are left for the step’s minimum to be reached.',
  },
  self_approval: {
    status: 409,
    title: 'Conflict',
    description: 'The requester may not approve their own request here.',
  },
  choose_workspace: {
    status: 409,
    title: 'Conflict',
    description:
      'The email and password match accounts in several workspaces: sign in again with one of `workspaces` ({id, name, slug}).',
  },
  slug_taken: {
    status: 409,
    title: 'Conflict',
    description: 'Another workspace receives mail at this slug.',
  },
  // Inbound email (SPEC §8.2): the answer of the HTTP door; the SMTP door answers 550/552 for the same.
  no_workspace_address: {
    status: 422,
    title: 'Unprocessable Content',
    description: 'None of the message’s recipients is a workspace address.',
  },
  malformed_message: {
    status: 400,
    title: 'Bad Request',
    description: 'The body is not an RFC 5322 message Signoff can read (empty, without headers or sender).',
  },
  message_too_large: {
    status: 413,
    title: 'Content Too Large',
    description: 'The message is larger than 25 MiB, or one of its attachments larger than 10 MiB.',
  },
  idempotency_key_reused: {
    status: 422,
    title: 'Unprocessable Content',
    description: 'This Idempotency-Key was used for a request with another body.',
  },
  rate_limited: {
    status: 429,
    title: 'Too Many Requests',
    description: 'Too many requests; retry after the Retry-After header’s seconds.',
  },
  reminder_too_soon: {
    status: 429,
    title: 'Too Many Requests',
    description: 'A reminder was sent recently; Retry-After says when the next one may go.',
  },
  internal_error: {
    status: 500,
    title: 'Internal Server Error',
    description: 'An unexpected error; it is logged.',
  },
  service_unavailable: {
    status: 503,
    title: 'Service Unavailable',
    description: 'The database is briefly unreachable or busy; retry after Retry-After.',
  },
  // The approval core's input errors (answered as `invalid_request` with the field).
  no_approvers: {
    status: 400,
    title: 'Bad Request',
    description: 'A step has no approvers.',
    answeredAs: 'invalid_request',
  },
  min_exceeds_approvers: {
    status: 400,
    title: 'Bad Request',
    description: 'A step’s minimum is above its number of approvers.',
    answeredAs: 'invalid_request',
  },
  invalid_reason: {
    status: 400,
    title: 'Bad Request',
    description: 'The reason is missing or invalid.',
    answeredAs: 'invalid_request',
  },
  not_awaiting: {
    status: 400,
    title: 'Bad Request',
    description: 'The approver is not awaited on the current step.',
    answeredAs: 'invalid_request',
  },
  comment_required: {
    status: 400,
    title: 'Bad Request',
    description: 'This answer needs a comment.',
    answeredAs: 'invalid_request',
  },
  too_many_approvers: {
    status: 400,
    title: 'Bad Request',
    description: 'A step names more people than the workspace allows.',
    answeredAs: 'invalid_request',
  },
} as const satisfies Record<string, ErrorCodeEntry>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The codes whose status is `S`: `conflict()` takes only 409 codes, `forbidden()` only 403 ones. */
export type ErrorCodeWithStatus<S extends ErrorCodeEntry['status']> = {
  [C in ErrorCode]: (typeof ERROR_CODES)[C]['status'] extends S ? C : never;
}[ErrorCode];

export const statusOf = (code: ErrorCode): ErrorCodeEntry['status'] => ERROR_CODES[code].status;

/** The codes a problem answer may carry (the core's input errors are answered as `invalid_request`). */
export const ANSWERED_ERROR_CODES = (Object.keys(ERROR_CODES) as ErrorCode[]).filter(
  (code) => !('answeredAs' in ERROR_CODES[code]),
);

/**
 * Codes Fastify itself gives to a 4xx not listed above (lower-cased `fst_err_*`), passed on as they are
 * rather than hidden behind a generic code: the document says they may appear.
 */
export const FRAMEWORK_CODE_PREFIX = 'fst_err_';
