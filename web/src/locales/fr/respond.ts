import type en from '../en/respond.js';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

const fr: Shape<typeof en> = {
  title: "Demande d'approbation n° {{number}} : {{title}}",
  appealTitle: "Appel de la demande d'approbation n° {{number}} : {{title}}",
  unknownPerson: "Quelqu'un",
  loadFailed: "Cette demande d'approbation n'a pas pu être chargée",
  intro: {
    step: "{{requester}} demande à {{expected}} d'approuver ou de refuser cette demande.",
    appeal:
      "Cette demande a été refusée et le refus fait l'objet d'un appel. {{expected}} est invité(e) à examiner l'appel.",
  },
  details: {
    title: 'La demande',
    status: 'Statut',
    requestedBy: 'Demandée par',
    ticket: 'Ticket',
    ticketValue: 'n° {{number}} {{subject}}',
    workspace: 'Service',
    expectedResponder: 'Réponse attendue de',
    expires: "Lien valable jusqu'au",
    description: 'Description',
    noDescription: 'Aucune description.',
    appealReason: "Motif de l'appel",
    steps: 'Étapes',
  },
  signIn: {
    pageTitle: "Une demande d'approbation de {{workspace}}",
    explainWorkspace:
      '{{workspace}} vous demande de vous connecter avant de voir cette demande. Vous reviendrez sur cette page pour répondre.',
    someoneElseAnonymous: 'Ce lien a été envoyé à une autre personne que celle qui est connectée.',
    title: 'Se connecter pour répondre',
    explain:
      'Seul(e) {{expected}} peut répondre à cette demande. Connectez-vous à {{workspace}} en tant que {{expected}} : vous reviendrez ensuite sur cette page pour répondre.',
    someoneElse: 'Vous êtes connecté(e) en tant que {{current}}, mais ce lien a été envoyé à {{expected}}.',
    someoneElseUnknown: 'Ce lien a été envoyé à {{expected}}, et non à la personne connectée.',
    sessionEnded: 'Vous devez être connecté(e). Connectez-vous en tant que {{expected}} pour répondre.',
    button: 'Se connecter pour répondre',
    comeBack: "Rien n'a encore été enregistré.",
    choseApprove: "Vous avez choisi d'approuver. Une fois connecté(e), confirmez avec le bouton Approuver.",
    choseDeny: 'Vous avez choisi de refuser. Une fois connecté(e), confirmez avec le bouton Refuser.',
  },
  answer: {
    title: 'Votre réponse',
    appealTitle: "Votre réponse à l'appel",
    comment: 'Commentaire (facultatif)',
    commentHint: 'Un retour ou une question pour le demandeur, conservé avec votre réponse.',
    approve: 'Approuver',
    deny: 'Refuser',
    sending: 'Envoi…',
    preselectedApprove:
      "Vous avez choisi d'approuver — confirmez avec le bouton Approuver ci-dessous. Rien n'est enregistré tant que vous ne l'avez pas pressé.",
    preselectedDeny:
      "Vous avez choisi de refuser — confirmez avec le bouton Refuser ci-dessous. Rien n'est enregistré tant que vous ne l'avez pas pressé.",
  },
  result: {
    approved: 'Merci — votre approbation a été enregistrée',
    denied: 'Merci — votre refus a été enregistré',
    summary: 'Statut de la demande n° {{number}} « {{title}} » :',
    closeNow: 'Vous pouvez fermer cette page.',
    toPortal: 'Aller à mes tickets',
    toApp: 'Aller dans Signoff',
  },
  dead: {
    reason: {
      used: 'Ce lien a déjà servi à répondre.',
      removed: "Votre réponse n'est plus demandée pour cette demande.",
      finished: "Cette demande est terminée : elle n'attend plus de réponse.",
      step_moved_on: "Cette demande est passée à l'étape suivante ; votre réponse n'est plus nécessaire.",
      expired: 'Ce lien a expiré. Demandez au demandeur de renvoyer la demande.',
    },
    youApproved: 'Vous avez approuvé le {{date}}.',
    youDenied: 'Vous avez refusé le {{date}}.',
    inactive: "Ce lien n'est plus actif",
    disabled: 'Les approbations sont désactivées dans cet espace de travail',
  },
  history: {
    title: "Réponses et commentaires jusqu'ici",
    decisions: 'Réponses',
    noDecisions: "Personne n'a encore répondu.",
    approved: '{{name}} a approuvé',
    denied: '{{name}} a refusé',
    comments: 'Commentaires',
    noComments: 'Aucun commentaire pour le moment.',
    internal: 'interne',
  },
  thread: {
    title: 'La conversation du ticket',
    empty: 'Aucun message public sur ce ticket.',
  },
  feedback: {
    title: 'Envoyer un avis sans décider',
    body: 'Votre avis ou votre question',
    hint: 'Le demandeur le voit avec la demande. Ce lien reste utilisable pour votre réponse.',
    send: "Envoyer l'avis",
    sent: 'Votre avis a été envoyé. Vous pouvez encore approuver ou refuser ci-dessus.',
    empty: "Écrivez d'abord votre avis.",
  },
  errors: {
    alreadyDecided: 'Vous avez déjà répondu à cette demande.',
    notPending: "Cette demande n'attend plus de réponse.",
    tooMany: 'Trop de tentatives depuis cette adresse. Attendez une minute et réessayez.',
    failed: "Votre réponse n'a pas pu être enregistrée : {{message}}",
  },
};

export default fr;
