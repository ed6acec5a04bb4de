import type { DomainError, DomainErrorCode, Result } from './types.js';

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(
  code: DomainErrorCode,
  message: string,
  extra: Omit<DomainError, 'code' | 'message'> = {},
): Result<never> {
  return { ok: false, error: { code, message, ...extra } };
}
