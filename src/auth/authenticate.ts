import type { FastifyRequest } from 'fastify';
import type { Db } from '../shared/db/connect.js';
import { forbidden, problem, unauthorized } from '../shared/errors.js';
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

/**
 * The principal of a live session, in one query: the session joined with its
 * member or contact. A revoked or expired session, a deactivated member or a
 * person who no longer exists gives null.
 */
export async function principalFromToken(db: Db, token: string, now: Date): Promise<Principal | null> {
  const parsed = parseSessionToken(token);
  if (!parsed) return null;
  const row = await db
    .selectFrom('sessions as s')
    .leftJoin('members as m', (join) =>
      join
        .on('s.principal_type', '=', 'member')
        .onRef('m.workspace_id', '=', 's.workspace_id')
        .onRef('m.id', '=', 's.principal_id'),
    )
    .leftJoin('contacts as c', (join) =>
      join
        .on('s.principal_type', '=', 'contact')
        .onRef('c.workspace_id', '=', 's.workspace_id')
        .onRef('c.id', '=', 's.principal_id'),
    )
    .select([
      's.principal_type',
      'm.id as member_id',
      'm.role as member_role',
      'm.name as member_name',
      'm.email as member_email',
      'm.locale as member_locale',
      'm.active as member_active',
      'c.id as contact_id',
      'c.name as contact_name',
      'c.email as contact_email',
      'c.locale as contact_locale',
    ])
    .where('s.workspace_id', '=', parsed.workspaceId)
    .where('token_hash', '=', parsed.hash)
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', now)
    .executeTakeFirst();
  if (!row) return null;
  if (row.principal_type === 'member') {
    if (!row.member_id || !row.member_active) return null;
    return {
      type: 'member',
      workspaceId: parsed.workspaceId,
      id: row.member_id,
      role: row.member_role!,
      name: row.member_name!,
      email: row.member_email!,
      locale: row.member_locale ?? null,
    };
  }
  if (!row.contact_id) return null;
  return {
    type: 'contact',
    workspaceId: parsed.workspaceId,
    id: row.contact_id,
    name: row.contact_name!,
    email: row.contact_email!,
    locale: row.contact_locale ?? null,
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

/** The principal as a member, or 403 members_only. */
export function memberOnly(p: Principal): MemberPrincipal {
  if (p.type !== 'member') throw forbidden('members_only', 'Only workspace members can do this');
  return p;
}

/** The principal as an admin, or 403 (members_only for a contact, admins_only for an agent). */
export function adminOnly(p: Principal): MemberPrincipal {
  const m = memberOnly(p);
  if (m.role !== 'admin') throw forbidden('admins_only', 'Only admins can do this');
  return m;
}

export function requireMember(request: FastifyRequest): MemberPrincipal {
  return memberOnly(requirePrincipal(request));
}

export function requireAdmin(request: FastifyRequest): MemberPrincipal {
  return adminOnly(requirePrincipal(request));
}

export const invalidCredentials = () =>
  problem('invalid_credentials', 'The email or password is not correct');
