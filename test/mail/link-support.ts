import { randomBytes } from 'node:crypto';
import { expectStatus, memberRef } from '../support/approvals.js';
import type { Client } from '../support/client.js';
import type { Person, Workspace } from '../support/workspace.js';
import { type MailEnv, mailTo, tokenOf } from './harness.js';

/**
 * An ad hoc approval asking `people` (as `refOf` names them), requested by `by`; returns it, its title and
 * each approver's token from the email they really received.
 */
export async function requestWithLinks(
  env: MailEnv,
  ticketId: string,
  people: Person[],
  options: {
    by: Person;
    body?: Record<string, unknown>;
    refOf?: (p: Person) => { type: 'member' | 'contact'; id: string };
  },
) {
  const title = `Links ${randomBytes(3).toString('hex')}`;
  const approvers = people.map(options.refOf ?? memberRef);
  const approval = expectStatus(
    await env.api.post(
      `/tickets/${ticketId}/approvals`,
      { title, description: 'Please check the figures.', approvers, ...options.body },
      { token: options.by.token },
    ),
    201,
  );
  const tokens = new Map<Person, string>();
  for (const p of people) {
    const [m] = await env.sink.waitFor(mailTo(p, title), 10_000);
    tokens.set(p, tokenOf(m!));
  }
  return { approval, title, tokens };
}

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
