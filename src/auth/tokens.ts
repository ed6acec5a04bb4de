import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes, base64url: 43 characters. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * A session token names its workspace so that its lookup stays inside one
 * tenant (and one shard): `<workspace id>.<43 random characters>`. Only its
 * SHA-256 is stored.
 */
export function newSessionToken(workspaceId: string): { token: string; hash: string } {
  const token = `${workspaceId}.${randomToken()}`;
  return { token, hash: sha256(token) };
}

export function parseSessionToken(token: string): { workspaceId: string; hash: string } | null {
  const dot = token.indexOf('.');
  if (dot !== 36) return null;
  const workspaceId = token.slice(0, dot);
  const secret = token.slice(dot + 1);
  if (!isUuid(workspaceId) || !/^[A-Za-z0-9_-]{43}$/.test(secret)) return null;
  return { workspaceId: workspaceId.toLowerCase(), hash: sha256(token) };
}
