import type { ApprovalMailKind as MailKind } from '../../shared/outbox/index.js';
import type { Locale } from '../../shared/vocabulary.js';

export type { Locale };

export type ApprovalRule = { type: 'any' } | { type: 'all' } | { type: 'min'; count: number };

export type ThreadMessage = { authorName: string; body: string; createdAt: Date };

export type EmailInput = {
  kind: MailKind;
  locale: Locale;
  workspaceName: string;
  recipientName: string;
  approval: {
    number: number;
    title: string;
    description: string | null;
    /** An `ApprovalStatus` or `DisplayStatus`; an unknown value is shown as given. */
    status: string;
    requesterName: string;
    onBehalfOfName: string | null;
    stepName: string | null;
    /** Counts from 0, like `currentStepIndex` (shown as "Step 1 of 3" for 0). */
    stepIndex: number;
    stepCount: number;
    rule: ApprovalRule | null;
    /** Names of the other people asked on this step (not the recipient). */
    otherApprovers: string[];
    /** Shown to member recipients only: the caller passes null for contacts. */
    formData: Record<string, unknown> | null;
  };
  ticket: {
    number: number;
    subject: string;
    /** Public messages, newest first; at most 10 are rendered, each body cut at 2,000 characters. */
    thread: ThreadMessage[];
  };
  /** Present for approval_requested, approval_reminder and appeal_requested (review links). */
  links: { approve: string; deny: string; respond: string } | null;
  /** The approval in the app or the portal. */
  viewUrl: string;
  /** decision_recorded, appeal_decided. */
  decision?: { byName: string; value: 'approve' | 'deny'; comment: string | null };
  /** appeal_requested, appeal_decided. */
  appeal?: { reason: string; byName: string };
  /** needs_info (the question) and info_provided (the answer), with who wrote it. */
  info?: { byName: string; text: string };
  /** comment_added: the comment, and whether it is an internal note (members only). */
  comment?: { byName: string; body: string; internal: boolean };
  /** approval_canceled. */
  cancel?: { byName: string | null; reason: 'requested' | 'no_recipients' };
  /** Link expiry mentioned in approval_requested, approval_reminder and appeal_requested. */
  expiresAt?: Date | null;
};

export type RenderedEmail = { subject: string; text: string; html: string };
