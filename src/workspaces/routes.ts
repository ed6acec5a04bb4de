import { z } from 'zod';
import { requirePrincipal } from '../auth/authenticate.js';
import type { Api, AppDeps } from '../shared/http/types.js';
import { findWorkspaceBySlug } from './repo.js';
import { readSettings, readSettingsSchema } from './use-cases/read-settings.js';
import { signUp, signUpSchema } from './use-cases/sign-up.js';
import { updateSettings, updateSettingsSchema } from './use-cases/update-settings.js';

const tags = ['workspace'];

/** A slug as written in an address: 3–40 of `[a-z0-9-]`, any case (no trimming: a path has no spaces). */
const slugParams = z.strictObject({
  slug: z.string().regex(/^[A-Za-z0-9-]{3,40}$/, '3 to 40 of a-z, 0-9 and -'),
});

const publicWorkspaceAnswer = z
  .object({ id: z.string(), name: z.string(), slug: z.string() })
  .meta({ id: 'PublicWorkspace', description: 'What a portal sign-in page shows of its workspace.' });

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

  // The portal's own address, `/portal/{slug}` (SPEC §8.3): who the sign-in page is for. A slug is
  // public already (it is the workspace's inbound email address), so this tells nobody anything new.
  app.get(
    '/workspaces/by-slug/:slug',
    {
      config: { public: true },
      schema: { tags, params: slugParams, response: { 200: publicWorkspaceAnswer } },
    },
    async (request) => findWorkspaceBySlug(db, request.params.slug),
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
