import { requirePrincipal } from '../auth/authenticate.js';
import type { Api, AppDeps } from '../shared/http/types.js';
import { readSettings, readSettingsSchema } from './use-cases/read-settings.js';
import { signUp, signUpSchema } from './use-cases/sign-up.js';
import { updateSettings, updateSettingsSchema } from './use-cases/update-settings.js';

const tags = ['workspace'];

/** HTTP only: the rules are in src/workspaces/use-cases. */
export function workspaceRoutes(app: Api, { db, now, rateLimits, config }: AppDeps): void {
  app.post(
    '/signup',
    {
      config: { public: true },
      schema: { tags: ['auth'], body: signUpSchema.body, response: { 201: signUpSchema.answer } },
    },
    async (request, reply) =>
      reply.code(201).send(await signUp({ db, now, rateLimits }, request.ip, request.body)),
  );

  app.get('/settings', { schema: { tags, response: { 200: readSettingsSchema.answer } } }, async (request) =>
    readSettings({ db, now, config, principal: requirePrincipal(request) }),
  );

  app.patch(
    '/settings',
    { schema: { tags, body: updateSettingsSchema.body, response: { 200: updateSettingsSchema.answer } } },
    async (request) =>
      updateSettings({ db, now, config, principal: requirePrincipal(request) }, request.body),
  );
}
