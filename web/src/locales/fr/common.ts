import type en from '../en/common.js';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

const fr: Shape<typeof en> = {
  appName: 'Signoff',
  nav: {
    main: 'Principale',
    tickets: 'Tickets',
    tasks: 'Vos tâches',
    approvalRequests: "Demandes d'approbation",
    admin: 'Administration',
    portal: 'Portail client',
    signOut: 'Se déconnecter',
    language: 'Langue',
    skipToContent: 'Aller au contenu',
  },
  signIn: {
    title: 'Connexion',
    portalTitle: 'Connexion au portail client',
    workspaceId: "Identifiant de l'espace de travail",
    email: 'E-mail',
    password: 'Mot de passe',
    submit: 'Se connecter',
    failed: "L'e-mail ou le mot de passe est incorrect.",
    tooMany: 'Trop de tentatives. Réessayez dans quelques minutes.',
  },
  status: {
    pending: 'En attente',
    partially_approved: 'Partiellement approuvée',
    approved: 'Approuvée',
    denied: 'Refusée',
    appeal_pending: 'Appel en attente',
    needs_info: 'Informations demandées',
    canceled: 'Annulée',
    expired: 'Expirée',
    none: "Pas d'approbation",
  },
  stepWarnings: {
    resolves_to_nobody_wait:
      "Personne ne peut être sollicité à cette étape : la demande y attendra jusqu'à ce que quelqu'un ajoute des approbateurs.",
    resolves_to_nobody_skip: 'Personne ne peut être sollicité à cette étape : elle sera ignorée.',
    may_resolve_to_nobody_wait:
      "Sur certains tickets, personne ne peut être sollicité à cette étape (par exemple un ticket sans responsable ou un groupe vide) : la demande y attendra alors jusqu'à ce que quelqu'un ajoute des approbateurs.",
    may_resolve_to_nobody_skip:
      'Sur certains tickets, personne ne peut être sollicité à cette étape (par exemple un ticket sans responsable ou un groupe vide) : elle sera alors ignorée.',
    min_above_reachable:
      'Cette étape demande {{count}} approbations mais ne peut atteindre que {{reachable}} personnes.',
    min_may_be_above_reachable:
      "Cette étape demande {{count}} approbations mais n'est sûre d'atteindre que {{atLeast}} personnes.",
  },
  ticketStatus: {
    open: 'Ouvert',
    pending: 'En attente',
    on_hold: 'En pause',
    solved: 'Résolu',
    closed: 'Clos',
  },
  actions: {
    save: 'Enregistrer',
    cancel: 'Annuler',
    close: 'Fermer',
    add: 'Ajouter',
    remove: 'Retirer',
    edit: 'Modifier',
    back: 'Retour',
  },
  needsInfo: {
    ask: {
      open: 'Demander des informations',
      title: 'Demander des informations',
      label: 'Votre question',
      hint: "Votre question est envoyée par e-mail au demandeur. Les rappels et l'échéance sont suspendus jusqu'à la réponse ; vous pouvez toujours décider entre-temps.",
      send: 'Envoyer la question',
    },
    answer: {
      open: 'Répondre',
      title: 'Répondre à la question',
      label: 'Votre réponse',
      hint: 'La personne qui a posé la question reçoit votre réponse par e-mail, et la demande attend de nouveau les approbateurs.',
      send: 'Envoyer la réponse',
    },
    waiting: 'En attente des informations demandées par {{name}} le {{date}}.',
    asked: 'Votre question a été envoyée. La demande attend maintenant des informations.',
    answered: 'Votre réponse a été envoyée. La demande est de nouveau en attente.',
  },
  loading: 'Chargement…',
  error: "Une erreur s'est produite : {{message}}",
  notFound: "Cette page n'existe pas.",
  locales: { en: 'English', fr: 'Français' },
  olderMessages: {
    show: 'Afficher les messages précédents',
    loading: 'Chargement des messages précédents…',
    loaded: '{{count}} messages précédents affichés',
  },
};

export default fr;
