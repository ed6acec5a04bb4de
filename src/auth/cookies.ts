import type { FastifyReply } from 'fastify';
import type { Config } from '../shared/config.js';

/** The browser's session: the same token as a bearer, kept where scripts cannot read it. */
export const SESSION_COOKIE = 'signoff_session';
export const CSRF_COOKIE = 'signoff_csrf_secret';

/** Cookies are Secure exactly when the public address is https (SPEC §7). */
export function secureCookies(config: Config): boolean {
  return config.publicUrl.startsWith('https://');
}

export function setSessionCookie(
  reply: FastifyReply,
  config: Config,
  token: string,
  maxAgeSeconds: number,
): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: secureCookies(config),
    maxAge: maxAgeSeconds,
  });
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(SESSION_COOKIE, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: secureCookies(config),
  });
}
