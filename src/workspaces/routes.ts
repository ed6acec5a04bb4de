import { requireAdmin, requirePrincipal } from '../auth/authenticate.js';
import type { Api, AppDeps } from '../shared/http/types.js';
import { getSettings, updateSettings } from './repo.js';
import { settingsPatchSchema } from './settings.js';

export function workspaceRoutes(app: Api, { db }: AppDeps): void {
  app.get('/settings', { schema: { tags: ['workspace'] } }, async (request) => {
    const p = requirePrincipal(request);
    return getSettings(db, p.workspaceId);
  });

  app.patch('/settings', { schema: { tags: ['workspace'], body: settingsPatchSchema } }, async (request) => {
    const admin = requireAdmin(request);
    return updateSettings(db, admin.workspaceId, request.body);
  });
}
