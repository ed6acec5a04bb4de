import { adminOnly } from '../../auth/authenticate.js';
import type { UseCaseContext } from '../../auth/use-case-context.js';
import { inTransaction } from '../../shared/db/connect.js';
import { notFound } from '../../shared/errors.js';
import { lockedSettings, writeSettings } from '../repo.js';
import { settingsAnswer, settingsPatchSchema, type WorkspaceSettings } from '../settings.js';

export const updateSettingsSchema = { body: settingsPatchSchema, answer: settingsAnswer };

/**
 * Admins change some settings; the others keep their value. The row is locked while the new settings
 * are merged, so two admins changing two different switches at once both keep their change.
 */
export async function updateSettings(
  { db, principal }: UseCaseContext,
  patch: Partial<WorkspaceSettings>,
): Promise<WorkspaceSettings> {
  const admin = adminOnly(principal);
  return inTransaction(db, async (tx) => {
    const current = await lockedSettings(tx, admin.workspaceId);
    if (!current) throw notFound('Workspace');
    const next = { ...current, ...patch };
    await writeSettings(tx, admin.workspaceId, next);
    return next;
  });
}
