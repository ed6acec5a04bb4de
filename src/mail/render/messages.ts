/**
 * The English and French strings of the approval emails. Every string is plain
 * text: the HTML renderer escapes it as a whole, so no markup belongs here.
 * Placeholders are `{{name}}`; see `i18n.ts` for how they are filled.
 */

const en = {
  subject: {
    approval_requested: '[Approval #{{number}}] {{title}} — your approval is requested',
    approval_reminder: '[Approval #{{number}}] {{title}} — reminder: your answer is still needed',
    decision_recorded_approve: '[Approval #{{number}}] {{title}} — approved by {{by}}',
    decision_recorded_deny: '[Approval #{{number}}] {{title}} — denied by {{by}}',
    decision_recorded: '[Approval #{{number}}] {{title}} — a decision was recorded',
    approval_approved: '[Approval #{{number}}] {{title}} — approved',
    approval_denied: '[Approval #{{number}}] {{title}} — denied',
    approval_canceled: '[Approval #{{number}}] {{title}} — canceled',
    approval_expired: '[Approval #{{number}}] {{title}} — expired',
    appeal_requested: '[Approval #{{number}}] {{title}} — an appeal needs your review',
    appeal_decided_approve: '[Approval #{{number}}] {{title}} — appeal accepted',
    appeal_decided_deny: '[Approval #{{number}}] {{title}} — appeal rejected',
    step_has_no_approvers: '[Approval #{{number}}] {{title}} — a step has nobody to approve it',
    needs_info: '[Approval #{{number}}] {{title}} — more information is needed',
    info_provided: '[Approval #{{number}}] {{title}} — {{by}} answered your question',
    comment_added: '[Approval #{{number}}] {{title}} — new comment from {{by}}',
    comment_added_internal: '[Approval #{{number}}] {{title}} — internal note from {{by}}',
    approval_link_resent: '[Approval #{{number}}] {{title}} — use this link to record your answer',
  },
  headline: {
    approval_requested: 'Your approval is requested',
    approval_reminder: 'Reminder: your approval is still needed',
    decision_recorded_approve: '{{by}} approved the request',
    decision_recorded_deny: '{{by}} denied the request',
    decision_recorded: 'A decision was recorded',
    approval_approved: 'Request approved',
    approval_denied: 'Request denied',
    approval_canceled: 'Request canceled',
    approval_expired: 'Request expired',
    appeal_requested: 'An appeal needs your review',
    appeal_decided_approve: 'Appeal accepted',
    appeal_decided_deny: 'Appeal rejected',
    step_has_no_approvers: 'A step has nobody to approve it',
    needs_info: 'More information is needed',
    info_provided: 'Your question was answered',
    comment_added: '{{by}} commented on the request',
    comment_added_internal: '{{by}} left an internal note',
    approval_link_resent: 'Your reply was kept as a comment',
  },
  intro: {
    approval_requested: '{{requester}} is asking for your approval on request #{{number}}, “{{title}}”.',
    approval_reminder:
      'Request #{{number}}, “{{title}}”, from {{requester}} is still waiting for your answer.',
    decision_recorded_approve: '{{by}} approved request #{{number}}, “{{title}}”.',
    decision_recorded_deny: '{{by}} denied request #{{number}}, “{{title}}”.',
    decision_recorded: 'A decision was recorded on request #{{number}}, “{{title}}”.',
    approval_approved:
      'Request #{{number}}, “{{title}}”, has been approved. Work on ticket #{{ticket}} can go ahead.',
    approval_denied: 'Request #{{number}}, “{{title}}”, has been denied.',
    approval_canceled_by: '{{by}} canceled request #{{number}}, “{{title}}”.',
    approval_canceled: 'Request #{{number}}, “{{title}}”, was canceled.',
    approval_canceled_no_recipients:
      'Request #{{number}}, “{{title}}”, was canceled because every approver was removed from it.',
    approval_expired:
      'Request #{{number}}, “{{title}}”, expired before it received all the answers it needed.',
    appeal_requested_by:
      '{{by}} appealed the denial of request #{{number}}, “{{title}}”, and you are one of the reviewers of this appeal.',
    appeal_requested:
      'An appeal was filed against the denial of request #{{number}}, “{{title}}”, and you are one of the reviewers of this appeal.',
    appeal_decided_approve_by:
      '{{by}} accepted the appeal on request #{{number}}, “{{title}}”: the request is now approved.',
    appeal_decided_deny_by:
      '{{by}} rejected the appeal on request #{{number}}, “{{title}}”: the request stays denied.',
    appeal_decided_approve:
      'The appeal on request #{{number}}, “{{title}}”, was accepted: the request is now approved.',
    appeal_decided_deny:
      'The appeal on request #{{number}}, “{{title}}”, was rejected: the request stays denied.',
    step_has_no_approvers:
      'Step “{{step}}” of request #{{number}}, “{{title}}”, resolves to nobody, so the request is waiting on it.',
    needs_info: '{{by}} needs more information before deciding on request #{{number}}, “{{title}}”.',
    info_provided: '{{by}} answered your question on request #{{number}}, “{{title}}”.',
    comment_added: '{{by}} commented on request #{{number}}, “{{title}}”.',
    comment_added_internal:
      '{{by}} left an internal note on request #{{number}}, “{{title}}”. Only members can see it.',
    approval_link_resent:
      'You replied by email to request #{{number}}, “{{title}}”, from {{requester}}. Your reply was kept as a comment on the request, but it did not record a decision.',
  },
  after: {
    closed: 'Nobody needs to answer it any more, and the links in earlier emails no longer work.',
    reminder: 'Please take a moment to answer it.',
    link_resent:
      'A reply by email records a decision only when it is sent from your own address and passes your email provider’s sender checks (DMARC), and a denial needs a comment when the request asks for one. To record your decision, use the buttons below.',
    appeal_requested:
      'Please review the reason below and decide whether the request should be approved after all.',
    step_has_no_approvers:
      'Add approvers to this step (edit recipients on ticket #{{ticket}}) and the request goes on; it never passes this step by itself.',
    needs_info:
      'The request waits for your answer: reminders and its deadline are paused until someone answers.',
    info_provided: 'The request is pending again and waits for the approvers’ decision.',
  },
  action: {
    approve: 'Approve',
    deny: 'Deny',
    respond: 'Respond with feedback',
    view: 'View the request',
    heading: 'Your answer',
  },
  notice: {
    no_decision:
      'Opening a link does not record anything by itself. The page that opens shows the request, and your decision counts only once you choose Approve or Deny there.',
    respond: 'Choose Respond with feedback to ask a question or leave a comment without deciding yet.',
    expiry_step_date:
      'These links are personal, so please do not forward this email. They stop working on {{date}} UTC, or earlier if this step ends.',
    expiry_step:
      'These links are personal, so please do not forward this email. They stop working once this step ends.',
    expiry_appeal_date:
      'These links are personal, so please do not forward this email. They stop working on {{date}} UTC, or earlier once the appeal is decided.',
    expiry_appeal:
      'These links are personal, so please do not forward this email. They stop working once the appeal is decided.',
  },
  label: {
    request: 'Request',
    request_value: '#{{number}} — {{title}}',
    requested_by: 'Requested by',
    on_behalf_of: 'On behalf of',
    status: 'Status',
    ticket: 'Ticket',
    ticket_value: '#{{number}} — {{subject}}',
    rule: 'Rule',
    also_asked: 'Also asked',
    comment_by: 'Comment from {{by}}',
    internal_note_by: 'Internal note from {{by}}',
    reason_by: 'Reason for the appeal, from {{by}}',
    reason: 'Reason for the appeal',
    view: 'View the request',
    question_by: 'Question from {{by}}',
    answer_by: 'Answer from {{by}}',
  },
  others_none: 'Nobody else: you are the only person asked on this step.',
  section: {
    details: 'Request details',
    description: 'Description',
    form: 'Form',
    thread: 'Ticket conversation (newest first)',
  },
  step: {
    numbered: 'Step {{index}} of {{count}}',
    numbered_named: 'Step {{index}} of {{count}}: {{name}}',
    named: 'Step: {{name}}',
    this: 'This step',
  },
  rule: {
    any: 'One approval from any of the approvers is enough.',
    all: 'Every approver must approve.',
    min_one: 'At least {{count}} approval is needed.',
    min_other: 'At least {{count}} approvals are needed.',
  },
  thread: {
    shown: 'The {{shown}} most recent of {{total}} public messages.',
    empty: 'There are no public messages on this ticket yet.',
    truncated: '[…] (message shortened)',
    by: '{{author}} — {{date}} UTC',
  },
  status: {
    pending: 'Pending',
    partially_approved: 'Partially approved',
    approved: 'Approved',
    denied: 'Denied',
    appeal_pending: 'Appeal pending',
    needs_info: 'Needs information',
    canceled: 'Canceled',
    expired: 'Expired',
  },
  value: {
    yes: 'Yes',
    no: 'No',
    empty: '—',
  },
  form: {
    more_one: '{{count}} more field is not shown.',
    more_other: '{{count}} more fields are not shown.',
  },
  punct: {
    colon: ': ',
  },
  greeting: {
    named: 'Hello {{name}},',
    anonymous: 'Hello,',
  },
  ticket: {
    subject: '[#{{number}}] {{subject}}',
    subject_reply: 'Re: [#{{number}}] {{subject}}',
    headline_ticket_message: '{{by}} replied to your ticket #{{number}}',
    headline_ticket_acknowledged: 'We received your request',
    headline_ticket_created_notice: 'New ticket #{{number}}',
    headline_customer_replied: '{{by}} replied on ticket #{{number}}',
    intro_ticket_message: '{{by}} replied to your ticket #{{number}}, “{{subject}}”.',
    intro_ticket_acknowledged:
      'Your request “{{subject}}” is ticket #{{number}}. Our team has it and will answer you here.',
    intro_ticket_created_notice: '{{requester}} opened ticket #{{number}}, “{{subject}}”.',
    intro_ticket_created_notice_by: '{{by}} opened ticket #{{number}}, “{{subject}}”, for {{requester}}.',
    intro_customer_replied: '{{by}} replied on ticket #{{number}}, “{{subject}}”.',
    message_by: '{{by}} wrote',
    view: 'View the ticket',
    reply_hint: 'Reply to this email to add to the ticket.',
    history: 'Earlier in this conversation (newest first)',
    footer: 'You receive this email from {{workspace}} because you take part in ticket #{{number}}.',
  },
  footer: {
    reason:
      'You receive this email from {{workspace}} because you take part in approval request #{{number}}.',
  },
};

/** The shape every locale must fill: the same keys as English, each a string. */
export type Messages = {
  [S in keyof typeof en]: (typeof en)[S] extends string ? string : Record<keyof (typeof en)[S], string>;
};

/**
 * French has a third plural category, "many" (1 000 000, …): without these keys
 * i18next would fall back to the English string.
 */
type FrenchPlurals = { rule: { min_many: string }; form: { more_many: string } };

const fr = {
  subject: {
    approval_requested: "[Demande d'approbation n° {{number}}] {{title}} — votre approbation est demandée",
    approval_reminder:
      "[Demande d'approbation n° {{number}}] {{title}} — rappel : votre réponse est attendue",
    decision_recorded_approve: "[Demande d'approbation n° {{number}}] {{title}} — approuvée par {{by}}",
    decision_recorded_deny: "[Demande d'approbation n° {{number}}] {{title}} — refusée par {{by}}",
    decision_recorded: "[Demande d'approbation n° {{number}}] {{title}} — une décision a été enregistrée",
    approval_approved: "[Demande d'approbation n° {{number}}] {{title}} — approuvée",
    approval_denied: "[Demande d'approbation n° {{number}}] {{title}} — refusée",
    approval_canceled: "[Demande d'approbation n° {{number}}] {{title}} — annulée",
    approval_expired: "[Demande d'approbation n° {{number}}] {{title}} — expirée",
    appeal_requested: "[Demande d'approbation n° {{number}}] {{title}} — un recours attend votre examen",
    appeal_decided_approve: "[Demande d'approbation n° {{number}}] {{title}} — recours accepté",
    appeal_decided_deny: "[Demande d'approbation n° {{number}}] {{title}} — recours rejeté",
    step_has_no_approvers:
      "[Demande d'approbation n° {{number}}] {{title}} — une étape n'a aucun approbateur",
    needs_info: "[Demande d'approbation n° {{number}}] {{title}} — des informations sont demandées",
    info_provided: "[Demande d'approbation n° {{number}}] {{title}} — {{by}} a répondu à votre question",
    comment_added: "[Demande d'approbation n° {{number}}] {{title}} — nouveau commentaire de {{by}}",
    comment_added_internal: "[Demande d'approbation n° {{number}}] {{title}} — note interne de {{by}}",
    approval_link_resent:
      "[Demande d'approbation n° {{number}}] {{title}} — utilisez ce lien pour enregistrer votre réponse",
  },
  headline: {
    approval_requested: 'Votre approbation est demandée',
    approval_reminder: 'Rappel : votre approbation est toujours attendue',
    decision_recorded_approve: '{{by}} a approuvé la demande',
    decision_recorded_deny: '{{by}} a refusé la demande',
    decision_recorded: 'Une décision a été enregistrée',
    approval_approved: 'Demande approuvée',
    approval_denied: 'Demande refusée',
    approval_canceled: 'Demande annulée',
    approval_expired: 'Demande expirée',
    appeal_requested: 'Un recours attend votre examen',
    appeal_decided_approve: 'Recours accepté',
    appeal_decided_deny: 'Recours rejeté',
    step_has_no_approvers: "Une étape n'a aucun approbateur",
    needs_info: 'Des informations sont demandées',
    info_provided: 'Votre question a reçu une réponse',
    comment_added: '{{by}} a commenté la demande',
    comment_added_internal: '{{by}} a laissé une note interne',
    approval_link_resent: 'Votre réponse a été conservée comme commentaire',
  },
  intro: {
    approval_requested:
      '{{requester}} sollicite votre approbation pour la demande n° {{number}}, « {{title}} ».',
    approval_reminder:
      'La demande n° {{number}}, « {{title}} », envoyée par {{requester}}, attend toujours votre réponse.',
    decision_recorded_approve: '{{by}} a approuvé la demande n° {{number}}, « {{title}} ».',
    decision_recorded_deny: '{{by}} a refusé la demande n° {{number}}, « {{title}} ».',
    decision_recorded: 'Une décision a été enregistrée pour la demande n° {{number}}, « {{title}} ».',
    approval_approved:
      'La demande n° {{number}}, « {{title}} », a été approuvée. Le travail sur le ticket n° {{ticket}} peut se poursuivre.',
    approval_denied: 'La demande n° {{number}}, « {{title}} », a été refusée.',
    approval_canceled_by: '{{by}} a annulé la demande n° {{number}}, « {{title}} ».',
    approval_canceled: 'La demande n° {{number}}, « {{title}} », a été annulée.',
    approval_canceled_no_recipients:
      'La demande n° {{number}}, « {{title}} », a été annulée, car tous ses approbateurs ont été retirés.',
    approval_expired:
      "La demande n° {{number}}, « {{title}} », a expiré avant d'avoir reçu toutes les réponses nécessaires.",
    appeal_requested_by:
      "{{by}} conteste le refus de la demande n° {{number}}, « {{title}} », et vous faites partie des personnes chargées d'examiner ce recours.",
    appeal_requested:
      "Un recours a été déposé contre le refus de la demande n° {{number}}, « {{title}} », et vous faites partie des personnes chargées de l'examiner.",
    appeal_decided_approve_by:
      '{{by}} a accepté le recours sur la demande n° {{number}}, « {{title}} » : la demande est désormais approuvée.',
    appeal_decided_deny_by:
      '{{by}} a rejeté le recours sur la demande n° {{number}}, « {{title}} » : la demande reste refusée.',
    appeal_decided_approve:
      'Le recours sur la demande n° {{number}}, « {{title}} », a été accepté : la demande est désormais approuvée.',
    appeal_decided_deny:
      'Le recours sur la demande n° {{number}}, « {{title}} », a été rejeté : la demande reste refusée.',
    step_has_no_approvers:
      "L'étape « {{step}} » de la demande n° {{number}}, « {{title}} », ne désigne personne : la demande attend sur cette étape.",
    needs_info:
      '{{by}} a besoin de précisions avant de se prononcer sur la demande n° {{number}}, « {{title}} ».',
    info_provided: '{{by}} a répondu à votre question sur la demande n° {{number}}, « {{title}} ».',
    comment_added: '{{by}} a commenté la demande n° {{number}}, « {{title}} ».',
    comment_added_internal:
      '{{by}} a laissé une note interne sur la demande n° {{number}}, « {{title}} ». Seuls les membres peuvent la voir.',
    approval_link_resent:
      "Vous avez répondu par e-mail à la demande n° {{number}}, « {{title}} », envoyée par {{requester}}. Votre réponse a été conservée comme commentaire sur la demande, mais elle n'a pas enregistré de décision.",
  },
  after: {
    closed:
      "Plus personne n'a besoin d'y répondre, et les liens des e-mails précédents ne fonctionnent plus.",
    reminder: 'Merci de prendre un moment pour y répondre.',
    link_resent:
      "Une réponse par e-mail n'enregistre une décision que si elle est envoyée depuis votre propre adresse et passe les contrôles d'expéditeur de votre messagerie (DMARC), et un refus demande un commentaire lorsque la demande l'exige. Pour enregistrer votre décision, utilisez les boutons ci-dessous.",
    appeal_requested:
      'Prenez connaissance du motif ci-dessous et décidez si la demande doit finalement être approuvée.',
    step_has_no_approvers:
      "Ajoutez des approbateurs à cette étape (modifier les destinataires sur le ticket n° {{ticket}}) pour que la demande se poursuive ; elle ne franchira jamais cette étape d'elle-même.",
    needs_info:
      "La demande attend votre réponse : les rappels et son échéance sont suspendus jusqu'à ce que quelqu'un réponde.",
    info_provided: 'La demande est de nouveau en attente de la décision des approbateurs.',
  },
  action: {
    approve: 'Approuver',
    deny: 'Refuser',
    respond: 'Répondre avec un commentaire',
    view: 'Voir la demande',
    heading: 'Votre réponse',
  },
  notice: {
    no_decision:
      "Ouvrir un lien n'enregistre rien à lui seul. La page qui s'ouvre présente la demande, et votre décision n'est prise en compte que lorsque vous y choisissez Approuver ou Refuser.",
    respond:
      'Choisissez Répondre avec un commentaire pour poser une question ou laisser un commentaire sans décider tout de suite.',
    expiry_step_date:
      'Ces liens vous sont personnels : merci de ne pas transférer cet e-mail. Ils cessent de fonctionner le {{date}} UTC, ou plus tôt si cette étape se termine.',
    expiry_step:
      'Ces liens vous sont personnels : merci de ne pas transférer cet e-mail. Ils cessent de fonctionner dès que cette étape se termine.',
    expiry_appeal_date:
      'Ces liens vous sont personnels : merci de ne pas transférer cet e-mail. Ils cessent de fonctionner le {{date}} UTC, ou plus tôt si le recours est tranché.',
    expiry_appeal:
      'Ces liens vous sont personnels : merci de ne pas transférer cet e-mail. Ils cessent de fonctionner dès que le recours est tranché.',
  },
  label: {
    request: 'Demande',
    request_value: 'n° {{number}} — {{title}}',
    requested_by: 'Demandée par',
    on_behalf_of: 'Pour le compte de',
    status: 'Statut',
    ticket: 'Ticket',
    ticket_value: 'n° {{number}} — {{subject}}',
    rule: 'Règle',
    also_asked: 'Également sollicités',
    comment_by: 'Commentaire laissé par {{by}}',
    internal_note_by: 'Note interne de {{by}}',
    reason_by: 'Motif du recours, indiqué par {{by}}',
    reason: 'Motif du recours',
    view: 'Voir la demande',
    question_by: 'Question de {{by}}',
    answer_by: 'Réponse de {{by}}',
  },
  others_none: "Personne d'autre : vous êtes la seule personne sollicitée pour cette étape.",
  section: {
    details: 'Détails de la demande',
    description: 'Description',
    form: 'Formulaire',
    thread: 'Conversation du ticket (du plus récent au plus ancien)',
  },
  step: {
    numbered: 'Étape {{index}} sur {{count}}',
    numbered_named: 'Étape {{index}} sur {{count}} : {{name}}',
    named: 'Étape : {{name}}',
    this: 'Cette étape',
  },
  rule: {
    any: "Une seule approbation suffit, quel que soit l'approbateur.",
    all: 'Tous les approbateurs doivent approuver.',
    min_one: 'Au moins {{count}} approbation est nécessaire.',
    min_many: 'Au moins {{count}} approbations sont nécessaires.',
    min_other: 'Au moins {{count}} approbations sont nécessaires.',
  },
  thread: {
    shown: 'Les {{shown}} messages publics les plus récents sur {{total}}.',
    empty: "Il n'y a encore aucun message public sur ce ticket.",
    truncated: '[…] (message raccourci)',
    by: '{{author}} — {{date}} UTC',
  },
  status: {
    pending: 'En attente',
    partially_approved: 'Partiellement approuvée',
    approved: 'Approuvée',
    denied: 'Refusée',
    appeal_pending: 'Recours en attente',
    needs_info: 'Informations demandées',
    canceled: 'Annulée',
    expired: 'Expirée',
  },
  value: {
    yes: 'Oui',
    no: 'Non',
    empty: '—',
  },
  form: {
    more_one: "{{count}} autre champ n'est pas affiché.",
    more_many: '{{count}} autres champs ne sont pas affichés.',
    more_other: '{{count}} autres champs ne sont pas affichés.',
  },
  punct: {
    colon: ' : ',
  },
  greeting: {
    named: 'Bonjour {{name}},',
    anonymous: 'Bonjour,',
  },
  ticket: {
    subject: '[#{{number}}] {{subject}}',
    subject_reply: 'Re: [#{{number}}] {{subject}}',
    headline_ticket_message: '{{by}} a répondu à votre ticket n° {{number}}',
    headline_ticket_acknowledged: 'Nous avons bien reçu votre demande',
    headline_ticket_created_notice: 'Nouveau ticket n° {{number}}',
    headline_customer_replied: '{{by}} a répondu sur le ticket n° {{number}}',
    intro_ticket_message: '{{by}} a répondu à votre ticket n° {{number}}, « {{subject}} ».',
    intro_ticket_acknowledged:
      'Votre demande « {{subject}} » est enregistrée sous le ticket n° {{number}}. Notre équipe la prend en charge et vous répondra ici.',
    intro_ticket_created_notice: '{{requester}} a ouvert le ticket n° {{number}}, « {{subject}} ».',
    intro_ticket_created_notice_by:
      '{{by}} a ouvert le ticket n° {{number}}, « {{subject}} », pour {{requester}}.',
    intro_customer_replied: '{{by}} a répondu sur le ticket n° {{number}}, « {{subject}} ».',
    message_by: '{{by}} a écrit',
    view: 'Voir le ticket',
    reply_hint: 'Répondez à cet e-mail pour compléter le ticket.',
    history: 'Plus tôt dans cette conversation (du plus récent au plus ancien)',
    footer: 'Cet e-mail vous est envoyé par {{workspace}}, car vous participez au ticket n° {{number}}.',
  },
  footer: {
    reason:
      "Cet e-mail vous est envoyé par {{workspace}}, car vous participez à la demande d'approbation n° {{number}}.",
  },
} satisfies Messages & FrenchPlurals;

export const messages = { en: en satisfies Messages, fr };

/** A key as passed to `t`: dotted, with the plural suffixes (`_one`, `_other`, …) removed. */
type Leaf<T> = { [S in keyof T & string]: T[S] extends string ? S : `${S}.${keyof T[S] & string}` }[keyof T &
  string];
type PluralBase<K extends string> = K extends `${infer B}_${'one' | 'other' | 'many'}` ? B : K;
export type MessageKey = PluralBase<Leaf<typeof en>>;
