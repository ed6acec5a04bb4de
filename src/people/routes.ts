import { z } from 'zod';
import { revokeLinksOfDeactivatedMember } from '../approvals/links/service.js';
import { requireAdmin, requireMember, requirePrincipal } from '../auth/authenticate.js';
import { inTransaction } from '../shared/db/connect.js';
import { notFound } from '../shared/errors.js';
import { decodeCursor, idCursor, paginationQuery, toPage } from '../shared/http/pagination.js';
import { email, idParams, locale, name, password } from '../shared/http/schemas.js';
import type { Api, AppDeps } from '../shared/http/types.js';
import * as repo from './repo.js';

const memberBody = z.strictObject({
  name,
  email,
  role: z.enum(['admin', 'agent']),
  password: password.optional(),
  locale: locale.optional(),
});
const memberPatch = z.strictObject({
  name: name.optional(),
  role: z.enum(['admin', 'agent']).optional(),
  locale: locale.nullable().optional(),
  active: z.boolean().optional(),
  password: password.optional(),
});
const contactBody = z.strictObject({
  name,
  email,
  password: password.optional(),
  locale: locale.optional(),
  organization: z.string().trim().max(200).optional(),
});
const contactPatch = z.strictObject({
  name: name.optional(),
  locale: locale.nullable().optional(),
  organization: z.string().trim().max(200).nullable().optional(),
  password: password.optional(),
});
const listQuery = z.strictObject(paginationQuery);

export function peopleRoutes(app: Api, { db }: AppDeps): void {
  app.post('/members', { schema: { tags: ['people'], body: memberBody } }, async (request, reply) => {
    const admin = requireAdmin(request);
    return reply.code(201).send(await repo.createMember(db, admin.workspaceId, request.body));
  });

  app.get('/members', { schema: { tags: ['people'], querystring: listQuery } }, async (request) => {
    const me = requireMember(request);
    const after = decodeCursor(request.query.cursor, idCursor);
    const rows = await repo.listMembers(db, me.workspaceId, after?.id ?? null, request.query.limit);
    return toPage(
      rows,
      request.query.limit,
      (r) => r,
      (r) => ({ id: r.id }),
    );
  });

  app.get('/members/:id', { schema: { tags: ['people'], params: idParams } }, async (request) => {
    // Like the list: contacts are refused as such (403 members_only), whichever id they ask for.
    const me = requireMember(request);
    return repo.getMember(db, me.workspaceId, request.params.id);
  });

  app.patch(
    '/members/:id',
    { schema: { tags: ['people'], params: idParams, body: memberPatch } },
    async (request) => {
      const admin = requireAdmin(request);
      return inTransaction(db, async (tx) => {
        const member = await repo.updateMember(tx, admin.workspaceId, request.params.id, request.body);
        if (request.body.active === false)
          await revokeLinksOfDeactivatedMember(tx, admin.workspaceId, member.id);
        return member;
      });
    },
  );

  app.post('/contacts', { schema: { tags: ['people'], body: contactBody } }, async (request, reply) => {
    const me = requireMember(request);
    return reply.code(201).send(await repo.createContact(db, me.workspaceId, request.body));
  });

  app.get('/contacts', { schema: { tags: ['people'], querystring: listQuery } }, async (request) => {
    const me = requireMember(request);
    const after = decodeCursor(request.query.cursor, idCursor);
    const rows = await repo.listContacts(db, me.workspaceId, after?.id ?? null, request.query.limit);
    return toPage(
      rows,
      request.query.limit,
      (r) => r,
      (r) => ({ id: r.id }),
    );
  });

  app.get('/contacts/:id', { schema: { tags: ['people'], params: idParams } }, async (request) => {
    const me = requirePrincipal(request);
    // A contact may read only their own record.
    if (me.type === 'contact' && me.id !== request.params.id.toLowerCase()) throw notFound('Contact');
    return repo.getContact(db, me.workspaceId, request.params.id);
  });

  app.patch(
    '/contacts/:id',
    { schema: { tags: ['people'], params: idParams, body: contactPatch } },
    async (request) => {
      const me = requirePrincipal(request);
      if (me.type === 'contact' && me.id !== request.params.id.toLowerCase()) throw notFound('Contact');
      return repo.updateContact(db, me.workspaceId, request.params.id, request.body);
    },
  );
}
