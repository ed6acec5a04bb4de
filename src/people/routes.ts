import { z } from 'zod';
import type { PersonRef } from '../approvals/core/types.js';
import { revokeLinksOfDeactivatedMember } from '../approvals/links/service.js';
import { enqueueAccountEmail } from '../auth/accounts.js';
import { recordAudit } from '../auth/audit.js';
import { requireAdmin, requireMember, requirePrincipal } from '../auth/authenticate.js';
import { type Db, inTransaction } from '../shared/db/connect.js';
import { conflict, forbidden, notFound } from '../shared/errors.js';
import { decodeCursor, idCursor, paginationQuery, toPage } from '../shared/http/pagination.js';
import { acceptedAnswer } from '../shared/http/responses.js';
import { email, idParams, locale, password, personName } from '../shared/http/schemas.js';
import type { Api, AppDeps } from '../shared/http/types.js';
import * as repo from './repo.js';
import { contactAnswer, contactPage, memberAnswer, memberPage } from './schemas.js';

const memberBody = z.strictObject({
  name: personName,
  email,
  role: z.enum(['admin', 'agent']),
  /** An initial password chosen by the admin (SPEC §5); without one the member is invited by email. */
  password: password.optional(),
  locale: locale.optional(),
  /** `false`: no invitation email for a member created without a password (an import, say). */
  invite: z.boolean().optional(),
});
/**
 * `password` is listed only to be refused with a clear problem: only the person themselves sets
 * their password (PATCH /me with the current one, or a reset or invitation link).
 */
const refusedPassword = z.unknown().optional().describe('Refused (403 password_self_service)');
const memberPatch = z.strictObject({
  name: personName.optional(),
  role: z.enum(['admin', 'agent']).optional(),
  locale: locale.nullable().optional(),
  active: z.boolean().optional(),
  password: refusedPassword,
});
const contactBody = z.strictObject({
  name: personName,
  email,
  /** An initial password: admins only (an agent could otherwise sign in as the customer). */
  password: password.optional(),
  locale: locale.optional(),
  organization: z.string().trim().max(200).optional(),
});
const contactPatch = z.strictObject({
  name: personName.optional(),
  locale: locale.nullable().optional(),
  organization: z.string().trim().max(200).nullable().optional(),
  password: refusedPassword,
});

const passwordSelfService = () =>
  forbidden(
    'password_self_service',
    'Only the person themselves sets their password: PATCH /me with the current one, or a reset or invitation link',
  );

/** Emails a member a link to set their password (7 days) and audits it, in the caller's transaction. */
async function invite(tx: Db, workspaceId: string, member: PersonRef, actor: PersonRef): Promise<void> {
  await enqueueAccountEmail(tx, workspaceId, member, 'invitation', {});
  await recordAudit(tx, workspaceId, [{ kind: 'invitation_sent', actor, subject: member }]);
}
const listQuery = z.strictObject(paginationQuery);

export function peopleRoutes(app: Api, { db, now }: AppDeps): void {
  app.post(
    '/members',
    { schema: { tags: ['people'], body: memberBody, response: { 201: memberAnswer } } },
    async (request, reply) => {
      const admin = requireAdmin(request);
      const { invite: sendInvitation, ...input } = request.body;
      const member = await inTransaction(db, async (tx) => {
        const created = await repo.createMember(tx, admin.workspaceId, input);
        // SPEC §8.1: a member without a password could never sign in to answer their approvals.
        if (!input.password && sendInvitation !== false) {
          await invite(tx, admin.workspaceId, { type: 'member', id: created.id }, admin);
        }
        return created;
      });
      return reply.code(201).send(member);
    },
  );

  app.post(
    '/members/:id/invite',
    { schema: { tags: ['people'], params: idParams, response: { 202: acceptedAnswer } } },
    async (request, reply) => {
      const admin = requireAdmin(request);
      await inTransaction(db, async (tx) => {
        const member = await repo.getMember(tx, admin.workspaceId, request.params.id);
        if (!member.active)
          throw conflict('member_inactive', 'This member is deactivated: reactivate them first');
        await invite(tx, admin.workspaceId, { type: 'member', id: member.id }, admin);
      });
      return reply.code(202).send({ sent: true });
    },
  );

  app.get(
    '/members',
    { schema: { tags: ['people'], querystring: listQuery, response: { 200: memberPage } } },
    async (request) => {
      const me = requireMember(request);
      const after = decodeCursor(request.query.cursor, idCursor);
      const rows = await repo.listMembers(db, me.workspaceId, after?.id ?? null, request.query.limit);
      return toPage(
        rows,
        request.query.limit,
        (r) => r,
        (r) => ({ id: r.id }),
      );
    },
  );

  app.get(
    '/members/:id',
    { schema: { tags: ['people'], params: idParams, response: { 200: memberAnswer } } },
    async (request) => {
      // Like the list: contacts are refused as such (403 members_only), whichever id they ask for.
      const me = requireMember(request);
      return repo.getMember(db, me.workspaceId, request.params.id);
    },
  );

  app.patch(
    '/members/:id',
    { schema: { tags: ['people'], params: idParams, body: memberPatch, response: { 200: memberAnswer } } },
    async (request) => {
      const admin = requireAdmin(request);
      const { password: refused, ...patch } = request.body;
      if (refused !== undefined) throw passwordSelfService();
      return inTransaction(db, async (tx) => {
        const member = await repo.updateMember(tx, admin.workspaceId, request.params.id, patch, admin, now());
        // Issue 10 finding 3: a deactivated member's emailed links die with the deactivation.
        if (patch.active === false) await revokeLinksOfDeactivatedMember(tx, admin.workspaceId, member.id);
        return member;
      });
    },
  );

  app.post(
    '/contacts',
    { schema: { tags: ['people'], body: contactBody, response: { 201: contactAnswer } } },
    async (request, reply) => {
      const me = requireMember(request);
      if (request.body.password !== undefined && me.role !== 'admin') {
        throw forbidden(
          'admins_only',
          'Only admins may give a new contact a password; contacts can ask for a link',
        );
      }
      return reply.code(201).send(await repo.createContact(db, me.workspaceId, request.body));
    },
  );

  app.get(
    '/contacts',
    { schema: { tags: ['people'], querystring: listQuery, response: { 200: contactPage } } },
    async (request) => {
      const me = requireMember(request);
      const after = decodeCursor(request.query.cursor, idCursor);
      const rows = await repo.listContacts(db, me.workspaceId, after?.id ?? null, request.query.limit);
      return toPage(
        rows,
        request.query.limit,
        (r) => r,
        (r) => ({ id: r.id }),
      );
    },
  );

  app.get(
    '/contacts/:id',
    { schema: { tags: ['people'], params: idParams, response: { 200: contactAnswer } } },
    async (request) => {
      const me = requirePrincipal(request);
      // A contact may read only their own record.
      if (me.type === 'contact' && me.id !== request.params.id.toLowerCase()) throw notFound('Contact');
      return repo.getContact(db, me.workspaceId, request.params.id);
    },
  );

  app.patch(
    '/contacts/:id',
    { schema: { tags: ['people'], params: idParams, body: contactPatch, response: { 200: contactAnswer } } },
    async (request) => {
      const me = requirePrincipal(request);
      if (me.type === 'contact' && me.id !== request.params.id.toLowerCase()) throw notFound('Contact');
      const { password: refused, ...patch } = request.body;
      if (refused !== undefined) throw passwordSelfService();
      return repo.updateContact(db, me.workspaceId, request.params.id, patch);
    },
  );
}
