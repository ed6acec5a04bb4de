import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGroup } from './approvals/groups/repo.js';
import { createTemplate } from './approvals/templates/repo.js';
import { createContact, createMember } from './people/repo.js';
import { type Db, inTransaction } from './shared/db/connect.js';
import { createTicket } from './tickets/repo.js';
import { createWorkspace } from './workspaces/repo.js';

export type DemoCredentials = {
  workspaceId: string;
  password: string;
  admin: string;
  agent: string;
  contact: string;
};

/**
 * On an empty database, a demo workspace to click through: approvals on,
 * an admin, an agent, two contacts, a group, a two-step template and a ticket.
 * The generated password is kept in DATA_DIR so later starts can print it again.
 */
export async function ensureDemoWorkspace(db: Db, dataDir: string): Promise<DemoCredentials | null> {
  const file = join(dataDir, 'demo-credentials.json');
  const any = await db.selectFrom('workspaces').select('id').limit(1).executeTakeFirst();
  if (any) {
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DemoCredentials) : null;
  }
  const password = randomBytes(9).toString('base64url');
  const creds = await inTransaction(db, async (tx) => {
    const ws = await createWorkspace(tx, {
      name: 'Demo Helpdesk',
      settings: {
        approvalsEnabled: true,
        contactsCanViewApprovals: true,
        contactApprovalEmails: true,
        appealsEnabled: true,
      },
    });
    const admin = await createMember(tx, ws.id, {
      name: 'Ada Admin',
      email: 'admin@demo.signoff.test',
      role: 'admin',
      password,
    });
    const agent = await createMember(tx, ws.id, {
      name: 'Alex Agent',
      email: 'agent@demo.signoff.test',
      role: 'agent',
      password,
    });
    const contact = await createContact(tx, ws.id, {
      name: 'Camille Customer',
      email: 'customer@demo.signoff.test',
      password,
      locale: 'fr',
      organization: 'Acme',
    });
    const manager = await createContact(tx, ws.id, {
      name: 'Morgan Manager',
      email: 'manager@demo.signoff.test',
      password,
      organization: 'Acme',
    });
    const finance = await createGroup(tx, ws.id, { name: 'Finance', memberIds: [admin.id, agent.id] });
    await createTemplate(tx, ws.id, {
      name: 'Software purchase',
      description: 'Manager sign-off, then finance.',
      allowAppeals: true,
      appealReviewers: [{ type: 'member', id: admin.id }],
      steps: [
        { name: 'Customer manager', approvers: [{ type: 'contact', id: manager.id }], rule: { type: 'any' } },
        { name: 'Finance', approvers: [{ type: 'group', id: finance.id }], rule: { type: 'all' } },
      ],
    });
    await createTicket(tx, { type: 'member', id: agent.id }, ws.id, {
      subject: 'Licence for the design team',
      body: 'We need three more seats of the design suite.',
      requesterId: contact.id,
      contactIds: [manager.id],
      assigneeId: agent.id,
    });
    return {
      workspaceId: ws.id,
      password,
      admin: admin.email,
      agent: agent.email,
      contact: contact.email,
    };
  });
  writeFileSync(file, JSON.stringify(creds, null, 2), { mode: 0o600 });
  return creds;
}
