import { requirePrincipal } from '../auth/authenticate.js';
import type { UseCaseContext } from '../auth/use-case-context.js';
import type { Api, AppDeps } from '../shared/http/types.js';
import { createContact, createContactSchema } from './use-cases/create-contact.js';
import { createMember, createMemberSchema } from './use-cases/create-member.js';
import { inviteMember, inviteMemberSchema } from './use-cases/invite-member.js';
import {
  getContact,
  getContactSchema,
  getMember,
  getMemberSchema,
  listContacts,
  listContactsSchema,
  listMembers,
  listMembersSchema,
} from './use-cases/read-people.js';
import { updateContact, updateContactSchema } from './use-cases/update-contact.js';
import { type OnMemberDeactivated, updateMember, updateMemberSchema } from './use-cases/update-member.js';

const tags = ['people'];

/** HTTP only: each route reads its input, runs its use case (src/people/use-cases) and answers. */
/** What other modules do when people change, wired by the app (people imports no feature module). */
export type PeopleHooks = { onMemberDeactivated: OnMemberDeactivated };

export function peopleRoutes(app: Api, { db, now }: AppDeps, hooks: PeopleHooks): void {
  const context = (request: Parameters<typeof requirePrincipal>[0]): UseCaseContext => ({
    db,
    now,
    principal: requirePrincipal(request),
  });

  app.post(
    '/members',
    { schema: { tags, body: createMemberSchema.body, response: { 201: createMemberSchema.answer } } },
    async (request, reply) => reply.code(201).send(await createMember(context(request), request.body)),
  );

  app.post(
    '/members/:id/invite',
    { schema: { tags, params: inviteMemberSchema.params, response: { 202: inviteMemberSchema.answer } } },
    async (request, reply) => {
      await inviteMember(context(request), request.params.id);
      return reply.code(202).send({ sent: true });
    },
  );

  app.get(
    '/members',
    {
      schema: {
        tags,
        querystring: listMembersSchema.querystring,
        response: { 200: listMembersSchema.answer },
      },
    },
    async (request) => listMembers(context(request), request.query),
  );

  app.get(
    '/members/:id',
    { schema: { tags, params: getMemberSchema.params, response: { 200: getMemberSchema.answer } } },
    async (request) => getMember(context(request), request.params.id),
  );

  app.patch(
    '/members/:id',
    {
      schema: {
        tags,
        params: updateMemberSchema.params,
        body: updateMemberSchema.body,
        response: { 200: updateMemberSchema.answer },
      },
    },
    async (request) =>
      updateMember(context(request), request.params.id, request.body, hooks.onMemberDeactivated),
  );

  app.post(
    '/contacts',
    { schema: { tags, body: createContactSchema.body, response: { 201: createContactSchema.answer } } },
    async (request, reply) => reply.code(201).send(await createContact(context(request), request.body)),
  );

  app.get(
    '/contacts',
    {
      schema: {
        tags,
        querystring: listContactsSchema.querystring,
        response: { 200: listContactsSchema.answer },
      },
    },
    async (request) => listContacts(context(request), request.query),
  );

  app.get(
    '/contacts/:id',
    { schema: { tags, params: getContactSchema.params, response: { 200: getContactSchema.answer } } },
    async (request) => getContact(context(request), request.params.id),
  );

  app.patch(
    '/contacts/:id',
    {
      schema: {
        tags,
        params: updateContactSchema.params,
        body: updateContactSchema.body,
        response: { 200: updateContactSchema.answer },
      },
    },
    async (request) => updateContact(context(request), request.params.id, request.body),
  );
}
