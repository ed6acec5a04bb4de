import { loadPeople, type PersonInfo, personKey } from '../people/repo.js';
import type { Db } from '../shared/db/connect.js';
import {
  canAppeal,
  canAskForInfo,
  canCancel,
  canComment,
  canEditRecipients,
  canProvideInfo,
  canRespond,
  displayStatus,
  switchesOf,
} from './core/index.js';
import type { Approval, ApprovalSettings, PersonRef, Actor as PrincipalActor } from './core/types.js';
import type { CommentRow, StoredApproval } from './repo.js';

export type CommentView = {
  id: string;
  author: { type: 'member' | 'contact'; id: string; name: string | null };
  body: string;
  internal: boolean;
  createdAt: Date;
};

type Named = { type: 'member' | 'contact'; id: string; name: string | null };

function peopleOf(state: Approval, meta: StoredApproval['meta']): PersonRef[] {
  const refs: PersonRef[] = [
    { type: 'member', id: state.requestedBy },
    ...state.assignments.map((a) => a.person),
  ];
  if (meta.onBehalfOf) refs.push(meta.onBehalfOf);
  if (state.appeal) refs.push(state.appeal.requestedBy, ...state.appeal.reviewers);
  if (state.appeal?.decision) refs.push(state.appeal.decision.by);
  if (state.infoRequest) refs.push(state.infoRequest.askedBy);
  return refs;
}

/** Comments already read (`fetchApproval`), and whether internal ones were included. */
export type KnownComments = { includeInternal: boolean; rows: CommentRow[] };

export async function loadComments(
  db: Db,
  workspaceId: string,
  approvalId: string,
  includeInternal: boolean,
): Promise<CommentRow[]> {
  let q = db
    .selectFrom('approval_comments')
    .select(['id', 'author_type', 'author_id', 'body', 'internal', 'created_at'])
    .where('workspace_id', '=', workspaceId)
    .where('approval_id', '=', approvalId);
  if (!includeInternal) q = q.where('internal', '=', false);
  return q.orderBy('seq').limit(1000).execute();
}

/**
 * The approval as `viewer` may see it (SPEC §5 GET /approvals/{id}). Contacts
 * never get emails, internal comments (nor internal decision comments) or
 * form data (SPEC rule 3, §8.1).
 */
export async function approvalView(
  db: Db,
  workspaceId: string,
  stored: StoredApproval,
  viewer: PrincipalActor,
  settings: ApprovalSettings,
  known: { comments?: KnownComments | undefined } = {},
) {
  const isMember = viewer.type === 'member';
  const comments =
    known.comments?.includeInternal === isMember
      ? known.comments.rows
      : await loadComments(db, workspaceId, stored.meta.id, isMember);
  const people = await loadPeople(db, workspaceId, refsOf(stored, comments));
  return buildView(stored, comments, people, viewer, settings);
}

/** Several approvals as `viewer` may see them: their comments in one query, everyone's names in one more. */
export async function approvalViews(
  db: Db,
  workspaceId: string,
  stored: StoredApproval[],
  viewer: PrincipalActor,
  settings: ApprovalSettings,
) {
  if (stored.length === 0) return [];
  const isMember = viewer.type === 'member';
  let q = db
    .selectFrom('approval_comments')
    .select(['approval_id', 'id', 'author_type', 'author_id', 'body', 'internal', 'created_at'])
    .where('workspace_id', '=', workspaceId)
    .where(
      'approval_id',
      'in',
      stored.map((s) => s.meta.id),
    );
  if (!isMember) q = q.where('internal', '=', false);
  const byApproval = new Map<string, CommentRow[]>();
  for (const { approval_id, ...row } of await q.orderBy('seq').execute()) {
    const list = byApproval.get(approval_id) ?? [];
    // The same cap as one approval's view (loadComments).
    if (list.length < 1000) list.push(row);
    byApproval.set(approval_id, list);
  }
  const people = await loadPeople(
    db,
    workspaceId,
    stored.flatMap((s) => refsOf(s, byApproval.get(s.meta.id) ?? [])),
  );
  return stored.map((s) => buildView(s, byApproval.get(s.meta.id) ?? [], people, viewer, settings));
}

function refsOf(stored: StoredApproval, comments: CommentRow[]): PersonRef[] {
  return [
    ...peopleOf(stored.state, stored.meta),
    ...comments.map((c) => ({ type: c.author_type, id: c.author_id })),
  ];
}

function buildView(
  stored: StoredApproval,
  comments: CommentRow[],
  people: Map<string, PersonInfo>,
  viewer: PrincipalActor,
  settings: ApprovalSettings,
) {
  const { meta, state } = stored;
  const isMember = viewer.type === 'member';
  const named = (p: PersonRef): Named => ({
    type: p.type,
    id: p.id,
    name: people.get(personKey(p))?.name ?? null,
  });
  const self: PersonRef = { type: viewer.type, id: viewer.id };

  return {
    id: meta.id,
    number: meta.number,
    ticketId: meta.ticketId,
    templateId: meta.templateId,
    title: meta.title,
    description: meta.description,
    status: state.status,
    displayStatus: displayStatus(state),
    currentStepIndex: state.currentStepIndex,
    requestedBy: named({ type: 'member', id: state.requestedBy }),
    onBehalfOf: meta.onBehalfOf ? named(meta.onBehalfOf) : null,
    ...(isMember ? { formData: meta.formData } : {}),
    steps: state.steps.map((step, index) => {
      const s = state.stepStates[index]!;
      return {
        name: step.name,
        rule: s.rule,
        status: s.status,
        startedAt: s.startedAt,
        completedAt: s.completedAt,
        approvers: state.assignments
          .filter((a) => a.stepIndex === index && a.removedAt === null)
          .map((a) => ({
            ...named(a.person),
            decision: a.decision?.value ?? null,
            // An internal decision comment is a members' note: contacts never see it (SPEC §8.1).
            comment: isMember || !a.decision?.commentInternal ? (a.decision?.comment ?? null) : null,
            commentInternal: isMember ? a.decision?.commentInternal === true : false,
            decidedAt: a.decision?.at ?? null,
            channel: a.decision?.channel ?? null,
          })),
      };
    }),
    comments: comments.map(
      (c): CommentView => ({
        id: c.id,
        author: named({ type: c.author_type, id: c.author_id }),
        body: c.body,
        internal: c.internal,
        createdAt: c.created_at,
      }),
    ),
    appeal: state.appeal
      ? {
          reason: state.appeal.reason,
          status: state.appeal.status,
          requestedBy: named(state.appeal.requestedBy),
          requestedAt: state.appeal.requestedAt,
          reviewers: state.appeal.reviewers.map(named),
          decision: state.appeal.decision
            ? {
                value: state.appeal.decision.value,
                comment: state.appeal.decision.comment,
                by: named(state.appeal.decision.by),
                at: state.appeal.decision.at,
              }
            : null,
        }
      : null,
    canRespond: canRespond(state, self),
    canAppeal: canAppeal(state, viewer, settings),
    canComment: canComment(state, viewer),
    canCancel: canCancel(state, viewer),
    canEditRecipients: canEditRecipients(state, viewer),
    /** The template's `requireCommentOnDeny` (SPEC §8.1), so a form can say a denial needs a comment. */
    commentRequiredOnDeny: switchesOf(state).requireCommentOnDeny,
    /** While the status is `needs_info`: who asked and since when (the question is in `comments`). */
    needsInfo:
      state.status === 'needs_info' && state.infoRequest
        ? { askedBy: named(state.infoRequest.askedBy), askedAt: state.infoRequest.askedAt }
        : null,
    canAskForInfo: canAskForInfo(state, viewer),
    canProvideInfo: canProvideInfo(state, viewer, meta.onBehalfOf),
    expiresAt: state.expiresAt,
    completedAt: state.completedAt,
    createdAt: meta.createdAt,
    updatedAt: meta.updatedAt,
  };
}

export type ApprovalView = Awaited<ReturnType<typeof approvalView>>;
