import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/principal.js';
import { type Db, executeAsOne, inTransaction } from '../shared/db/connect.js';
import { AppError, invalid, notFound, problem } from '../shared/errors.js';
import type { AppDeps } from '../shared/http/types.js';
import { activitiesInsert } from '../tickets/activity.js';
import { contactHasTicketAccess, findTicket, ticketContactIds } from '../tickets/repo.js';
import { assertApprovalsEnabled, getSettings } from '../workspaces/repo.js';
import { readSettings, type WorkspaceSettings } from '../workspaces/settings.js';
import * as core from './core/index.js';
import type {
  Actor,
  ApproverRef,
  Channel,
  DomainError,
  PersonRef,
  ResolutionContext,
  Result,
  TemplateSwitches,
  Transition,
} from './core/types.js';
import { effectStatements, effectsOf, enqueueCommentEmails, writeEffects } from './effects.js';
import { groupPeople } from './groups/repo.js';
import {
  approvalWrites,
  fetchApproval,
  lockTicketForRefresh,
  refreshTicketApprovalStatus,
  type StoredApproval,
} from './repo.js';
import { getTemplate, type TemplateView } from './templates/repo.js';
import { type ApprovalView, approvalView, type KnownComments } from './view.js';

/**
 * What the approval commands (use-cases/*.ts) share: opening an approval as
 * the caller may see it, the row lock and the one place a transition is
 * committed (`withLockedApproval`, `commitChange`, `commit`), the resolution
 * context, and the comment writer. Email links (links/) and the scheduler
 * commit through `commit` too.
 */

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
    return problem('invalid_request', error.message, {
      errors: [{ field: f, message: error.message }],
    });
  // The status is the error-code table's (src/shared/error-codes.ts).
  return problem(error.code, error.message, {
    ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
  });
}

export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw toHttpError(result.error);
  return result.value;
}

export const self = (p: Principal): PersonRef => ({ type: p.type, id: p.id });

/** Internal notes are for members: a contact asking for one is 400 (SPEC §8.1). */
export function assertMayWriteInternal(principal: Principal, internal: boolean | undefined) {
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
export async function openApproval(
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
 * to one approval, with its activity and outbox rows, is serialised here
 * (SPEC rule 13). The approval's row is locked first; `commit` takes the
 * ticket's after it, and links come last (links/service.ts): one order, so
 * two changes never wait on each other in a cycle.
 */
export async function inLockedApproval<T>(
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

/** What one command asks of an approval it holds locked: the core's answer, and whose act it is. */
export type ApprovalChange = {
  /** The core's transition, or the domain error that refuses it (answered as its HTTP problem). */
  transition: Result<Transition>;
  /** Who the activity and the emails name; the caller when absent. */
  by?: PersonRef | null;
  channel: Channel;
};

/** Unwraps the core's answer and writes it (`commit`); the approval as saved. */
export function commitChange(
  loaded: Loaded,
  principal: Principal,
  change: ApprovalChange,
): Promise<StoredApproval> {
  const transition = unwrap(change.transition);
  const by = change.by === undefined ? self(principal) : change.by;
  return commit(
    loaded.tx,
    principal.workspaceId,
    loaded.stored,
    transition,
    by,
    change.channel,
    loaded.settings,
  );
}

/**
 * One command on one approval, start to end: lock it, ask `change` for the
 * core's transition (whatever else it reads, it reads under the lock),
 * commit it with its activity and outbox rows, run `alsoWrite` in the same
 * transaction, and answer the approval as the caller now sees it.
 */
export async function withLockedApproval(
  deps: AppDeps,
  principal: Principal,
  approvalId: string,
  change: (loaded: Loaded) => ApprovalChange | Promise<ApprovalChange>,
  options: {
    /** Further writes of the same change (e.g. a text kept as a comment); the comments are then read again. */
    alsoWrite?: (loaded: Loaded, saved: StoredApproval) => Promise<void>;
  } = {},
): Promise<ApprovalView> {
  return inLockedApproval(deps, principal, approvalId, async (loaded) => {
    const saved = await commitChange(loaded, principal, await change(loaded));
    if (!options.alsoWrite) return view(loaded, principal.workspaceId, saved);
    await options.alsoWrite(loaded, saved);
    return view({ ...loaded, comments: undefined }, principal.workspaceId, saved);
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
