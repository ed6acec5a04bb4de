import { adminOnly } from '../../auth/authenticate.js';
import type { UseCaseContext } from '../../auth/use-case-context.js';
import { inTransaction } from '../../shared/db/connect.js';
import { notFound } from '../../shared/errors.js';
import type { AppDeps } from '../../shared/http/types.js';
import { getWorkspace, lockedSettings, setSlug, writeSettings } from '../repo.js';
import { settingsAnswer, settingsPatchSchema, slugSchema, type WorkspaceSettings } from '../settings.js';
import { settingsView } from './read-settings.js';

export const updateSettingsSchema = {
  body: settingsPatchSchema.extend({ slug: slugSchema.optional() }),
  answer: settingsAnswer,
};

/**
 * Admins change some settings; the others keep their value. The row is locked while the new settings
 * are merged, so two admins changing two different switches at once both keep their change. A new
 * slug moves the workspace's inbound address (`409 slug_taken` when another workspace has it).
 */
export async function updateSettings(
  { db, principal, config }: UseCaseContext & Pick<AppDeps, 'config'>,
  { slug, ...patch }: Partial<WorkspaceSettings> & { slug?: string | undefined },
) {
  const admin = adminOnly(principal);
  return inTransaction(db, async (tx) => {
    const current = await lockedSettings(tx, admin.workspaceId);
    if (!current) throw notFound('Workspace');
    await writeSettings(tx, admin.workspaceId, { ...current, ...patch });
    if (slug !== undefined) await setSlug(tx, admin.workspaceId, slug);
    return settingsView(await getWorkspace(tx, admin.workspaceId), config.inbound.domain);
  });
}
