/** The web app's client of the same /api/v1 as everyone: a session cookie, and a CSRF token for changes. */
import type { CsrfToken, Problem } from './api/types.js';

/**
 * The client's own problem when an error answer carries no JSON problem (a proxy's HTML page, a lost
 * connection): not an API type, so it never pretends to be one of the document's codes.
 */
export type UnreadableAnswer = {
  status: number;
  code: 'network_error';
  detail: string;
  errors?: undefined;
};

export class ApiError extends Error {
  constructor(
    readonly problem: Problem | UnreadableAnswer,
    /** From the `Retry-After` header of a 429, in seconds. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(problem.detail);
  }
  get status() {
    return this.problem.status;
  }
  get code() {
    return this.problem.code;
  }
}

let csrfToken: string | null = null;

async function csrf(): Promise<string> {
  if (!csrfToken) {
    const res = await fetch('/api/v1/auth/csrf', { credentials: 'same-origin' });
    csrfToken = ((await res.json()) as CsrfToken).csrfToken;
  }
  return csrfToken;
}

export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

let onSessionLost: (() => void) | null = null;

/**
 * Who hears that a call answered 401 (issue 15: the session expired or was signed out elsewhere). The
 * session forgets the person, and the page's guard sends them to sign in with a `next` back here. The
 * sign-in calls themselves (`/auth/…`) answer 401 for a wrong password: those are the form's business.
 */
export function setSessionLostHandler(handler: (() => void) | null) {
  onSessionLost = handler;
}

export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') headers['x-csrf-token'] = await csrf();
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (res.status === 204) return undefined as T;
  const data: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    // A stale CSRF secret (new cookie): fetch a fresh token once and retry.
    if (res.status === 403 && isProblem(data) && data.code === 'csrf_failed' && csrfToken) {
      csrfToken = null;
      return api<T>(method, path, body);
    }
    if (res.status === 401 && !path.startsWith('/auth/')) onSessionLost?.();
    const retryAfter = Number(res.headers.get('retry-after'));
    throw new ApiError(
      isProblem(data) ? data : { status: res.status, code: 'network_error', detail: res.statusText },
      retryAfter > 0 ? retryAfter : null,
    );
  }
  return data as T;
}

/** An error answer's body is the API's problem when it has the members every problem has. */
function isProblem(data: unknown): data is Problem {
  if (typeof data !== 'object' || data === null) return false;
  const { status, code, detail } = data as Record<string, unknown>;
  return typeof status === 'number' && typeof code === 'string' && typeof detail === 'string';
}

export const get = <T = unknown>(path: string) => api<T>('GET', path);
export const post = <T = unknown>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});
export const patch = <T = unknown>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const put = <T = unknown>(path: string, body: unknown) => api<T>('PUT', path, body);
export const del = <T = unknown>(path: string) => api<T>('DELETE', path);
