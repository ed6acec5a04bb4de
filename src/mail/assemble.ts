import { APPEAL_STEP, mintLink } from '../approvals/links/repo.js';
import { loadApproval } from '../approvals/repo.js';
import { loadPeople, personKey } from '../people/repo.js';
import type { Db } from '../shared/db/connect.js';
import { approvalReplyAddress, ticketReplyAddress } from '../shared/email/addresses.js';
import type { ApprovalMailKind, MailKind } from '../shared/outbox/index.js';
import type { PersonRef } from '../shared/vocabulary.js';
import { findTicket, listMessages, ticketContactIds } from '../tickets/repo.js';
import { getWorkspace } from '../workspaces/repo.js';
import { ACCOUNT_MAIL_KINDS, accountEmail } from './account-emails.js';
import { displayName } from './render/account.js';
import { type EmailInput, renderEmail } from './render/index.js';
import { TICKET_MAIL_KINDS, ticketEmail } from './ticket-emails.js';
import type { OutgoingEmail } from './transport.js';
import type { OutboxRow } from './worker.js';

/** The emails that carry a link, minted at delivery with its reply token (SPEC §8.2 reply to approve). */
const LINK_KINDS = new Set<MailKind>([
  'approval_requested',
  'approval_reminder',
  'appeal_requested',
  'approval_link_resent',
]);

type Payload = {
  stepIndex?: number;
  /** comment_added: the comment, read when the email is composed. */
  commentId?: string;
  by?: PersonRef | null;
  decision?: 'approve' | 'deny';
  reason?: 'requested' | 'no_recipients';
  /** needs_info, info_provided: the question or the answer. */
  text?: string;
};

/** Everything an approval's emails share, loaded once per delivery batch. */
async function loadContext(db: Db, ws: string, approvalId: string) {
  const workspace = await getWorkspace(db, ws);
  const { meta, state } = await loadApproval(db, ws, approvalId);
  const ticket = await findTicket(db, ws, meta.ticketId);
  const ticketContacts = new Set([ticket.requester_id, ...(await ticketContactIds(db, ws, meta.ticketId))]);
  const thread = await listMessages(db, ws, meta.ticketId, {
    publicOnly: true,
    limit: 10,
  });
  const refs: PersonRef[] = [
    { type: 'member', id: state.requestedBy },
    ...state.assignments.map((a) => a.person),
    ...thread.map((m) => m.author),
    ...(meta.onBehalfOf ? [meta.onBehalfOf] : []),
    ...(state.appeal
      ? [state.appeal.requestedBy, ...(state.appeal.decision ? [state.appeal.decision.by] : [])]
      : []),
  ];
  // The ticket's reply address (SPEC §8.6): the Reply-To of the approval emails that carry no link.
  const ticketReplyToken = ticket.reply_token;
  return {
    workspace,
    meta,
    state,
    ticket,
    ticketContacts,
    thread,
    ticketReplyToken,
    people: await loadPeople(db, ws, refs),
  };
}

async function commentOf(db: Db, ws: string, id: string) {
  const row = await db
    .selectFrom('approval_comments')
    .select(['author_type', 'author_id', 'body', 'internal'])
    .where('workspace_id', '=', ws)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new Error(`comment ${id} not found`);
  return {
    author: { type: row.author_type, id: row.author_id } as PersonRef,
    body: row.body,
    internal: row.internal,
  };
}

const MAX_OTHER_NAMES = 10;

/** A large group is summed up: ten names, then how many more. */
function otherNames(names: string[], locale: 'en' | 'fr'): string[] {
  if (names.length <= MAX_OTHER_NAMES) return names;
  const more = names.length - MAX_OTHER_NAMES;
  return [
    ...names.slice(0, MAX_OTHER_NAMES),
    locale === 'fr' ? `${more} autres personnes` : `${more} more people`,
  ];
}

/**
 * Renders one outbox row into an email. Links are minted here, at delivery:
 * the token exists only in the email, its hash in approval_links.
 */
export function outboxComposer(options: {
  publicUrl: string;
  mailFrom: string;
  /** The domain of the ticket reply addresses (config.inbound.domain); default: PUBLIC_URL's host. */
  inboundDomain?: string;
}) {
  const inboundDomain = options.inboundDomain ?? (new URL(options.publicUrl).hostname || 'localhost');
  return async (
    db: Db,
    row: OutboxRow,
    messageId: string,
    cache: Map<string, unknown>,
  ): Promise<OutgoingEmail> => {
    const ws = row.workspace_id;
    const kind = row.kind as MailKind;
    const payload = row.payload as Payload;
    const recipient: PersonRef = { type: row.recipient_type, id: row.recipient_id };
    if (ACCOUNT_MAIL_KINDS.has(kind)) return accountEmail(db, row, messageId, options);
    if (TICKET_MAIL_KINDS.has(kind))
      return ticketEmail(db, row, messageId, { ...options, inboundDomain }, cache);
    if (!row.approval_id) throw new Error(`outbox row ${row.id} has no approval`);
    const key = `${ws}:${row.approval_id}`;
    let loaded = cache.get(key) as ReturnType<typeof loadContext> | undefined;
    if (!loaded) {
      loaded = loadContext(db, ws, row.approval_id);
      cache.set(key, loaded);
    }
    const {
      workspace,
      meta,
      state,
      ticket,
      ticketContacts,
      thread,
      ticketReplyToken,
      people: known,
    } = await loaded;
    // A resent appeal link (approval_link_resent) names the appeal's step; its email shows the current one.
    const appealLink =
      kind === 'appeal_requested' || (kind === 'approval_link_resent' && payload.stepIndex === APPEAL_STEP);
    const stepIndex =
      payload.stepIndex === undefined || payload.stepIndex === APPEAL_STEP
        ? state.currentStepIndex
        : payload.stepIndex;
    const people = new Map(known);
    const missing = [recipient, ...(payload.by ? [payload.by] : [])].filter((p) => !people.has(personKey(p)));
    for (const [k, v] of await loadPeople(db, ws, missing)) people.set(k, v);
    const name = (p: PersonRef) => people.get(personKey(p))?.name ?? '';
    const to = people.get(personKey(recipient));
    if (!to) throw new Error(`recipient ${personKey(recipient)} not found`);
    const locale = to.locale ?? workspace.settings.defaultLocale;

    let links: EmailInput['links'] = null;
    let expiresAt: Date | null = null;
    // SPEC §8.6: an approval email's Reply-To is the approver's own reply address when it carries a
    // link, else the ticket's reply address (a reply then lands on the ticket's thread).
    let replyTo = ticketReplyAddress(workspace.slug, ticketReplyToken, inboundDomain);
    if (LINK_KINDS.has(kind)) {
      expiresAt = new Date(Date.now() + workspace.settings.approvalLinkTtlHours * 3600_000);
      if (state.expiresAt && state.expiresAt < expiresAt) expiresAt = state.expiresAt;
      const { token, replyToken } = await mintLink(db, {
        workspaceId: ws,
        approvalId: meta.id,
        stepIndex: appealLink ? APPEAL_STEP : stepIndex,
        person: recipient,
        outboxId: row.id,
        expiresAt,
      });
      const url = `${options.publicUrl}/respond/${token}`;
      links = { approve: `${url}?decision=approve`, deny: `${url}?decision=deny`, respond: url };
      replyTo = approvalReplyAddress(workspace.slug, replyToken, inboundDomain);
    }

    const stepAssignments = state.assignments.filter(
      (a) => a.stepIndex === stepIndex && a.removedAt === null,
    );
    const decisionOf = () => {
      // A completion email carries the decision that finished the request (one email per event).
      const reportsDecision =
        kind === 'decision_recorded' || kind === 'approval_approved' || kind === 'approval_denied';
      if (reportsDecision && payload.by) {
        const a = stepAssignments.find(
          (x) => x.person.type === payload.by!.type && x.person.id === payload.by!.id,
        );
        return {
          byName: name(payload.by),
          value: payload.decision ?? 'approve',
          // An internal decision comment stays with members (SPEC §8.1).
          comment:
            a?.decision?.commentInternal && recipient.type !== 'member'
              ? null
              : (a?.decision?.comment ?? null),
        };
      }
      if (kind === 'appeal_decided' && state.appeal?.decision) {
        const d = state.appeal.decision;
        return { byName: name(d.by), value: d.value, comment: d.comment };
      }
      return undefined;
    };
    const decision = decisionOf();
    const comment =
      kind === 'comment_added' && payload.commentId ? await commentOf(db, ws, payload.commentId) : null;
    if (comment && !people.has(personKey(comment.author))) {
      for (const [k, v] of await loadPeople(db, ws, [comment.author])) people.set(k, v);
    }
    const input: EmailInput = {
      kind: kind as ApprovalMailKind,
      locale,
      workspaceName: workspace.name,
      recipientName: to.name,
      approval: {
        number: meta.number,
        title: meta.title,
        description: meta.description,
        status: state.status,
        requesterName: name({ type: 'member', id: state.requestedBy }),
        onBehalfOfName: meta.onBehalfOf ? name(meta.onBehalfOf) : null,
        stepName: state.steps[stepIndex]?.name ?? null,
        stepIndex,
        stepCount: state.steps.length,
        rule: state.stepStates[stepIndex]?.rule ?? null,
        otherApprovers: otherNames(
          stepAssignments
            .filter((a) => !(a.person.type === recipient.type && a.person.id === recipient.id))
            .map((a) => name(a.person)),
          locale,
        ),
        formData: recipient.type === 'member' ? meta.formData : null,
      },
      ticket: {
        number: ticket.number,
        subject: ticket.subject,
        thread: thread.map((m) => ({ authorName: name(m.author), body: m.body, createdAt: m.createdAt })),
      },
      links,
      // A contact who cannot see the approval on its ticket (no access, or approvals hidden from
      // contacts) answers on the approval's own portal page (SPEC §8.1).
      viewUrl:
        recipient.type === 'member'
          ? `${options.publicUrl}/tickets/${meta.ticketId}?approval=${meta.id}`
          : ticketContacts.has(recipient.id) && workspace.settings.contactsCanViewApprovals
            ? `${options.publicUrl}/portal/tickets/${meta.ticketId}?approval=${meta.id}`
            : `${options.publicUrl}/portal/approvals/${meta.id}`,
      ...(decision ? { decision } : {}),
      ...(state.appeal
        ? { appeal: { reason: state.appeal.reason, byName: name(state.appeal.requestedBy) } }
        : {}),
      ...((kind === 'needs_info' || kind === 'info_provided') && payload.by
        ? { info: { byName: name(payload.by), text: payload.text ?? '' } }
        : {}),
      ...(comment
        ? { comment: { byName: name(comment.author), body: comment.body, internal: comment.internal } }
        : {}),
      ...(kind === 'approval_canceled'
        ? { cancel: { byName: payload.by ? name(payload.by) : null, reason: payload.reason ?? 'requested' } }
        : {}),
      expiresAt,
    };
    const rendered = renderEmail(input);
    return {
      from: options.mailFrom,
      to: { name: displayName(to.name), address: to.email },
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      messageId,
      locale,
      replyTo,
    };
  };
}
