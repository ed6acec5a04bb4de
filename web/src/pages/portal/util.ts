import { ApiError } from '../../api.js';

/** The problem code of a failed API call (`link_inactive`, `not_an_approver`…), or null. */
export function problemCode(error: unknown): string | null {
  return error instanceof ApiError ? error.code : null;
}

export function problemStatus(error: unknown): number | null {
  return error instanceof ApiError ? error.status : null;
}

/** A path on this site (`/portal/…`), never another origin (`//evil.test`, `https://…`). */
export function safeLocalPath(value: string | null | undefined): string | null {
  if (!value) return null;
  return value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : null;
}

/** A text with nothing but spaces counts as empty (SPEC §5). */
export function isBlank(value: string): boolean {
  return value.trim().length === 0;
}
