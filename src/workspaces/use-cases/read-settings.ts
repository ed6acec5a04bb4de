import type { UseCaseContext } from '../../auth/use-case-context.js';
import { getSettings } from '../repo.js';
import { settingsAnswer, type WorkspaceSettings } from '../settings.js';

export const readSettingsSchema = { answer: settingsAnswer };

/** Everyone signed in reads their workspace's settings (the web app and the portal shape themselves on them). */
export async function readSettings({ db, principal }: UseCaseContext): Promise<WorkspaceSettings> {
  return getSettings(db, principal.workspaceId);
}
