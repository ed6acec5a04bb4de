import type { UseCaseContext } from '../../auth/use-case-context.js';
import { workspaceAddress } from '../../shared/email/addresses.js';
import type { AppDeps } from '../../shared/http/types.js';
import { getWorkspace } from '../repo.js';
import { settingsAnswer } from '../settings.js';

export const readSettingsSchema = { answer: settingsAnswer };

/** Everyone signed in reads their workspace's settings (the web app and the portal shape themselves on them). */
export async function readSettings({ db, principal, config }: UseCaseContext & Pick<AppDeps, 'config'>) {
  const workspace = await getWorkspace(db, principal.workspaceId);
  return settingsView(workspace, config.inbound.domain);
}

export function settingsView(workspace: Awaited<ReturnType<typeof getWorkspace>>, domain: string) {
  return {
    ...workspace.settings,
    slug: workspace.slug,
    inboundAddress: workspaceAddress(workspace.slug, domain),
  };
}
