import { mintPasswordToken } from '../auth/password-resets.js';
import { mintSignInLink } from '../auth/sign-in-links.js';
import { loadPeople, personKey } from '../people/repo.js';
import type { Db } from '../shared/db/connect.js';
import type { AccountMailKind } from '../shared/outbox/index.js';
import type { PersonRef } from '../shared/vocabulary.js';
import { getWorkspace } from '../workspaces/repo.js';
import { displayName, renderAccountEmail } from './render/account.js';
import type { OutgoingEmail } from './transport.js';
import type { OutboxRow } from './worker.js';

export const ACCOUNT_MAIL_KINDS = new Set<string>(['sign_in_link', 'password_reset', 'invitation']);

/** Mints the email's link (its token exists only in the email) and renders it. */
async function mintLinkFor(
  db: Db,
  kind: AccountMailKind,
  workspaceId: string,
  person: PersonRef,
  payload: Record<string, unknown>,
  publicUrl: string,
): Promise<{ url: string; expiresAt: Date }> {
  if (kind === 'sign_in_link') {
    const next = typeof payload.next === 'string' ? payload.next : null;
    const { token, expiresAt } = await mintSignInLink(db, { workspaceId, person, nextPath: next });
    // Members sign in to the agent workspace, contacts to the portal.
    const page = person.type === 'member' ? 'sign-in/link' : 'portal/sign-in';
    return { url: `${publicUrl}/${page}/${token}`, expiresAt };
  }
  const { token, expiresAt } = await mintPasswordToken(db, { workspaceId, person, purpose: kind });
  return {
    url: `${publicUrl}/set-password/${token}${kind === 'invitation' ? '?invitation=1' : ''}`,
    expiresAt,
  };
}

/** Composes a sign-in link, password reset or invitation email from its outbox row. */
export async function accountEmail(
  db: Db,
  row: OutboxRow,
  messageId: string,
  options: { publicUrl: string; mailFrom: string },
): Promise<OutgoingEmail> {
  const ws = row.workspace_id;
  const kind = row.kind as AccountMailKind;
  const person: PersonRef = { type: row.recipient_type, id: row.recipient_id };
  const workspace = await getWorkspace(db, ws);
  const to = (await loadPeople(db, ws, [person])).get(personKey(person));
  if (!to) throw new Error(`recipient ${row.recipient_id} not found`);
  const payload = (row.payload ?? {}) as Record<string, unknown>;
  const { url, expiresAt } = await mintLinkFor(db, kind, ws, person, payload, options.publicUrl);
  const locale = to.locale ?? workspace.settings.defaultLocale;
  const rendered = renderAccountEmail({
    kind,
    audience: person.type,
    locale,
    workspaceName: workspace.name,
    recipientName: to.name,
    url,
    expiresAt,
  });
  return {
    from: options.mailFrom,
    to: { name: displayName(to.name), address: to.email },
    ...rendered,
    messageId,
    locale,
  };
}
