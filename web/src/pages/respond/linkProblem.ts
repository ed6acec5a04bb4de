import type { Decision, PersonType, Problem } from '../../api/types.js';
import { ApiError } from '../../api.js';

/**
 * The extension members of the link problems the response page reads. The OpenAPI document declares a
 * problem's extension members only in prose (`Problem` is a loose object: `[key: string]: unknown`), so
 * they are read here value by value, never cast: a member the server stops sending, or sends in another
 * shape, is simply absent and the page falls back to the bare sentence.
 */
// undeclared: the document describes these only in x-error-codes prose (410 link_inactive, 401 sign_in_required)
export const DEAD_LINK_REASONS = ['used', 'removed', 'finished', 'step_moved_on', 'expired'] as const;
/** Why a real link is dead (SPEC §8.6), from the 410 problem's `reason`. */
export type DeadLinkReason = (typeof DEAD_LINK_REASONS)[number];

export type LinkProblem = {
  reason?: DeadLinkReason;
  decision?: { value: Decision; at: string };
  workspace?: { id: string; name: string };
  responderType?: PersonType;
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function reasonOf(value: unknown): DeadLinkReason | undefined {
  return DEAD_LINK_REASONS.find((reason) => reason === value);
}

function decisionOf(value: unknown): LinkProblem['decision'] {
  if (!isRecord(value) || typeof value.at !== 'string') return undefined;
  if (value.value !== 'approve' && value.value !== 'deny') return undefined;
  return { value: value.value, at: value.at };
}

function workspaceOf(value: unknown): LinkProblem['workspace'] {
  if (!isRecord(value) || typeof value.id !== 'string' || typeof value.name !== 'string') return undefined;
  return { id: value.id, name: value.name };
}

function personTypeOf(value: unknown): PersonType | undefined {
  return value === 'member' || value === 'contact' ? value : undefined;
}

/** The link extension members of a problem; `{}` for anything that is not an API problem. */
export function readLinkProblem(problem: Problem): LinkProblem {
  const read: LinkProblem = {};
  const reason = reasonOf(problem.reason);
  const decision = decisionOf(problem.decision);
  const workspace = workspaceOf(problem.workspace);
  const responderType = personTypeOf(problem.responderType);
  if (reason) read.reason = reason;
  if (decision) read.decision = decision;
  if (workspace) read.workspace = workspace;
  if (responderType) read.responderType = responderType;
  return read;
}

export const linkProblem = (error: unknown): LinkProblem =>
  error instanceof ApiError && error.problem.code !== 'network_error' ? readLinkProblem(error.problem) : {};
