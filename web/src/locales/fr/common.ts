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
    canceled: 'Annulée',
    expired: 'Expirée',
    none: "Pas d'approbation",
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
