import { requireAdmin, requirePrincipal } from '../auth/authenticate.js';
import type { Api, AppDeps } from '../shared/http/types.js';
import { getSettings, updateSettings } from './repo.js';
import { settingsAnswer, settingsPatchSchema } from './settings.js';

export function workspaceRoutes(app: Api, { db }: AppDeps): void {
  app.get(
    '/settings',
    { schema: { tags: ['workspace'], response: { 200: settingsAnswer } } },
    async (request) => {
      const p = requirePrincipal(request);
      return getSettings(db, p.workspaceId);
    },
  );

  app.patch(
    '/settings',
    { schema: { tags: ['workspace'], body: settingsPatchSchema, response: { 200: settingsAnswer } } },
    async (request) => {
      const admin = requireAdmin(request);
      return updateSettings(db, admin.workspaceId, request.body);
    },
  );
}
