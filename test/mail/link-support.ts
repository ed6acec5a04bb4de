import { randomBytes } from 'node:crypto';
import { expectStatus, memberRef } from '../support/approvals.js';
import type { Client } from '../support/client.js';
import type { Person, Workspace } from '../support/workspace.js';

/** A template made by the workspace's admin, and an approval started from it on the ticket as `by`. */
export async function approvalFromTemplate(
  api: Client,
  ws: Workspace,
  ticketId: string,
  template: Record<string, unknown>,
  title: string,
  by: Person = ws.admin,
) {
  const name = `${title} ${randomBytes(2).toString('hex')}`;
  const created = expectStatus(
    await api.post('/approval-templates', { name, ...template }, { token: ws.admin.token }),
    201,
  );
  return expectStatus(
    await api.post(`/tickets/${ticketId}/approvals`, { templateId: created.id, title }, { token: by.token }),
    201,
  );
}

/** Two steps: `first` under "any", then `then` under "any". */
export const twoSteps = (first: Person[], then: Person[]) => ({
  steps: [
    { name: 'First', approvers: first.map(memberRef), rule: { type: 'any' } },
    { name: 'Second', approvers: then.map(memberRef), rule: { type: 'any' } },
  ],
});

/** One step asking `approver`, whose denial `reviewer` may review on appeal. */
export const appealable = (approver: Person, reviewer: Person) => ({
  allowAppeals: true,
  appealReviewers: [memberRef(reviewer)],
  steps: [{ name: 'Only', approvers: [memberRef(approver)], rule: { type: 'any' } }],
});
