import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../shared/db/connect.js';
import { decodeCursor, paginationQuery, toPage } from '../shared/http/pagination.js';
import { pageOf } from '../shared/http/responses.js';
import type { Api, AppDeps } from '../shared/http/types.js';
import type { PersonRef } from '../shared/vocabulary.js';
import { requireAdmin } from './authenticate.js';
import { type AUDIT_KINDS, auditEventAnswer } from './schemas.js';

const auditEventPage = pageOf(auditEventAnswer, 'AuditEventPage');

export type AuditKind = (typeof AUDIT_KINDS)[number];

export type AuditEvent = {
  kind: AuditKind;
  /** Who did it; null when nobody signed in did (a reset link, the system). */
  actor: PersonRef | null;
  /** Whose account it is. */
  subject: PersonRef;
  data?: Record<string, unknown>;
};

/** Written in the transaction of the change it records, so a rolled-back change leaves no line. */
export async function recordAudit(db: Db, workspaceId: string, events: AuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db
    .insertInto('audit_events')
    .values(
      events.map((e) => ({
        workspace_id: workspaceId,
        id: randomUUID(),
        kind: e.kind,
        actor_type: e.actor?.type ?? null,
        actor_id: e.actor?.id ?? null,
        subject_type: e.subject.type,
        subject_id: e.subject.id,
        data: JSON.stringify(e.data ?? {}),
      })),
    )
    .execute();
}

const listQuery = z.strictObject(paginationQuery);
const seqCursor = z.object({ seq: z.string().regex(/^\d{1,19}$/) });

/** The current name of an event's actor or subject, looked up in the event's workspace. */
function nameOf(role: 'actor' | 'subject') {
  const type = sql.ref(`e.${role}_type`);
  const id = sql.ref(`e.${role}_id`);
  return sql<string | null>`CASE ${type}
    WHEN 'member' THEN (SELECT m.name FROM members m WHERE m.workspace_id = e.workspace_id AND m.id = ${id})
    WHEN 'contact' THEN (SELECT c.name FROM contacts c WHERE c.workspace_id = e.workspace_id AND c.id = ${id})
  END`;
}

export function auditRoutes(app: Api, { db }: AppDeps): void {
  // Newest first; admins only, one workspace.
  app.get(
    '/audit-events',
    { schema: { tags: ['auth'], querystring: listQuery, response: { 200: auditEventPage } } },
    async (request) => {
      const admin = requireAdmin(request);
      const after = decodeCursor(request.query.cursor, seqCursor);
      let query = db
        .selectFrom('audit_events as e')
        .select([
          'e.id',
          'e.seq',
          'e.kind',
          'e.actor_type',
          'e.actor_id',
          'e.subject_type',
          'e.subject_id',
          'e.data',
          'e.created_at',
          nameOf('actor').as('actor_name'),
          nameOf('subject').as('subject_name'),
        ])
        .where('e.workspace_id', '=', admin.workspaceId);
      if (after) query = query.where('e.seq', '<', after.seq);
      const rows = await query
        .orderBy('e.seq', 'desc')
        .limit(request.query.limit + 1)
        .execute();
      return toPage(
        rows,
        request.query.limit,
        (r) => ({
          id: r.id,
          // Written only by recordAudit, from AuditKind.
          kind: r.kind as AuditKind,
          actor:
            r.actor_type && r.actor_id ? { type: r.actor_type, id: r.actor_id, name: r.actor_name } : null,
          subject: { type: r.subject_type, id: r.subject_id, name: r.subject_name },
          data: r.data,
          createdAt: r.created_at,
        }),
        (r) => ({ seq: String(r.seq) }),
      );
    },
  );
}
