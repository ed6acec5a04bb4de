import { z } from 'zod';
import { requireAdmin, requireMember } from '../../auth/authenticate.js';
import { decodeCursor, idCursor, paginationQuery, toPage } from '../../shared/http/pagination.js';
import { noContent } from '../../shared/http/responses.js';
import { id, idParams, name } from '../../shared/http/schemas.js';
import type { Api, AppDeps } from '../../shared/http/types.js';
import { requireApprovalsEnabled } from '../../workspaces/repo.js';
import * as repo from './repo.js';
import { group, groupPage } from './schemas.js';

/**
 * A group may hold up to 2,000 members and 2,000 contacts, the most one step may ask (maxApproversPerStep
 * at its largest); group lists embed every member, so this also bounds what one list answer carries.
 */
const ids = z.array(id).max(2000);
const createBody = z.strictObject({ name, memberIds: ids.optional(), contactIds: ids.optional() });
const patchBody = z.strictObject({
  name: name.optional(),
  memberIds: ids.optional(),
  contactIds: ids.optional(),
});

export function groupRoutes(app: Api, { db }: AppDeps): void {
  const tags = ['approval groups'];

  app.post(
    '/approval-groups',
    { schema: { tags, body: createBody, response: { 201: group } } },
    async (request, reply) => {
      const admin = requireAdmin(request);
      await requireApprovalsEnabled(db, admin.workspaceId);
      return reply.code(201).send(await repo.createGroup(db, admin.workspaceId, request.body));
    },
  );

  app.get(
    '/approval-groups',
    { schema: { tags, querystring: z.strictObject(paginationQuery), response: { 200: groupPage } } },
    async (request) => {
      const m = requireMember(request);
      await requireApprovalsEnabled(db, m.workspaceId);
      const after = decodeCursor(request.query.cursor, idCursor);
      const rows = await repo.listGroups(db, m.workspaceId, after?.id ?? null, request.query.limit);
      const page = toPage(
        rows,
        request.query.limit,
        (r) => r,
        (r) => ({ id: r.id }),
      );
      return { items: await repo.toGroupViews(db, m.workspaceId, page.items), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/approval-groups/:id',
    { schema: { tags, params: idParams, response: { 200: group } } },
    async (request) => {
      const m = requireMember(request);
      await requireApprovalsEnabled(db, m.workspaceId);
      return repo.getGroup(db, m.workspaceId, request.params.id);
    },
  );

  app.patch(
    '/approval-groups/:id',
    { schema: { tags, params: idParams, body: patchBody, response: { 200: group } } },
    async (request) => {
      const admin = requireAdmin(request);
      await requireApprovalsEnabled(db, admin.workspaceId);
      return repo.updateGroup(db, admin.workspaceId, request.params.id, request.body);
    },
  );

  app.delete(
    '/approval-groups/:id',
    { schema: { tags, params: idParams, response: { 204: noContent } } },
    async (request, reply) => {
      const admin = requireAdmin(request);
      await requireApprovalsEnabled(db, admin.workspaceId);
      await repo.deleteGroup(db, admin.workspaceId, request.params.id);
      return reply.code(204).send(undefined);
    },
  );
}
