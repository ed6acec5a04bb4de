import type { InboundMessage } from '../../shared/email/inbound-message.js';
import { AppError } from '../../shared/errors.js';
import type { AppDeps } from '../../shared/http/types.js';
import { enqueue } from '../../shared/outbox/index.js';
import * as core from '../core/index.js';
import { decideWithLink, linkDeadReason, type OpenedLink, openLinkByReplyToken } from '../links/service.js';
import { insertComment } from '../service.js';

/**
 * Reply to approve (SPEC §8.2): an email sent to an approver's reply address `{slug}+a{token}@…`.
 *
 * It runs inside the inbound pipeline's transaction (`deps.db` is that transaction), which also keeps
 * the raw message and skips a second delivery of the same Message-ID, so a reply is acted on once.
 * The reply token lives on the row of the link its email carried: the reply lives and dies with it.
 *
 * - A decision word, a live link, and (when the workspace requires sign-in for email responses) a
 *   DMARC pass for the From domain with From the approver's own address: decided as the link would
 *   decide, channel `email_reply`, and the link is used up.
 * - A decision word that may not decide (not authenticated as the approver, or a denial without the
 *   comment its template requires): the reply is kept as a comment, and the approver — at their own
 *   address, never the From of the reply — is emailed a fresh link (`approval_link_resent`, not a
 *   reminder: rule 8's limit does not count it).
 * - Anything else (no decision word, a dead link, an answer already given, a decision the approval
 *   refuses): a public comment by the approver, emailed like any comment (SPEC §8.1). A dead link
 *   still takes a comment while its approval exists: the approver keeps a voice after their step.
 * - An unknown token, an empty reply, a person deleted or deactivated, approvals turned off: ignored
 *   (the pipeline keeps the raw message).
 */
export type ApprovalReplyOutcome = {
  outcome: 'decided' | 'commented' | 'link_sent' | 'ignored';
  approvalId: string | null;
  ticketId: string | null;
};

/** The longest comment the API takes (POST /approvals/{id}/comments): a longer reply is cut there. */
export const MAX_REPLY_COMMENT = 10_000;

export async function receiveApprovalReply(
  deps: Pick<AppDeps, 'db' | 'config' | 'now'>,
  input: {
    workspaceId: string;
    /** The token of the reply address, as written in it. */
    token: string;
    message: InboundMessage;
    /** The `inbound_messages` row the raw original is kept in. */
    inboundMessageId: string;
  },
): Promise<ApprovalReplyOutcome> {
  const ignored: ApprovalReplyOutcome = { outcome: 'ignored', approvalId: null, ticketId: null };
  const tx = deps.db;
  const opened = await openReply(tx, input.workspaceId, input.token);
  if (!opened?.holder?.active) return ignored;
  const intent = core.readReplyIntent(input.message.reply);
  if (intent.kind === 'empty') return ignored;

  const now = deps.now();
  const { stored } = opened;
  const done = (outcome: ApprovalReplyOutcome['outcome']): ApprovalReplyOutcome => ({
    outcome,
    approvalId: stored.meta.id,
    ticketId: stored.meta.ticketId,
  });
  const asComment = (body: string) => commentAs(tx, opened, body);

  if (intent.kind === 'comment') {
    await asComment(intent.body);
    return done('commented');
  }
  const wholeReply = input.message.reply.normalize('NFC').trim();
  if (linkDeadReason(opened, now) !== null) {
    await asComment(wholeReply);
    return done('commented');
  }
  if (!mayDecide(opened, input.message)) {
    await asComment(wholeReply);
    await sendFreshLink(tx, opened, input.inboundMessageId);
    return done('link_sent');
  }
  const decided = await decideWithLink(
    tx,
    opened,
    { decision: intent.decision, comment: intent.comment },
    'email_reply',
    now,
  );
  if (decided.ok) return done('decided');
  await asComment(wholeReply);
  // A denial without the comment the template asks for (SPEC §8.1 requireCommentOnDeny): the link lets
  // them write one. Any other refusal (the step has moved on in between…) leaves the comment alone.
  if (decided.error.code === 'comment_required') {
    await sendFreshLink(tx, opened, input.inboundMessageId);
    return done('link_sent');
  }
  return done('commented');
}

async function openReply(tx: AppDeps['db'], workspaceId: string, token: string): Promise<OpenedLink | null> {
  try {
    return await openLinkByReplyToken(tx, workspaceId, token);
  } catch (error) {
    // Approvals turned off (rule 1): nobody may answer an approval any more, by any channel.
    if (error instanceof AppError && error.code === 'approvals_disabled') return null;
    throw error;
  }
}

/**
 * SPEC §8.2: with `requireSignInForEmailResponses` on, only a reply that proves to come from the
 * approver decides: DMARC passed for the From domain, and From is the approver's own address (case
 * ignored). Without the setting, holding the reply address is enough, as holding the link is.
 */
function mayDecide(opened: OpenedLink, message: InboundMessage): boolean {
  if (!opened.workspace.settings.requireSignInForEmailResponses) return true;
  const from = message.from.address.trim().toLowerCase();
  const fromDomain = from.slice(from.lastIndexOf('@') + 1);
  return (
    message.auth.dmarc === 'pass' &&
    message.auth.fromDomain.toLowerCase() === fromDomain &&
    from === opened.holder?.email.trim().toLowerCase()
  );
}

/** A public comment by the link's person (SPEC §8.1: emailed to those it concerns), channel `email_reply`. */
async function commentAs(tx: AppDeps['db'], opened: OpenedLink, body: string) {
  await insertComment(
    tx,
    opened.link.workspace_id,
    opened.stored,
    { ...opened.person, name: opened.holder?.name ?? null },
    { body: body.slice(0, MAX_REPLY_COMMENT), internal: false },
    'email_reply',
    opened.workspace.settings,
  );
}

/**
 * A fresh link for the link's own step, to the link's person at their own address (the outbox row
 * names the person, never the reply's From). Its event is the inbound message, so the same reply can
 * never send two.
 */
async function sendFreshLink(tx: AppDeps['db'], opened: OpenedLink, inboundMessageId: string) {
  await enqueue(tx, opened.link.workspace_id, [
    {
      eventId: inboundMessageId,
      kind: 'approval_link_resent',
      approvalId: opened.stored.meta.id,
      recipient: opened.person,
      payload: { stepIndex: opened.link.step_index },
    },
  ]);
}
