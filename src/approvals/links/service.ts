import type { Principal } from '../../auth/principal.js';
import { loadPeople, type PersonInfo, personKey } from '../../people/repo.js';
import { type Db, inTransaction } from '../../shared/db/connect.js';
import { AppError, notFound, problem } from '../../shared/errors.js';
import type { AppDeps } from '../../shared/http/types.js';
import { findTicket, listMessages } from '../../tickets/repo.js';
import { assertApprovalsEnabled, getWorkspace } from '../../workspaces/repo.js';
import * as core from '../core/index.js';
import type { Decision, PersonRef, Result } from '../core/types.js';
import { type CommentRow, fetchApproval, type StoredApproval } from '../repo.js';
import { commit, contextForRemainingSteps, insertComment, toHttpError } from '../service.js';
import { commitWithComment } from '../use-cases/needs-info.js';
import {
  APPEAL_STEP,
  findLink,
  findLinkByReplyToken,
  type LinkRow,
  markUsed,
  revokeLinksOfPerson,
} from './repo.js';

/** An unknown or malformed token: a bare 410, so a link never tells whether it existed (SPEC §4). */
export const linkInactive = () => problem('link_inactive', 'This link is no longer active');

/** The public messages of the ticket the response page shows, newest ones (as in the approval email). */
export const THREAD_LIMIT = 10;

const personOf = (link: LinkRow): PersonRef => ({ type: link.person_type, id: link.person_id });

type Workspace = Awaited<ReturnType<typeof getWorkspace>>;

/** A real link with what it answers, read (and with `lock`, locked) in the caller's transaction. */
export type OpenedLink = {
  link: LinkRow;
  person: PersonRef;
  stored: StoredApproval;
  workspace: Workspace;
  /** Null when its person no longer exists. */
  holder: PersonInfo | null;
  comments: CommentRow[] | null;
};

/** How a link is found: by its own token (the response page), or by its email's reply token (SPEC §8.2). */
type LinkFinder = (db: Db, lock: boolean) => Promise<LinkRow | null>;

async function openLink(
  db: Db,
  token: string | LinkFinder,
  options: { lock: boolean; commentsFor?: Principal | null },
): Promise<OpenedLink> {
  const find: LinkFinder = typeof token === 'string' ? (d, lock) => findLink(d, token, lock) : token;
  // Lock order (SPEC rule 13): the approval's row lock first, then the link's. Every change of an
  // approval that touches its links (removing a recipient revokes theirs) holds the approval's lock
  // first; taking the link's first here deadlocked with it under load. The link's approval never
  // changes, so it is found unlocked and read again, locked, once the approval's lock is held.
  const found = await find(db, false);
  if (!found) throw linkInactive();
  const ws = found.workspace_id;
  const workspace = await getWorkspace(db, ws);
  // Rule 1: with the module off, links answer like every other approval endpoint.
  assertApprovalsEnabled(workspace.settings);
  // Internal comments only to the member the link was sent to, signed in; never to a contact (rule 3).
  const viewer = options.commentsFor;
  const internal = viewer?.type === 'member' && isPersonOf(viewer, found);
  const loaded = await fetchApproval(db, ws, found.approval_id, {
    lock: options.lock,
    ...(viewer !== undefined ? { comments: internal ? ('all' as const) : ('public' as const) } : {}),
  });
  if (!loaded) throw notFound('Approval');
  const link = options.lock ? await find(db, true) : found;
  if (!link) throw linkInactive();
  const person = personOf(link);
  const holder = (await loadPeople(db, ws, [person])).get(personKey(person)) ?? null;
  return { link, person, stored: loaded.stored, workspace, holder, comments: loaded.comments };
}

const isPersonOf = (principal: Principal, link: LinkRow) =>
  principal.workspaceId === link.workspace_id &&
  principal.type === link.person_type &&
  principal.id === link.person_id;

const isHolder = (principal: Principal | null, opened: OpenedLink): principal is Principal =>
  principal !== null && isPersonOf(principal, opened.link);

/**
 * SPEC §8.1: a real but dead link answers 410 with why. For `used`, the
 * answer given comes along (so whoever just answered sees it), except to a
 * visitor who is not signed in as the link's person while the workspace
 * requires sign-in: they learn the reason only, nothing about the approval.
 */
function assertAlive(opened: OpenedLink, principal: Principal | null, now: Date): void {
  const { stored } = opened;
  const facts = linkFacts(opened);
  const reason = core.deadLinkReason(facts, stored.state, now);
  if (reason === null) return;
  const mayKnow = !opened.workspace.settings.requireSignInForEmailResponses || isHolder(principal, opened);
  const answer = reason === 'used' && mayKnow ? core.linkAnswer(facts, stored.state) : null;
  throw problem('link_inactive', 'This link is no longer active', {
    extensions: { reason, ...(answer ? { decision: answer } : {}) },
  });
}

/**
 * SPEC §4 / §8.1: with sign-in required, a visitor who is not signed in gets
 * 401 carrying only the workspace's name and what the sign-in page needs.
 * Someone signed in as another person gets 403 (`always`: also when sign-in
 * is not required, for the actions, as before); the link stays usable.
 */
function assertMayAct(opened: OpenedLink, principal: Principal | null, always: boolean): void {
  const signInRequired = opened.workspace.settings.requireSignInForEmailResponses;
  const signIn = {
    workspace: { id: opened.workspace.id, name: opened.workspace.name },
    // Which sign-in page: the agent app's or the customer portal's. The page comes back to its own
    // address afterwards; the token is not echoed in the body.
    responderType: opened.person.type,
  };
  if (!principal && signInRequired) {
    throw problem('sign_in_required', 'Sign in to answer this approval request', {
      extensions: signIn,
    });
  }
  if (principal && !isHolder(principal, opened) && (always || signInRequired)) {
    throw problem('not_an_approver', 'This link was sent to someone else', { extensions: signIn });
  }
}

/**
 * The decisions given so far (every step and the appeal's), oldest first, by name only (rule 3). A
 * decision's internal comment (SPEC §8.1) shows only with `includeInternal` (a member signed in as the
 * link's person), like internal comments.
 */
function decisionsOf(
  stored: StoredApproval,
  name: (p: PersonRef) => string | null,
  includeInternal: boolean,
) {
  const { state } = stored;
  const steps = state.assignments.flatMap((a) =>
    a.decision && a.removedAt === null
      ? [
          {
            stepIndex: a.stepIndex,
            stepName: state.steps[a.stepIndex]?.name ?? null,
            by: { type: a.person.type, name: name(a.person) },
            decision: a.decision.value,
            comment: a.decision.commentInternal && !includeInternal ? null : a.decision.comment,
            channel: a.decision.channel,
            at: a.decision.at,
          },
        ]
      : [],
  );
  const appeal = state.appeal?.decision;
  const appealDecision = appeal
    ? [
        {
          stepIndex: APPEAL_STEP,
          stepName: null,
          by: { type: appeal.by.type, name: name(appeal.by) },
          decision: appeal.value,
          comment: appeal.comment,
          channel: appeal.channel,
          at: appeal.at,
        },
      ]
    : [];
  return [...steps, ...appealDecision].sort((x, y) => x.at.getTime() - y.at.getTime());
}

async function pageOf(deps: AppDeps, opened: OpenedLink, principal: Principal | null) {
  const { link, stored, workspace, person } = opened;
  const { meta, state } = stored;
  const ws = link.workspace_id;
  const comments = opened.comments ?? [];
  const [ticket, newestFirst] = await Promise.all([
    findTicket(deps.db, ws, meta.ticketId),
    listMessages(deps.db, ws, meta.ticketId, { publicOnly: true, limit: THREAD_LIMIT }),
  ]);
  const thread = newestFirst.reverse();
  const people = await loadPeople(deps.db, ws, [
    ...state.assignments.map((a) => a.person),
    { type: 'member', id: state.requestedBy },
    ...(state.appeal?.decision ? [state.appeal.decision.by] : []),
    ...comments.map((c): PersonRef => ({ type: c.author_type, id: c.author_id })),
    ...thread.map((m) => m.author as PersonRef),
  ]);
  const name = (p: PersonRef) => people.get(personKey(p))?.name ?? null;
  return {
    kind: link.step_index === APPEAL_STEP ? ('appeal' as const) : ('step' as const),
    workspace: { id: ws, name: workspace.name },
    // The recipient's language, else the workspace's (SPEC §4 / §8.1): the page renders in it.
    locale: opened.holder?.locale ?? workspace.settings.defaultLocale,
    approval: {
      id: meta.id,
      number: meta.number,
      title: meta.title,
      description: meta.description,
      status: state.status,
      displayStatus: core.displayStatus(state),
      currentStepIndex: state.currentStepIndex,
      requestedBy: { name: name({ type: 'member', id: state.requestedBy }) },
      steps: state.steps.map((step, index) => ({
        name: step.name,
        rule: state.stepStates[index]!.rule,
        status: state.stepStates[index]!.status,
        approvers: state.assignments
          .filter((a) => a.stepIndex === index && a.removedAt === null)
          .map((a) => ({ type: a.person.type, name: name(a.person), decision: a.decision?.value ?? null })),
      })),
      appeal: state.appeal ? { reason: state.appeal.reason, status: state.appeal.status } : null,
      decisions: decisionsOf(stored, name, principal?.type === 'member' && isHolder(principal, opened)),
      comments: comments.map((c) => ({
        id: c.id,
        author: { type: c.author_type, name: name({ type: c.author_type, id: c.author_id }) },
        body: c.body,
        internal: c.internal,
        createdAt: c.created_at,
      })),
    },
    ticket: {
      number: ticket.number,
      subject: ticket.subject,
      thread: thread.map((m) => ({
        author: { type: m.author.type, name: name(m.author as PersonRef) },
        body: m.body,
        createdAt: m.createdAt,
      })),
    },
    expectedResponder: { type: person.type, name: opened.holder?.name ?? null },
    signInRequired: workspace.settings.requireSignInForEmailResponses,
    signedIn: principal
      ? { type: principal.type, name: principal.name, isExpectedResponder: isHolder(principal, opened) }
      : null,
    expiresAt: link.expires_at,
  };
}

/** GET (and HEAD) of a link: reads only, since mail scanners open links on their own. */
export async function linkPage(deps: AppDeps, token: string, principal: Principal | null) {
  const opened = await openLink(deps.db, token, { lock: false, commentsFor: principal });
  assertAlive(opened, principal, deps.now());
  assertMayAct(opened, principal, false);
  return pageOf(deps, opened, principal);
}

/**
 * The link, when its caller may act with it (SPEC §4): real, alive, and theirs (or anyone's when sign-in
 * is not required); read under the approval's row lock with `lock`.
 */
async function linkToActWith(
  tx: Db,
  token: string,
  principal: Principal | null,
  now: Date,
  lock: boolean,
): Promise<OpenedLink> {
  const opened = await openLink(tx, token, { lock });
  assertAlive(opened, principal, now);
  assertMayAct(opened, principal, true);
  return opened;
}

/**
 * The decision a live link carries, made and committed for its person, and the link used up: one
 * path for the response page (`email_link`) and an emailed reply (`email_reply`, SPEC §8.2). The
 * caller has opened the link locked and checked it alive and theirs; a domain error comes back as is.
 */
export async function decideWithLink(
  tx: Db,
  opened: OpenedLink,
  input: { decision: Decision; comment?: string | null | undefined },
  channel: 'email_link' | 'email_reply',
  now: Date,
): Promise<Result<StoredApproval>> {
  const { link, stored, person } = opened;
  const ws = link.workspace_id;
  const settings = opened.workspace.settings;
  const comment = input.comment?.trim() ? input.comment.trim() : null;
  const result =
    link.step_index === APPEAL_STEP
      ? core.decideAppeal(stored.state, person, input.decision, comment, channel, now)
      : core.decide(
          stored.state,
          person,
          input.decision,
          comment,
          channel,
          await contextForRemainingSteps(tx, ws, stored, settings),
          now,
        );
  if (!result.ok) return result;
  const saved = await commit(tx, ws, stored, result.value, person, channel, settings);
  await markUsed(tx, link.token_hash, now);
  return { ok: true, value: saved };
}

/**
 * The link of an approval email's reply token (SPEC §8.2), opened under the approval's row lock then
 * its own (openLink's lock order); null when the token is unknown in this workspace or its approval is
 * gone. Approvals turned off throw `approvals_disabled` like every other approval entry.
 */
export async function openLinkByReplyToken(
  db: Db,
  workspaceId: string,
  replyToken: string,
): Promise<OpenedLink | null> {
  try {
    return await openLink(db, (d, lock) => findLinkByReplyToken(d, workspaceId, replyToken, lock), {
      lock: true,
    });
  } catch (error) {
    if (error instanceof AppError && (error.code === 'link_inactive' || error.code === 'not_found'))
      return null;
    throw error;
  }
}

/** Null while the link may still answer, else why not (SPEC §8.6's dead-link reasons). */
export function linkDeadReason(opened: OpenedLink, now: Date): core.DeadLinkReason | null {
  return core.deadLinkReason(linkFacts(opened), opened.stored.state, now);
}

/** The link as the core judges it (alive, or dead and why). */
function linkFacts({ link, person, holder }: OpenedLink): core.LinkFacts {
  return {
    stepIndex: link.step_index,
    person,
    expiresAt: new Date(link.expires_at),
    usedAt: link.used_at,
    revokedAt: link.revoked_at,
    personActive: holder?.active ?? false,
  };
}

export async function decideByLink(
  deps: AppDeps,
  token: string,
  principal: Principal | null,
  input: { decision: Decision; comment?: string | undefined },
) {
  return inTransaction(deps.db, async (tx) => {
    const opened = await linkToActWith(tx, token, principal, deps.now(), true);
    const result = await decideWithLink(tx, opened, input, 'email_link', deps.now());
    if (!result.ok) throw toHttpError(result.error);
    const saved = result.value;
    return {
      decision: input.decision,
      approval: {
        id: saved.meta.id,
        number: saved.meta.number,
        status: saved.state.status,
        displayStatus: core.displayStatus(saved.state),
      },
    };
  });
}

/**
 * SPEC §8.1 feedback from an email link: a public comment by the link's
 * person, under the same sign-in rule as a decision; the link stays usable.
 */
export async function commentByLink(
  deps: AppDeps,
  token: string,
  principal: Principal | null,
  input: { body: string },
) {
  return inTransaction(deps.db, async (tx) => {
    const opened = await linkToActWith(tx, token, principal, deps.now(), false);
    const author = { ...opened.person, name: opened.holder?.name ?? null };
    const comment = await insertComment(
      tx,
      opened.link.workspace_id,
      opened.stored,
      author,
      { body: input.body, internal: false },
      'email_link',
      opened.workspace.settings,
    );
    return comment;
  });
}

/**
 * The deactivation hook (issue 10 item 3): a deactivated member's emailed
 * links die with the deactivation, in its transaction, and stay dead if the
 * member is reactivated. (Their use is also refused while inactive.)
 */
export async function revokeLinksOfDeactivatedMember(db: Db, workspaceId: string, memberId: string) {
  return revokeLinksOfPerson(db, workspaceId, { type: 'member', id: memberId });
}

/**
 * POST /approval-links/{token}/needs-info {question}: the link's person asks the requester side
 * (SPEC §8.1). It does not use up the link, which stays alive while the approval waits.
 */
export async function askForInfoByLink(
  deps: AppDeps,
  token: string,
  principal: Principal | null,
  question: string,
) {
  await inTransaction(deps.db, async (tx) => {
    const opened = await linkToActWith(tx, token, principal, deps.now(), true);
    const { link, stored, person } = opened;
    if (link.step_index === APPEAL_STEP) {
      throw toHttpError({ code: 'not_pending', message: 'An appeal cannot wait for information.' });
    }
    const actor: core.Actor =
      person.type === 'member'
        ? // The role does not matter here: a member may always ask.
          { type: 'member', id: person.id, role: 'agent' }
        : { type: 'contact', id: person.id, hasTicketAccess: false };
    const result = core.askForInfo(stored.state, actor, question, deps.now());
    if (!result.ok) throw toHttpError(result.error);
    await commitWithComment(
      tx,
      link.workspace_id,
      stored,
      result.value,
      person,
      question,
      'email_link',
      opened.workspace.settings,
    );
  });
  // The page as it now reads (the link is still alive: asking does not use it up).
  return linkPage(deps, token, principal);
}
