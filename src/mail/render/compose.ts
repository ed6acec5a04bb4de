import type { ApprovalMailKind as MailKind } from '../../shared/outbox/index.js';
import type { Block, EmailDoc, Field } from './doc.js';
import { formatDate, formatList, formatValue, normalizeNewlines, singleLine, truncate } from './format.js';
import { type Translate, translator } from './i18n.js';
import type { MessageKey } from './messages.js';
import type { EmailInput } from './types.js';

export const MAX_THREAD_MESSAGES = 10;
export const MAX_THREAD_BODY = 2000;
export const MAX_FORM_FIELDS = 50;
const MAX_FORM_KEY = 200;

const STATUSES = new Set([
  'pending',
  'partially_approved',
  'approved',
  'denied',
  'appeal_pending',
  'needs_info',
  'canceled',
  'expired',
]);

/** The kinds that ask the recipient to decide: they carry the thread, the step and the links. */
const ASKS_FOR_DECISION = new Set<MailKind>([
  'approval_requested',
  'approval_reminder',
  'appeal_requested',
  'approval_link_resent',
]);

/** The kinds that report a decision, and so show its comment when there is one. */
const SHOWS_DECISION = new Set<MailKind>([
  'decision_recorded',
  'approval_approved',
  'approval_denied',
  'appeal_decided',
]);

type Words = { subject: MessageKey; headline: MessageKey; intro: MessageKey; after: MessageKey | null };

/** Which strings a kind uses, and the names they need. */
function words(input: EmailInput): { keys: Words; by: string } {
  const { kind, decision, appeal, cancel } = input;
  switch (kind) {
    case 'approval_link_resent':
      return {
        keys: {
          subject: 'subject.approval_link_resent',
          headline: 'headline.approval_link_resent',
          intro: 'intro.approval_link_resent',
          after: 'after.link_resent',
        },
        by: '',
      };
    case 'approval_requested':
    case 'approval_reminder':
      return {
        keys: {
          subject: `subject.${kind}`,
          headline: `headline.${kind}`,
          intro: `intro.${kind}`,
          after: kind === 'approval_reminder' ? 'after.reminder' : null,
        },
        by: '',
      };
    case 'decision_recorded': {
      if (!decision) {
        return {
          keys: {
            subject: 'subject.decision_recorded',
            headline: 'headline.decision_recorded',
            intro: 'intro.decision_recorded',
            after: null,
          },
          by: '',
        };
      }
      const v = decision.value;
      return {
        keys: {
          subject: `subject.decision_recorded_${v}`,
          headline: `headline.decision_recorded_${v}`,
          intro: `intro.decision_recorded_${v}`,
          after: null,
        },
        by: decision.byName,
      };
    }
    case 'approval_approved':
    case 'approval_denied':
      return {
        keys: {
          subject: `subject.${kind}`,
          headline: `headline.${kind}`,
          intro: `intro.${kind}`,
          after: null,
        },
        by: '',
      };
    case 'approval_canceled': {
      const intro: MessageKey =
        cancel?.reason === 'no_recipients'
          ? 'intro.approval_canceled_no_recipients'
          : cancel?.byName
            ? 'intro.approval_canceled_by'
            : 'intro.approval_canceled';
      return {
        keys: {
          subject: 'subject.approval_canceled',
          headline: 'headline.approval_canceled',
          intro,
          after: 'after.closed',
        },
        by: cancel?.byName ?? '',
      };
    }
    case 'approval_expired':
      return {
        keys: {
          subject: 'subject.approval_expired',
          headline: 'headline.approval_expired',
          intro: 'intro.approval_expired',
          after: 'after.closed',
        },
        by: '',
      };
    case 'appeal_requested':
      return {
        keys: {
          subject: 'subject.appeal_requested',
          headline: 'headline.appeal_requested',
          intro: appeal?.byName ? 'intro.appeal_requested_by' : 'intro.appeal_requested',
          after: 'after.appeal_requested',
        },
        by: appeal?.byName ?? '',
      };
    case 'appeal_decided': {
      const v = decision?.value ?? (input.approval.status === 'approved' ? 'approve' : 'deny');
      return {
        keys: {
          subject: `subject.appeal_decided_${v}`,
          headline: `headline.appeal_decided_${v}`,
          intro: decision?.byName ? `intro.appeal_decided_${v}_by` : `intro.appeal_decided_${v}`,
          after: null,
        },
        by: decision?.byName ?? '',
      };
    }
    case 'step_has_no_approvers':
      return {
        keys: {
          subject: 'subject.step_has_no_approvers',
          headline: 'headline.step_has_no_approvers',
          intro: 'intro.step_has_no_approvers',
          after: 'after.step_has_no_approvers',
        },
        by: '',
      };
    case 'needs_info':
    case 'info_provided':
      return {
        keys: {
          subject: `subject.${kind}`,
          headline: `headline.${kind}`,
          intro: `intro.${kind}`,
          after: `after.${kind}`,
        },
        by: input.info?.byName ?? '',
      };
    case 'comment_added': {
      const variant = input.comment?.internal ? 'comment_added_internal' : 'comment_added';
      return {
        keys: {
          subject: `subject.${variant}`,
          headline: `headline.${variant}`,
          intro: `intro.${variant}`,
          after: null,
        },
        by: input.comment?.byName ?? '',
      };
    }
    default: {
      const unknown: never = kind;
      throw new Error(`renderEmail: unknown mail kind ${String(unknown)}`);
    }
  }
}

function stepHeading(t: Translate, input: EmailInput): string {
  const { stepIndex, stepCount, stepName } = input.approval;
  const name = stepName?.trim() ? singleLine(stepName) : null;
  if (stepCount > 1) {
    const vars = { index: stepIndex + 1, count: stepCount };
    return name ? t('step.numbered_named', { ...vars, name }) : t('step.numbered', vars);
  }
  return name ? t('step.named', { name }) : t('step.this');
}

function ruleText(t: Translate, input: EmailInput): string | null {
  const rule = input.approval.rule;
  if (!rule) return null;
  if (rule.type === 'min') return t('rule.min', { count: rule.count });
  return t(`rule.${rule.type}`);
}

function detailFields(t: Translate, input: EmailInput): Field[] {
  const { approval, ticket } = input;
  const status = STATUSES.has(approval.status)
    ? t(`status.${approval.status}` as MessageKey)
    : approval.status;
  const rows: Field[] = [
    {
      label: t('label.request'),
      value: t('label.request_value', { number: approval.number, title: singleLine(approval.title) }),
    },
    { label: t('label.requested_by'), value: singleLine(approval.requesterName) },
  ];
  if (approval.onBehalfOfName?.trim()) {
    rows.push({ label: t('label.on_behalf_of'), value: singleLine(approval.onBehalfOfName) });
  }
  rows.push(
    { label: t('label.status'), value: status },
    {
      label: t('label.ticket'),
      value: t('label.ticket_value', { number: ticket.number, subject: singleLine(ticket.subject) }),
    },
  );
  return rows;
}

function formBlock(t: Translate, input: EmailInput): Block | null {
  const data = input.approval.formData;
  if (!data) return null;
  const entries = Object.entries(data);
  if (entries.length === 0) return null;
  const shown = entries.slice(0, MAX_FORM_FIELDS);
  const hidden = entries.length - shown.length;
  return {
    type: 'fields',
    heading: t('section.form'),
    rows: shown.map(([key, value]) => ({
      label: truncate(singleLine(key), MAX_FORM_KEY).text,
      value: formatValue(input.locale, t, value),
    })),
    note: hidden > 0 ? t('form.more', { count: hidden }) : null,
  };
}

function threadBlock(t: Translate, input: EmailInput): Block {
  const all = input.ticket.thread;
  // Newest first whatever order the caller used; equal times keep their given order.
  const sorted = all
    .map((message, i) => ({ message, i }))
    .sort((a, b) => b.message.createdAt.getTime() - a.message.createdAt.getTime() || a.i - b.i)
    .slice(0, MAX_THREAD_MESSAGES)
    .map(({ message }) => message);
  const entries = sorted.map((message) => {
    const cut = truncate(normalizeNewlines(message.body), MAX_THREAD_BODY);
    const body = cut.truncated ? `${cut.text}\n${t('thread.truncated')}` : cut.text;
    const date = formatDate(input.locale, message.createdAt, 'medium');
    const author = singleLine(message.authorName);
    return {
      author,
      date: date ? `${date} UTC` : '',
      line: date ? t('thread.by', { author, date }) : author,
      body,
    };
  });
  const note =
    all.length === 0
      ? t('thread.empty')
      : all.length > entries.length
        ? t('thread.shown', { shown: entries.length, total: all.length })
        : null;
  return { type: 'thread', heading: t('section.thread'), note, entries };
}

export function compose(input: EmailInput): EmailDoc {
  const t = translator(input.locale);
  const { approval, ticket, links } = input;
  const { keys, by } = words(input);
  const vars = {
    number: approval.number,
    title: singleLine(approval.title),
    requester: singleLine(approval.requesterName),
    ticket: ticket.number,
    by: singleLine(by),
    step: singleLine(approval.stepName ?? ''),
  };
  const asks = ASKS_FOR_DECISION.has(input.kind);
  const blocks: Block[] = [];

  const intro = t(keys.intro, vars);
  blocks.push({ type: 'paragraph', text: intro });
  if (keys.after) blocks.push({ type: 'paragraph', text: t(keys.after, vars) });

  if (input.appeal && (input.kind === 'appeal_requested' || input.kind === 'appeal_decided')) {
    const label = input.appeal.byName
      ? t('label.reason_by', { by: singleLine(input.appeal.byName) })
      : t('label.reason');
    blocks.push({ type: 'quote', label, body: normalizeNewlines(input.appeal.reason) });
  }
  if (input.info && (input.kind === 'needs_info' || input.kind === 'info_provided')) {
    const label = input.kind === 'needs_info' ? 'label.question_by' : 'label.answer_by';
    blocks.push({
      type: 'quote',
      label: t(label, { by: singleLine(input.info.byName) }),
      body: normalizeNewlines(input.info.text),
    });
  }
  if (input.decision?.comment?.trim() && SHOWS_DECISION.has(input.kind)) {
    blocks.push({
      type: 'quote',
      label: t('label.comment_by', { by: singleLine(input.decision.byName) }),
      body: normalizeNewlines(input.decision.comment),
    });
  }

  if (input.comment && input.kind === 'comment_added') {
    const by = { by: singleLine(input.comment.byName) };
    blocks.push({
      type: 'quote',
      label: input.comment.internal ? t('label.internal_note_by', by) : t('label.comment_by', by),
      body: normalizeNewlines(input.comment.body),
    });
  }

  blocks.push({ type: 'fields', heading: t('section.details'), rows: detailFields(t, input), note: null });

  if (asks && input.kind !== 'appeal_requested') {
    const rows: Field[] = [];
    const rule = ruleText(t, input);
    if (rule) rows.push({ label: t('label.rule'), value: rule });
    const others = approval.otherApprovers.map(singleLine).filter((name) => name !== '');
    rows.push({
      label: t('label.also_asked'),
      value: others.length > 0 ? formatList(input.locale, others) : t('others_none'),
    });
    blocks.push({ type: 'fields', heading: stepHeading(t, input), rows, note: null });
  }

  if (approval.description?.trim()) {
    blocks.push({
      type: 'section',
      heading: t('section.description'),
      body: normalizeNewlines(approval.description),
    });
  }

  const form = formBlock(t, input);
  if (form) blocks.push(form);

  if (asks && links) {
    blocks.push({
      type: 'actions',
      heading: t('action.heading'),
      actions: [
        { label: t('action.approve'), url: links.approve, tone: 'approve' },
        { label: t('action.deny'), url: links.deny, tone: 'deny' },
        { label: t('action.respond'), url: links.respond, tone: 'neutral' },
      ],
    });
    const appeal = input.kind === 'appeal_requested';
    const expiry = input.expiresAt ? formatDate(input.locale, input.expiresAt, 'long') : '';
    const expiryKey: MessageKey = appeal
      ? expiry
        ? 'notice.expiry_appeal_date'
        : 'notice.expiry_appeal'
      : expiry
        ? 'notice.expiry_step_date'
        : 'notice.expiry_step';
    blocks.push({
      type: 'notes',
      lines: [t('notice.no_decision'), t('notice.respond'), t(expiryKey, { date: expiry })],
    });
  } else {
    blocks.push({
      type: 'actions',
      heading: null,
      actions: [{ label: t('action.view'), url: input.viewUrl, tone: 'primary' }],
    });
  }

  if (asks) {
    blocks.push(threadBlock(t, input));
    if (links) blocks.push({ type: 'link', label: t('label.view'), url: input.viewUrl });
  }

  const name = singleLine(input.recipientName);
  return {
    locale: input.locale,
    subject: singleLine(t(keys.subject, vars)),
    preheader: singleLine(intro),
    workspaceName: singleLine(input.workspaceName),
    headline: singleLine(t(keys.headline, vars)),
    greeting: name ? t('greeting.named', { name }) : t('greeting.anonymous'),
    blocks,
    colon: t('punct.colon'),
    footer: t('footer.reason', { workspace: singleLine(input.workspaceName), number: approval.number }),
  };
}
