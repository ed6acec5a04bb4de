import { createHash, randomUUID } from 'node:crypto';
import type { Principal } from '../auth/principal.js';
import { assertPeopleExist } from '../people/repo.js';
import { type Db, executeAsOne, inTransaction } from '../shared/db/connect.js';
import { AppError, conflict, forbidden, invalid, notFound } from '../shared/errors.js';
import type { AppDeps } from '../shared/http/types.js';
import { activitiesInsert } from '../tickets/activity.js';
import { contactHasTicketAccess, findTicket, ticketContactIds } from '../tickets/repo.js';
import {
  assertApprovalsEnabled,
  getSettings,
  nextNumber,
  requireApprovalsEnabled,
} from '../workspaces/repo.js';
import { readSettings, type WorkspaceSettings } from '../workspaces/settings.js';
import * as core from './core/index.js';
import type {
  Actor,
  ApproverRef,
  Channel,
  Decision,
  DomainError,
  PersonRef,
  ResolutionContext,
  Result,
  Rule,
  StepDefinition,
  TemplateSwitches,
  Transition,
} from './core/types.js';
import { effectStatements, effectsOf, enqueueCommentEmails, writeEffects } from './effects.js';
import { groupPeople } from './groups/repo.js';
import { assertRefsExist } from './refs.js';
import {
  type ApprovalMeta,
  approvalWrites,
  fetchApproval,
  insertApproval,
  lockTicketForRefresh,
  refreshTicketApprovalStatus,
  type StoredApproval,
} from './repo.js';
import { getTemplate, type TemplateView } from './templates/repo.js';
import { type ApprovalView, approvalView, type KnownComments } from './view.js';

/** Domain error codes as HTTP problems; 400s use the generic `invalid_request` with the failing field. */
export function toHttpError(error: DomainError): AppError {
  const field: Partial<Record<DomainError['code'], string>> = {
    no_approvers: 'approvers',
    min_exceeds_approvers: 'rule.count',
    invalid_reason: 'reason',
    not_awaiting: 'approver',
    comment_required: 'comment',
    too_many_approvers: 'approvers',
  };
  const f = error.field ?? field[error.code];
  if (f)
    return new AppError(400, 'invalid_request', error.message, {
      errors: [{ field: f, message: error.message }],
    });
  const status: Record<string, number> = {
    not_an_approver: 403,
    not_allowed: 403,
    recipients_locked: 403,
    reminder_too_soon: 429,
  };
  return new AppError(status[error.code] ?? 409, error.code, error.message, {
    ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
  });
}

export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw toHttpError(result.error);
  return result.value;
}

export const self = (p: Principal): PersonRef => ({ type: p.type, id: p.id });

/** Internal notes are for members: a contact asking for one is 400 (SPEC §8.1). */
function assertMayWriteInternal(principal: Principal, internal: boolean | undefined) {
  if (principal.type === 'contact' && internal)
    throw invalid('body.internal', 'is only available to members');
}

export async function actorOf(db: Db, principal: Principal, ticketId: string): Promise<Actor> {
  return principal.type === 'member'
    ? { type: 'member', id: principal.id, role: principal.role }
    : {
        type: 'contact',
        id: principal.id,
        hasTicketAccess: await contactHasTicketAccess(db, principal.workspaceId, ticketId, principal.id),
      };
}

export async function inactiveMembers(db: Db, workspaceId: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('members')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', [...new Set(ids)])
    .where('active', '=', false)
    .execute();
  return rows.map((r) => r.id);
}

export async function resolutionContext(
  db: Db,
  workspaceId: string,
  ticketId: string,
  refs: ApproverRef[],
  settings?: Pick<WorkspaceSettings, 'maxApproversPerStep'>,
): Promise<ResolutionContext> {
  const ticket = await findTicket(db, workspaceId, ticketId);
  const needsContacts = refs.some((r) => r.type === 'ticket_contacts');
  return {
    ticket: {
      requesterId: ticket.requester_id,
      contactIds: needsContacts ? await ticketContactIds(db, workspaceId, ticketId) : [],
      assigneeId: ticket.assignee_id,
    },
    groups: await groupPeople(
      db,
      workspaceId,
      refs.flatMap((r) => (r.type === 'group' ? [r.id] : [])),
    ),
    inactiveMemberIds: await inactiveMembers(db, workspaceId, [
      ...refs.flatMap((r) => (r.type === 'member' ? [r.id] : [])),
      ...(ticket.assignee_id ? [ticket.assignee_id] : []),
    ]),
    ...(settings ? { maxPeoplePerStep: settings.maxApproversPerStep } : {}),
  };
}

/** Context for whatever steps may start next: those after the current one. */
export async function contextForRemainingSteps(
  db: Db,
  workspaceId: string,
  stored: StoredApproval,
  settings: WorkspaceSettings,
) {
  if (!core.needsResolutionContext(stored.state)) return null;
  const refs = stored.state.steps.slice(stored.state.currentStepIndex + 1).flatMap((s) => s.approvers);
  return resolutionContext(db, workspaceId, stored.meta.ticketId, refs, settings);
}

/**
 * The approval as the principal may see it, with the workspace settings (and,
 * with `comments`, its comments as the principal may see them) read in the
 * same statement. As before: 409 approvals_disabled first, then 404 for an
 * approval that does not exist or that the principal may not see.
 */
async function openApproval(
  db: Db,
  principal: Principal,
  approvalId: string,
  options: { lock: boolean; comments: boolean },
) {
  const ws = principal.workspaceId;
  const includeInternal = principal.type === 'member';
  const loaded = await fetchApproval(db, ws, approvalId, {
    lock: options.lock,
    settings: true,
    ...(options.comments ? { comments: includeInternal ? ('all' as const) : ('public' as const) } : {}),
  });
  const settings = assertApprovalsEnabled(loaded ? readSettings(loaded.settings) : await getSettings(db, ws));
  if (!loaded) throw notFound('Approval');
  const { stored } = loaded;
  const actor = await actorOf(db, principal, stored.meta.ticketId);
  if (!core.canSee(stored.state, actor, settings)) throw notFound('Approval');
  const comments: KnownComments | undefined = loaded.comments
    ? { includeInternal, rows: loaded.comments }
    : undefined;
  return { stored, actor, settings, comments };
}

export type Loaded = {
  tx: Db;
  stored: StoredApproval;
  actor: Actor;
  settings: WorkspaceSettings;
  /** Read under the lock; no change of an approval touches its comments. */
  comments: KnownComments | undefined;
};

/**
 * Runs `fn` in one transaction holding the approval's row lock: every change
 * to one approval, with its activity and outbox rows, is serialised here.
 */
export async function withLockedApproval<T>(
  deps: AppDeps,
  principal: Principal,
  approvalId: string,
  fn: (loaded: Loaded) => Promise<T>,
): Promise<T> {
  return inTransaction(deps.db, async (tx) => {
    const opened = await openApproval(tx, principal, approvalId, { lock: true, comments: true });
    return fn({ tx, ...opened });
  });
}

/**
 * Writes a transition: the approval, its assignments, its activity and
 * outbox rows in one statement, and then the ticket's approval status when
 * it changes. That statement also takes the ticket's row lock, so the
 * refresh after it reads a snapshot taken once the lock is held
 * (`refreshTicketApprovalStatus`).
 */
export async function commit(
  tx: Db,
  workspaceId: string,
  stored: StoredApproval,
  transition: Transition,
  by: PersonRef | null,
  channel: Channel | null,
  settings: WorkspaceSettings,
): Promise<StoredApproval> {
  const after = transition.approval;
  if (transition.events.length === 0) return stored;
  const effects = effectsOf(transition.events, {
    meta: stored.meta,
    approval: after,
    actor: by,
    channel,
    contactApprovalEmails: settings.contactApprovalEmails,
  });
  const ticketId = stored.meta.ticketId;
  const ticketChanges = core.displayStatus(stored.state) !== core.displayStatus(after);
  const effectsTogether = effectStatements(tx, workspaceId, effects);
  await executeAsOne(tx, [
    ...approvalWrites(tx, workspaceId, stored.meta.id, stored.state, after),
    ...(effectsTogether ?? []),
    ...(ticketChanges ? [lockTicketForRefresh(workspaceId, ticketId)] : []),
  ]);
  if (!effectsTogether) await writeEffects(tx, workspaceId, effects);
  if (ticketChanges) await refreshTicketApprovalStatus(tx, workspaceId, ticketId, { locked: true });
  return { meta: { ...stored.meta, updatedAt: new Date() }, state: after };
}

export function view(loaded: Loaded, workspaceId: string, stored: StoredApproval) {
  return approvalView(loaded.tx, workspaceId, stored, loaded.actor, loaded.settings, {
    comments: loaded.comments,
  });
}

/** The template named in a request body; an unknown one is 404 naming it. */
export async function templateForRequest(db: Db, workspaceId: string, templateId: string) {
  return getTemplate(db, workspaceId, templateId.toLowerCase()).catch((e) => {
    if (e instanceof AppError && e.status === 404) throw notFound(`Approval template ${templateId}`);
    throw e;
  });
}

/** What an approval takes from its template when it starts (SPEC §8.1: switches are copied onto it). */
export function templateStartInput(template: TemplateView) {
  return {
    steps: template.steps,
    allowAppeals: template.allowAppeals,
    appealReviewers: template.appealReviewers,
    switches: {
      preventSelfApproval: template.preventSelfApproval,
      requireCommentOnDeny: template.requireCommentOnDeny,
      lockRecipients: template.lockRecipients,
    } satisfies TemplateSwitches,
  };
}

export type RequestApprovalInput = {
  templateId?: string;
  title?: string;
  description?: string | null;
  approvers?: ApproverRef[];
  rule?: Rule;
  onBehalfOf?: PersonRef;
  formData?: Record<string, unknown>;
};

export async function requestApproval(
  deps: AppDeps,
  principal: Principal,
  ticketId: string,
  input: RequestApprovalInput,
  channel: Channel,
) {
  if (principal.type !== 'member') throw forbidden('members_only', 'Only members can request approvals');
  const ws = principal.workspaceId;
  return inTransaction(deps.db, async (tx) => {
    const settings = await requireApprovalsEnabled(tx, ws);
    const ticket = await findTicket(tx, ws, ticketId, true);
    if (ticket.status === 'solved' || ticket.status === 'closed') {
      throw conflict('ticket_closed', 'Reopen the ticket before requesting an approval');
    }
    let steps: StepDefinition[];
    let title: string;
    let description: string | null;
    let allowAppeals = false;
    let appealReviewers: ApproverRef[] = [];
    let expiresAt: Date | null = null;
    let templateId: string | null = null;
    let switches: TemplateSwitches | undefined;
    if (input.templateId) {
      const template = await templateForRequest(tx, ws, input.templateId);
      templateId = template.id;
      title = input.title ?? template.name;
      description = input.description ?? template.description;
      ({ steps, allowAppeals, appealReviewers, switches } = templateStartInput(template));
      if (template.expireAfterHours)
        expiresAt = new Date(deps.now().getTime() + template.expireAfterHours * 3600_000);
    } else {
      const approvers = input.approvers ?? [];
      await assertRefsExist(tx, ws, approvers);
      steps = [{ name: input.title!, approvers, rule: input.rule ?? { type: 'any' } }];
      title = input.title!;
      description = input.description ?? null;
    }
    if (input.onBehalfOf) await assertPeopleExist(tx, ws, [input.onBehalfOf]);
    // Every step's references: each is held to the cap as it resolves now (core/limits.ts); a first step
    // that resolves to nobody may wait or be skipped (SPEC §8.1).
    const ctx = await resolutionContext(
      tx,
      ws,
      ticket.id,
      steps.flatMap((s) => s.approvers),
      settings,
    );
    const now = deps.now();
    const started = unwrap(
      core.startApproval(
        {
          steps,
          requestedBy: principal.id,
          allowAppeals,
          appealReviewers,
          expiresAt,
          adHoc: templateId === null,
          ...(switches ? { switches } : {}),
          onBehalfOf: input.onBehalfOf ?? null,
        },
        ctx,
        now,
      ),
    );
    const meta: Omit<ApprovalMeta, 'createdAt' | 'updatedAt'> = {
      id: randomUUID(),
      number: await nextNumber(tx, ws, 'approval'),
      ticketId: ticket.id,
      templateId,
      title,
      description,
      onBehalfOf: input.onBehalfOf ?? null,
      formData: input.formData ?? null,
    };
    await insertApproval(tx, ws, meta, started.approval);
    const effects = effectsOf(started.events, {
      meta,
      approval: started.approval,
      actor: self(principal),
      channel,
      contactApprovalEmails: settings.contactApprovalEmails,
    });
    const effectsTogether = effectStatements(tx, ws, effects);
    if (effectsTogether) await executeAsOne(tx, effectsTogether);
    else await writeEffects(tx, ws, effects);
    // findTicket(…, true) above took the ticket's row lock.
    await refreshTicketApprovalStatus(tx, ws, ticket.id, { locked: true });
    const stored: StoredApproval = {
      meta: { ...meta, createdAt: now, updatedAt: now },
      state: started.approval,
    };
    // A new approval has no comments yet.
    return approvalView(tx, ws, stored, await actorOf(tx, principal, ticket.id), settings, {
      comments: { includeInternal: principal.type === 'member', rows: [] },
    });
  });
}

function requestHash(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

export async function decideApproval(
  deps: AppDeps,
  principal: Principal,
  approvalId: string,
  input: { decision: Decision; comment?: string | undefined; internal?: boolean | undefined },
  options: { idempotencyKey?: string | undefined; channel: Channel },
) {
  const ws = principal.workspaceId;
  assertMayWriteInternal(principal, input.internal);
  type Outcome = { answer: ApprovalView } | { saved: StoredApproval; loaded: Loaded };
  const outcome = await withLockedApproval(deps, principal, approvalId, async (loaded): Promise<Outcome> => {
    const { tx, stored } = loaded;
    const key = options.idempotencyKey;
    const hash = requestHash({ approvalId: stored.meta.id, ...input });
    if (key) {
      // The approval's row lock serialises two requests with one key: the second sees the first's row.
      const previous = await tx
        .selectFrom('idempotency_keys')
        .select(['request_hash', 'response'])
        .where('workspace_id', '=', ws)
        .where('principal_type', '=', principal.type)
        .where('principal_id', '=', principal.id)
        .where('key', '=', key)
        .executeTakeFirst();
      if (previous) {
        if (previous.request_hash !== hash) {
          throw new AppError(
            422,
            'idempotency_key_reused',
            'This Idempotency-Key was used for another request',
          );
        }
        return { answer: previous.response as ApprovalView };
      }
    }
    const ctx = await contextForRemainingSteps(tx, ws, stored, loaded.settings);
    const transition = unwrap(
      core.decide(
        stored.state,
        self(principal),
        input.decision,
        input.comment ?? null,
        options.channel,
        ctx,
        deps.now(),
        { commentInternal: input.internal === true },
      ),
    );
    const saved = await commit(tx, ws, stored, transition, self(principal), options.channel, loaded.settings);
    if (!key) return { saved, loaded };
    // The stored answer must be the one this transaction produced, so it is built under the lock.
    const result = await view(loaded, ws, saved);
    await tx
      .insertInto('idempotency_keys')
      .values({
        workspace_id: ws,
        principal_type: principal.type,
        principal_id: principal.id,
        key,
        request_hash: hash,
        status_code: 200,
        response: JSON.stringify(result),
      })
      .execute();
    return { answer: result };
  });
  if ('answer' in outcome) return outcome.answer;
  // Built after the commit: the approval's lock is not held while names are read and the answer is built,
  // which is what 200 approvers answering one step at once wait on.
  const { saved, loaded } = outcome;
  return approvalView(deps.db, ws, saved, loaded.actor, loaded.settings, { comments: loaded.comments });
}

export async function decideAppeal(
  deps: AppDeps,
  principal: Principal,
  approvalId: string,
  input: { decision: Decision; comment?: string | undefined },
  channel: Channel,
) {
  const ws = principal.workspaceId;
  return withLockedApproval(deps, principal, approvalId, async (loaded) => {
    const transition = unwrap(
      core.decideAppeal(
        loaded.stored.state,
        self(principal),
        input.decision,
        input.comment ?? null,
        channel,
        deps.now(),
      ),
    );
    const saved = await commit(
      loaded.tx,
      ws,
      loaded.stored,
      transition,
      self(principal),
      channel,
      loaded.settings,
    );
    return view(loaded, ws, saved);
  });
}

export async function requestAppeal(
  deps: AppDeps,
  principal: Principal,
  approvalId: string,
  reason: string,
  channel: Channel,
) {
  const ws = principal.workspaceId;
  return withLockedApproval(deps, principal, approvalId, async (loaded) => {
    const { tx, stored } = loaded;
    const ctx = await resolutionContext(tx, ws, stored.meta.ticketId, stored.state.appealReviewers);
    const reviewers = core.resolveApprovers(stored.state.appealReviewers, ctx);
    const transition = unwrap(
      core.requestAppeal(stored.state, loaded.actor, reason, loaded.settings, reviewers, deps.now()),
    );
    // An appeal makes the approval live again, and live approvals keep their ticket open (SPEC rule 10).
    const ticket = await findTicket(tx, ws, stored.meta.ticketId, true);
    if (ticket.status === 'solved' || ticket.status === 'closed') {
      throw conflict('ticket_closed', 'Reopen the ticket before appealing');
    }
    const saved = await commit(tx, ws, stored, transition, self(principal), channel, loaded.settings);
    return view(loaded, ws, saved);
  });
}

export async function cancelApproval(
  deps: AppDeps,
  principal: Principal,
  approvalId: string,
  channel: Channel,
) {
  const ws = principal.workspaceId;
  return withLockedApproval(deps, principal, approvalId, async (loaded) => {
    const transition = unwrap(core.cancel(loaded.stored.state, loaded.actor, deps.now()));
    const saved = await commit(
      loaded.tx,
      ws,
      loaded.stored,
      transition,
      self(principal),
      channel,
      loaded.settings,
    );
    return view(loaded, ws, saved);
  });
}

export async function editRecipients(
  deps: AppDeps,
  principal: Principal,
  approvalId: string,
  input: { add: ApproverRef[]; remove: ApproverRef[] },
  channel: Channel,
) {
  if (principal.type !== 'member') throw forbidden('members_only', 'Only members can edit recipients');
  const ws = principal.workspaceId;
  return withLockedApproval(deps, principal, approvalId, async (loaded) => {
    const { tx, stored } = loaded;
    if (core.recipientsLockedFor(stored.state, loaded.actor)) {
      throw forbidden('recipients_locked', 'Only admins may edit the recipients of this approval');
    }
    await assertRefsExist(tx, ws, [...input.add, ...input.remove]);
    const remaining = stored.state.steps.slice(stored.state.currentStepIndex + 1).flatMap((s) => s.approvers);
    const ctx = await resolutionContext(
      tx,
      ws,
      stored.meta.ticketId,
      [...input.add, ...input.remove, ...remaining],
      loaded.settings,
    );
    const add = core.resolveApprovers(input.add, ctx);
    const remove = core.resolveApprovers(input.remove, ctx);
    const transition = unwrap(core.editRecipients(stored.state, add, remove, ctx, deps.now()));
    const saved = await commit(tx, ws, stored, transition, self(principal), channel, loaded.settings);
    return view(loaded, ws, saved);
  });
}

export async function remind(
  deps: AppDeps,
  principal: Principal,
  approvalId: string,
  target: PersonRef | null,
  channel: Channel,
) {
  if (principal.type !== 'member') throw forbidden('members_only', 'Only members can send reminders');
  const ws = principal.workspaceId;
  return withLockedApproval(deps, principal, approvalId, async (loaded) => {
    // A person of another workspace (or nobody) is 404, like any reference in a body.
    if (target) await assertPeopleExist(loaded.tx, ws, [target]);
    const transition = unwrap(core.remind(loaded.stored.state, target, deps.now()));
    const saved = await commit(
      loaded.tx,
      ws,
      loaded.stored,
      transition,
      self(principal),
      channel,
      loaded.settings,
    );
    return view(loaded, ws, saved);
  });
}

export async function addComment(
  deps: AppDeps,
  principal: Principal,
  approvalId: string,
  input: { body: string; internal: boolean },
  channel: Channel,
) {
  const ws = principal.workspaceId;
  assertMayWriteInternal(principal, input.internal);
  return inTransaction(deps.db, async (tx) => {
    const { stored, actor, settings } = await openApproval(tx, principal, approvalId, {
      lock: false,
      comments: false,
    });
    if (!core.canComment(stored.state, actor)) {
      throw forbidden('not_an_approver', 'Only approvers of the current step and members can comment');
    }
    return insertComment(
      tx,
      ws,
      stored,
      { ...self(principal), name: principal.name },
      input,
      channel,
      settings,
    );
  });
}

/**
 * Writes a comment and its activity line (one statement) and answers it as
 * the comments endpoints do. Who may comment is the caller's check.
 */
export async function insertComment(
  tx: Db,
  ws: string,
  stored: StoredApproval,
  author: PersonRef & { name: string | null },
  input: { body: string; internal: boolean },
  channel: Channel,
  settings: WorkspaceSettings,
) {
  const commentId = randomUUID();
  // The comment and its activity in one statement; then its emails (SPEC §8.1, kind comment_added).
  const activity = activitiesInsert(tx, ws, [
    {
      ticketId: stored.meta.ticketId,
      approvalId: stored.meta.id,
      type: 'comment',
      actor: { type: author.type, id: author.id },
      channel,
      internal: input.internal,
      data: { commentId, body: input.body },
    },
  ]).returning('id');
  const row = await tx
    .with('activity', () => activity)
    .insertInto('approval_comments')
    .values({
      workspace_id: ws,
      id: commentId,
      approval_id: stored.meta.id,
      author_type: author.type,
      author_id: author.id,
      body: input.body,
      internal: input.internal,
    })
    .returning(['id', 'body', 'internal', 'created_at'])
    .executeTakeFirstOrThrow();
  await enqueueCommentEmails(
    tx,
    ws,
    stored,
    { type: author.type, id: author.id },
    { id: commentId, internal: input.internal },
    settings,
  );
  return {
    id: row.id,
    author: { type: author.type, id: author.id, name: author.name },
    body: row.body,
    internal: row.internal,
    createdAt: row.created_at,
  };
}

/** GET /approvals/{id}: the approval as the caller may see it, or 404. */
export async function getApproval(deps: AppDeps, principal: Principal, approvalId: string) {
  const ws = principal.workspaceId;
  const { stored, actor, settings, comments } = await openApproval(deps.db, principal, approvalId, {
    lock: false,
    comments: true,
  });
  return approvalView(deps.db, ws, stored, actor, settings, { comments });
}
