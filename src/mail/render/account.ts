import escapeHtml from 'escape-html';
import type { AccountMailKind } from '../../shared/outbox/index.js';
import { formatDate, singleLine, truncate } from './format.js';
import type { Locale, RenderedEmail } from './types.js';

type Strings = {
  subject: (ws: string) => string;
  body: (audience: Audience) => string;
  button: string;
  ignore: string;
};

/** Who the link is for: the portal (contacts) or the agent workspace (members). */
type Audience = 'member' | 'contact';

const STRINGS: Record<Locale, { hello: (name: string) => string } & Record<AccountMailKind, Strings>> = {
  en: {
    hello: (name) => `Hello ${name},`,
    sign_in_link: {
      subject: (ws) => `Your sign-in link for ${ws}`,
      body: (a) =>
        `Use this link to sign in to ${a === 'member' ? 'the agent workspace' : 'the customer portal'}. It works once and expires at`,
      button: 'Sign in',
      ignore: 'If you did not ask for it, ignore this email: nothing happens until the link is used.',
    },
    password_reset: {
      subject: (ws) => `Reset your password for ${ws}`,
      body: () => 'Use this link to choose a new password. It works once and expires at',
      button: 'Choose a new password',
      ignore: 'If you did not ask for it, ignore this email: your password stays as it is.',
    },
    invitation: {
      subject: (ws) => `You are invited to ${ws}`,
      body: () =>
        'You have been added to the team. Use this link to choose your password. It works once and expires at',
      button: 'Choose my password',
      ignore: 'If you did not expect this invitation, ignore this email.',
    },
  },
  fr: {
    hello: (name) => `Bonjour ${name},`,
    sign_in_link: {
      subject: (ws) => `Votre lien de connexion à ${ws}`,
      body: (a) =>
        `Utilisez ce lien pour vous connecter ${a === 'member' ? 'à l’espace agents' : 'au portail client'}. Il ne sert qu’une fois et expire le`,
      button: 'Se connecter',
      ignore:
        'Si vous ne l’avez pas demandé, ignorez cet e-mail : rien ne se passe tant que le lien n’est pas utilisé.',
    },
    password_reset: {
      subject: (ws) => `Réinitialisez votre mot de passe pour ${ws}`,
      body: () =>
        'Utilisez ce lien pour choisir un nouveau mot de passe. Il ne sert qu’une fois et expire le',
      button: 'Choisir un nouveau mot de passe',
      ignore: 'Si vous ne l’avez pas demandé, ignorez cet e-mail : votre mot de passe reste inchangé.',
    },
    invitation: {
      subject: (ws) => `Vous êtes invité·e sur ${ws}`,
      body: () =>
        'Vous avez été ajouté·e à l’équipe. Utilisez ce lien pour choisir votre mot de passe. Il ne sert qu’une fois et expire le',
      button: 'Choisir mon mot de passe',
      ignore: 'Si vous n’attendiez pas cette invitation, ignorez cet e-mail.',
    },
  },
};

/** A name as every email shows it: one line, at most 100 characters (names stored before the limit included). */
export function displayName(value: string): string {
  const cut = truncate(singleLine(value), 100);
  return cut.truncated ? `${cut.text}…` : cut.text;
}

/** The emails that let a person into their account: sign-in link, password reset, invitation. Pure. */
export function renderAccountEmail(input: {
  kind: AccountMailKind;
  audience: Audience;
  locale: Locale;
  workspaceName: string;
  recipientName: string;
  url: string;
  expiresAt: Date;
}): RenderedEmail {
  const all = STRINGS[input.locale];
  const s = all[input.kind];
  const when = `${formatDate(input.locale, input.expiresAt, 'medium')} UTC`;
  const subject = s.subject(displayName(input.workspaceName));
  const hello = all.hello(displayName(input.recipientName));
  const body = `${s.body(input.audience)} ${when}.`;
  const text = [hello, '', body, '', input.url, '', s.ignore].join('\n');
  const e = escapeHtml;
  const html = `<!doctype html><html lang="${input.locale}"><body style="font-family:sans-serif;color:#1d2330">
<p>${e(hello)}</p>
<p>${e(body)}</p>
<p><a href="${e(input.url)}" style="display:inline-block;padding:10px 18px;background:#2f5bd3;color:#fff;border-radius:6px;text-decoration:none">${e(s.button)}</a></p>
<p style="color:#5b6475">${e(s.ignore)}</p>
</body></html>`;
  return { subject, text, html };
}
