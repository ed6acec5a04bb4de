import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGroup } from './approvals/groups/repo.js';
import { createTemplate } from './approvals/templates/repo.js';
import { createContact, createMember } from './people/repo.js';
import { type Db, inTransaction } from './shared/db/connect.js';
import { workspaceAddress } from './shared/email/addresses.js';
import { createTicket } from './tickets/repo.js';
import { createWorkspace } from './workspaces/repo.js';

/** What DATA_DIR/demo-credentials.json keeps: who to sign in as, never the password. */
export type DemoAccounts = {
  workspaceId: string;
  /** Its inbound address is `{slug}@{INBOUND_DOMAIN}` (SPEC §8.2); absent from files of older versions. */
  slug?: string;
  admin: string;
  agent: string;
  contact: string;
};

/**
 * The demo as this start found it: just made, with the password shown this once,
 * or made by an earlier start (the password is only in the accounts, hashed).
 */
export type DemoWorkspace = ({ created: true; password: string } | { created: false }) & DemoAccounts;

export const DEMO_CREDENTIALS_FILE = 'demo-credentials.json';

/**
 * On an empty database, a demo workspace to click through: approvals on,
 * an admin, an agent, two contacts, a group, a two-step template and a ticket.
 * The generated password is returned to be printed once; DATA_DIR keeps the
 * accounts only (issue 12: a password in a plain file outlives every reset).
 */
export async function ensureDemoWorkspace(db: Db, dataDir: string): Promise<DemoWorkspace | null> {
  const file = join(dataDir, DEMO_CREDENTIALS_FILE);
  const any = await db.selectFrom('workspaces').select('id').limit(1).executeTakeFirst();
  if (any) {
    if (!existsSync(file)) return null;
    const stored = JSON.parse(readFileSync(file, 'utf8')) as DemoAccounts & { password?: string };
    const accounts = accountsOf(stored);
    if (!accounts.slug) {
      const ws = await db
        .selectFrom('workspaces')
        .select('slug')
        .where('id', '=', accounts.workspaceId)
        .executeTakeFirst();
      if (ws) accounts.slug = ws.slug;
    }
    // A file written by an older version still holds the password, or lacks the slug: rewritten.
    if ('password' in stored || accounts.slug !== stored.slug) writeAccounts(file, accounts);
    return { created: false, ...accounts };
  }
  // Before the transaction: a DATA_DIR that cannot be made fails the start before anything is committed,
  // not after (the demo would exist with its password lost).
  mkdirSync(dataDir, { recursive: true });
  const password = randomBytes(9).toString('base64url');
  const accounts = await inTransaction(db, async (tx) => {
    const ws = await createWorkspace(tx, {
      name: 'Demo Helpdesk',
      // A short inbound address to type in the dev mailbox: demo@{INBOUND_DOMAIN}.
      slug: 'demo',
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
      slug: ws.slug,
      admin: admin.email,
      agent: agent.email,
      contact: contact.email,
    };
  });
  writeAccounts(file, accounts);
  return { created: true, password, ...accounts };
}

function accountsOf(stored: DemoAccounts): DemoAccounts {
  return {
    workspaceId: stored.workspaceId,
    ...(stored.slug ? { slug: stored.slug } : {}),
    admin: stored.admin,
    agent: stored.agent,
    contact: stored.contact,
  };
}

function writeAccounts(file: string, accounts: DemoAccounts): void {
  writeFileSync(file, `${JSON.stringify(accounts, null, 2)}\n`, { mode: 0o600 });
}

/** The lines printed at start: the password on the first start only, and how to set a new one. */
export function demoBanner(demo: DemoWorkspace, publicUrl: string, inboundDomain?: string): string[] {
  const password = demo.created
    ? [
        `  password:    ${demo.password}  (the same for all three; shown this once, not stored)`,
        '  forgot it?   "Email me a password reset link" on the sign-in page; without SMTP_URL the',
        `               email lands in ${publicUrl}/dev/mailbox`,
      ]
    : [
        '  password:    printed on the first start only (it is stored nowhere in plain text).',
        '               To set a new one: "Email me a password reset link" on the sign-in page',
        `               (or POST ${publicUrl}/api/v1/auth/password-resets {"email","workspaceId"});`,
        `               without SMTP_URL the email lands in ${publicUrl}/dev/mailbox`,
      ];
  return [
    '',
    'Signoff demo workspace',
    `  workspaceId: ${demo.workspaceId}`,
    `  admin:       ${demo.admin}`,
    `  agent:       ${demo.agent}`,
    `  contact:     ${demo.contact}`,
    ...password,
    `  sign in:     POST ${publicUrl}/api/v1/auth/login {"workspaceId","email","password"}`,
    `  API docs:    ${publicUrl}/docs`,
    ...(demo.slug && inboundDomain
      ? [
          `  inbound:     ${workspaceAddress(demo.slug, inboundDomain)}  (email it: each new email is a ticket)`,
          `  try it:      without SMTP_URL, ${publicUrl}/dev/mailbox sends mail in too ("New email",`,
          '               or "Reply" to an email Signoff sent: answer an agent, approve by replying)',
        ]
      : []),
    '',
  ];
}
