import type { FastifyRequest } from 'fastify';
import type { Db } from '../shared/db/connect.js';
import type { PersonRef } from '../shared/vocabulary.js';
import { bearerToken } from './authenticate.js';
import { SESSION_COOKIE } from './cookies.js';
import { newSessionToken, parseSessionToken } from './tokens.js';

export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;

export async function createSession(
  db: Db,
  workspaceId: string,
  principal: PersonRef,
  now: Date,
): Promise<string> {
  const { token, hash } = newSessionToken(workspaceId);
  await db
    .insertInto('sessions')
    .values({
      workspace_id: workspaceId,
      token_hash: hash,
      principal_type: principal.type,
      principal_id: principal.id,
      expires_at: new Date(now.getTime() + SESSION_TTL_MS),
    })
    .execute();
  return token;
}

/** The hash of the session the request came with (bearer or cookie), if any. */
export function currentSessionHash(request: FastifyRequest): string | null {
  const token = bearerToken(request) ?? request.cookies[SESSION_COOKIE];
  return token ? (parseSessionToken(token)?.hash ?? null) : null;
}

/**
 * Ends every live session of one person for good (revoked, never revived),
 * except `keepHash` (the session that changed its own password). Answers how
 * many ended.
 */
export async function endSessions(
  db: Db,
  workspaceId: string,
  person: PersonRef,
  now: Date,
  keepHash: string | null = null,
): Promise<number> {
  let query = db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('principal_type', '=', person.type)
    .where('principal_id', '=', person.id)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now);
  if (keepHash) query = query.where('token_hash', '!=', keepHash);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
