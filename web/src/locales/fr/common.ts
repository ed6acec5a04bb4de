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
  account: {
    profile: 'Profil',
    profileTitle: 'Votre profil',
    notificationsTitle: 'Notifications par e-mail',
    notificationsHint:
      'Pour les tickets qui vous sont attribués, ou à personne. Chaque changement est enregistré aussitôt.',
    notifyNewTickets: 'M’écrire quand un nouveau ticket arrive',
    notifyCustomerReplies: 'M’écrire quand un client répond',
    name: 'Nom',
    language: 'Langue',
    languageDefault: "Celle de l'espace de travail",
    save: 'Enregistrer',
    saved: 'Enregistré.',
    changePassword: 'Changer de mot de passe',
    currentPassword: 'Mot de passe actuel',
    newPassword: 'Nouveau mot de passe',
    confirmPassword: 'Nouveau mot de passe, à nouveau',
    passwordHint: 'Au moins 8 caractères. Vos autres sessions sont déconnectées.',
    mismatch: 'Les deux mots de passe ne sont pas identiques.',
    wrongCurrent: "Le mot de passe actuel n'est pas correct.",
    noPasswordYet:
      "Vous n'avez pas encore de mot de passe : déconnectez-vous et utilisez « Mot de passe oublié ? » sur la page de connexion.",
    passwordChanged: 'Votre mot de passe est changé. Vos autres sessions sont déconnectées.',
    failed: "Cela n'a pas fonctionné. Vérifiez le formulaire et réessayez.",
    emailMissing: "Saisissez d'abord votre e-mail.",
    emailInvalid: "Vérifiez l'adresse e-mail.",
    emailTooMany: 'Trop de liens demandés. Réessayez dans quelques minutes.',
    emailFailed: "L'e-mail n'a pas pu être envoyé. Réessayez.",
    signInLinkButton: 'Recevoir un lien de connexion',
    signInLinkSent:
      'Si cette adresse a un compte, un lien de connexion est en route vers {{email}}. Il vaut 15 minutes.',
    resetButton: 'Recevoir un lien de réinitialisation',
    resetSent:
      'Si cette adresse a un compte, un lien de réinitialisation est en route vers {{email}}. Il vaut une heure.',
    linksHint:
      'Pas de mot de passe, ou pas envie de le taper ? Saisissez votre e-mail ci-dessus : nous vous envoyons un lien de connexion.',
    forgotTitle: 'Mot de passe oublié ?',
    forgotExplain:
      "Saisissez l'e-mail avec lequel vous vous connectez. S'il a un compte, nous vous envoyons un lien pour choisir un nouveau mot de passe.",
    backToSignIn: 'Retour à la connexion',
    setTitle: 'Choisissez un nouveau mot de passe',
    inviteTitle: 'Bienvenue : choisissez votre mot de passe',
    setExplain: "Ce lien ne sert qu'une fois. Choisir un mot de passe vous déconnecte partout ailleurs.",
    setSubmit: 'Enregistrer mon mot de passe',
    setDone: 'Votre mot de passe est enregistré. Vous pouvez vous connecter avec.',
    goSignIn: 'Se connecter',
    linkInactive: "Ce lien n'est plus actif",
    askAgain: 'Demander un nouveau lien',
    memberSignInTitle: 'Connexion à Signoff',
  },
  signIn: {
    title: 'Connexion',
    portalTitle: 'Connexion au portail client',
    portalOf: 'Connexion au portail {{name}}',
    noSuchPortal: "Il n'y a pas de portail à cette adresse",
    chooseWorkspace: 'Choisissez un espace de travail',
    chooseWorkspaceHint:
      'Cet e-mail et ce mot de passe ouvrent plusieurs espaces de travail. Lequel voulez-vous ?',
    continue: 'Continuer',
    forgot: 'Mot de passe oublié ?',
    noAccount: 'Nouveau sur Signoff ?',
    signUp: 'Créer un espace de travail',
    email: 'E-mail',
    password: 'Mot de passe',
    submit: 'Se connecter',
    failed: "L'e-mail ou le mot de passe est incorrect.",
    tooMany: 'Trop de tentatives. Réessayez dans quelques minutes.',
  },
  signUp: {
    title: 'Créez votre espace de travail',
    explain:
      'Un espace pour votre équipe. Vous en êtes le premier administrateur ; invitez ensuite vos agents.',
    workspaceName: "Nom de l'espace de travail",
    name: 'Votre nom',
    passwordHint: 'Au moins 8 caractères.',
    submit: "Créer l'espace de travail",
    haveAccount: 'Vous avez déjà un compte ?',
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
  message: {
    viaEmail: 'par e-mail',
    attachments_one: 'Pièce jointe',
    attachments_other: '{{count}} pièces jointes',
  },
  olderMessages: {
    show: 'Afficher les messages précédents',
    loading: 'Chargement des messages précédents…',
    loaded: '{{count}} messages précédents affichés',
  },
};

export default fr;
