import escapeHtml from 'escape-html';
import type { Locale, RenderedEmail } from './types.js';

const STRINGS = {
  en: {
    subject: (ws: string) => `Your sign-in link for ${ws}`,
    hello: (name: string) => `Hello ${name},`,
    body: 'Use this link to sign in to the customer portal. It works once and expires at',
    button: 'Sign in',
    ignore: 'If you did not ask for it, ignore this email: nothing happens until the link is used.',
  },
  fr: {
    subject: (ws: string) => `Votre lien de connexion à ${ws}`,
    hello: (name: string) => `Bonjour ${name},`,
    body: 'Utilisez ce lien pour vous connecter au portail client. Il ne sert qu’une fois et expire le',
    button: 'Se connecter',
    ignore:
      'Si vous ne l’avez pas demandé, ignorez cet e-mail : rien ne se passe tant que le lien n’est pas utilisé.',
  },
} as const;

/** The portal's passwordless sign-in email (not an approval email, so it has its own small template). */
export function renderSignInEmail(input: {
  locale: Locale;
  workspaceName: string;
  recipientName: string;
  url: string;
  expiresAt: Date;
}): RenderedEmail {
  const s = STRINGS[input.locale];
  const when = `${new Intl.DateTimeFormat(input.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(input.expiresAt)} UTC`;
  const subject = s.subject(input.workspaceName).replace(/[\r\n]+/g, ' ');
  const text = [s.hello(input.recipientName), '', `${s.body} ${when}.`, '', input.url, '', s.ignore].join(
    '\n',
  );
  const e = escapeHtml;
  const html = `<!doctype html><html lang="${input.locale}"><body style="font-family:sans-serif;color:#1d2330">
<p>${e(s.hello(input.recipientName))}</p>
<p>${e(`${s.body} ${when}.`)}</p>
<p><a href="${e(input.url)}" style="display:inline-block;padding:10px 18px;background:#2f5bd3;color:#fff;border-radius:6px;text-decoration:none">${e(s.button)}</a></p>
<p style="color:#5b6475">${e(s.ignore)}</p>
</body></html>`;
  return { subject, text, html };
}
