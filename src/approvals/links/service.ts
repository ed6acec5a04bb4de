import type { Principal } from '../../auth/principal.js';
import { loadPeople, personKey } from '../../people/repo.js';
import { inTransaction } from '../../shared/db/connect.js';
import { AppError, forbidden } from '../../shared/errors.js';
import type { AppDeps } from '../../shared/http/types.js';
import { findTicket } from '../../tickets/repo.js';
import { getWorkspace, requireApprovalsEnabled } from '../../workspaces/repo.js';
import * as core from '../core/index.js';
import type { Approval, Decision, PersonRef } from '../core/types.js';
import { loadApproval, type StoredApproval } from '../repo.js';
import { commit, contextForRemainingSteps, toHttpError } from '../service.js';
import { APPEAL_STEP, findLink, type LinkRow, markUsed } from './repo.js';

export const linkInactive = () => new AppError(410, 'link_inactive', 'This link is no longer active');

const personOf = (link: LinkRow): PersonRef => ({ type: link.person_type, id: link.person_id });

/**
 * SPEC §4: a link works once, until it expires, and only while its step is
 * the current one and its person is still asked and has not answered (or,
 * for an appeal link, while the appeal waits on that reviewer).
 */
export function isLinkActive(link: LinkRow, approval: Approval, now: Date): boolean {
  if (link.used_at !== null || new Date(link.expires_at).getTime() <= now.getTime()) return false;
  const person = personOf(link);
  if (link.step_index === APPEAL_STEP) {
    return approval.status === 'appeal_pending' && core.canRespond(approval, person);
  }
  return (
    approval.status === 'pending' &&
    approval.currentStepIndex === link.step_index &&
    core.canRespond(approval, person)
  );
}

async function activeLink(deps: AppDeps, token: string, lock: boolean, db = deps.db) {
  const link = await findLink(db, token, lock);
  if (!link) throw linkInactive();
  // Rule 1: with the module off, links answer like every other approval endpoint.
  await requireApprovalsEnabled(db, link.workspace_id);
  const stored = await loadApproval(db, link.workspace_id, link.approval_id, lock);
  if (!isLinkActive(link, stored.state, deps.now())) throw linkInactive();
  return { link, stored };
}

async function pageOf(deps: AppDeps, link: LinkRow, stored: StoredApproval, principal: Principal | null) {
  const { meta, state } = stored;
  const ws = link.workspace_id;
  const [workspace, ticket] = await Promise.all([
    getWorkspace(deps.db, ws),
    findTicket(deps.db, ws, meta.ticketId),
  ]);
  const person = personOf(link);
  const people = await loadPeople(deps.db, ws, [
    person,
    ...state.assignments.map((a) => a.person),
    { type: 'member', id: state.requestedBy },
  ]);
  const name = (p: PersonRef) => people.get(personKey(p))?.name ?? null;
  const signedInAsResponder =
    principal !== null &&
    principal.workspaceId === ws &&
    principal.type === person.type &&
    principal.id === person.id;
  return {
    kind: link.step_index === APPEAL_STEP ? ('appeal' as const) : ('step' as const),
    workspace: { id: ws, name: workspace.name },
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
    },
    ticket: { number: ticket.number, subject: ticket.subject },
    expectedResponder: { type: person.type, name: name(person) },
    signInRequired: workspace.settings.requireSignInForEmailResponses,
    signedIn: principal
      ? { type: principal.type, name: principal.name, isExpectedResponder: signedInAsResponder }
      : null,
    expiresAt: link.expires_at,
  };
}

/** GET (and HEAD) of a link: reads only, since mail scanners open links on their own. */
export async function linkPage(deps: AppDeps, token: string, principal: Principal | null) {
  const { link, stored } = await activeLink(deps, token, false);
  return pageOf(deps, link, stored, principal);
}

export async function decideByLink(
  deps: AppDeps,
  token: string,
  principal: Principal | null,
  input: { decision: Decision; comment?: string | undefined },
) {
  return inTransaction(deps.db, async (tx) => {
    const { link, stored } = await activeLink(deps, token, true, tx);
    const ws = link.workspace_id;
    const settings = (await getWorkspace(tx, ws)).settings;
    const person = personOf(link);
    if (!principal && settings.requireSignInForEmailResponses) {
      throw new AppError(401, 'sign_in_required', 'Sign in to answer this approval request');
    }
    if (
      principal &&
      (principal.workspaceId !== ws || principal.type !== person.type || principal.id !== person.id)
    ) {
      // The link stays usable by its owner.
      throw forbidden('not_an_approver', 'This link was sent to someone else');
    }
    const now = deps.now();
    const comment = input.comment?.trim() ? input.comment.trim() : null;
    const result =
      link.step_index === APPEAL_STEP
        ? core.decideAppeal(stored.state, person, input.decision, comment, 'email_link', now)
        : core.decide(
            stored.state,
            person,
            input.decision,
            comment,
            'email_link',
            await contextForRemainingSteps(tx, ws, stored, settings),
            now,
          );
    if (!result.ok) throw toHttpError(result.error);
    const saved = await commit(tx, ws, stored, result.value, person, 'email_link', settings);
    await markUsed(tx, link.token_hash, now);
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
