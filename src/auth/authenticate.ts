import type { FastifyRequest } from 'fastify';
import type { Db } from '../shared/db/connect.js';
import { AppError, forbidden, unauthorized } from '../shared/errors.js';
import type { AuthMethod, MemberPrincipal, Principal } from './principal.js';
import { parseSessionToken } from './tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    authMethod: AuthMethod | null;
  }
  interface FastifyContextConfig {
    /** Routes that answer without a session (signup, login, health, links). */
    public?: boolean;
  }
}

export async function principalFromToken(db: Db, token: string, now: Date): Promise<Principal | null> {
  const parsed = parseSessionToken(token);
  if (!parsed) return null;
  const session = await db
    .selectFrom('sessions')
    .select(['principal_type', 'principal_id'])
    .where('workspace_id', '=', parsed.workspaceId)
    .where('token_hash', '=', parsed.hash)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (!session) return null;
  if (session.principal_type === 'member') {
    const m = await db
      .selectFrom('members')
      .select(['id', 'role', 'name', 'email', 'locale', 'active'])
      .where('workspace_id', '=', parsed.workspaceId)
      .where('id', '=', session.principal_id)
      .executeTakeFirst();
    if (!m?.active) return null;
    return {
      type: 'member',
      workspaceId: parsed.workspaceId,
      id: m.id,
      role: m.role,
      name: m.name,
      email: m.email,
      locale: m.locale,
    };
  }
  const c = await db
    .selectFrom('contacts')
    .select(['id', 'name', 'email', 'locale'])
    .where('workspace_id', '=', parsed.workspaceId)
    .where('id', '=', session.principal_id)
    .executeTakeFirst();
  if (!c) return null;
  return {
    type: 'contact',
    workspaceId: parsed.workspaceId,
    id: c.id,
    name: c.name,
    email: c.email,
    locale: c.locale,
  };
}

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized();
  return request.principal;
}

export function requireMember(request: FastifyRequest): MemberPrincipal {
  const p = requirePrincipal(request);
  if (p.type !== 'member') throw forbidden('members_only', 'Only workspace members can do this');
  return p;
}

export function requireAdmin(request: FastifyRequest): MemberPrincipal {
  const m = requireMember(request);
  if (m.role !== 'admin') throw forbidden('admins_only', 'Only admins can do this');
  return m;
}

export const invalidCredentials = () =>
  new AppError(401, 'invalid_credentials', 'The email or password is not correct');
