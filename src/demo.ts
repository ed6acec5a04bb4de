import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGroup } from './approvals/groups/repo.js';
import { mintLink } from './approvals/links/repo.js';
import { decideByLink } from './approvals/links/service.js';
import { createTemplate } from './approvals/templates/repo.js';
import { cancelApproval } from './approvals/use-cases/cancel-approval.js';
import { decideApproval } from './approvals/use-cases/decide-approval.js';
import { askForInfo } from './approvals/use-cases/needs-info.js';
import { requestAppeal } from './approvals/use-cases/request-appeal.js';
import { requestApproval } from './approvals/use-cases/request-approval.js';
import type { MemberPrincipal, Principal } from './auth/principal.js';
import { createContact, createMember } from './people/repo.js';
import { type Db, inTransaction } from './shared/db/connect.js';
import { workspaceAddress } from './shared/email/addresses.js';
import type { AppDeps } from './shared/http/types.js';
import { addMessage } from './tickets/use-cases/add-message.js';
import { createTicket } from './tickets/use-cases/create-ticket.js';
import { updateTicket } from './tickets/use-cases/update-ticket.js';
import { createWorkspace } from './workspaces/repo.js';

type ContactPrincipal = Extract<Principal, { type: 'contact' }>;

/** One account of the demo, as printed at start (its password is the shared one, never stored). */
export type DemoLogin = { kind: 'admin' | 'agent' | 'customer'; name: string; email: string };

/** What DATA_DIR/demo-credentials.json keeps: who to sign in as, never the password. */
export type DemoAccounts = {
  workspaceId: string;
  /** Its inbound address is `{slug}@{INBOUND_DOMAIN}` (SPEC §8.2); absent from files of older versions. */
  slug?: string;
  admin: string;
  agent: string;
  contact: string;
  /** Every account of the demo (issue 15); absent from files of older versions. */
  logins?: DemoLogin[];
};

/**
 * The demo as this start found it: just made, with the password shown this once,
 * or made by an earlier start (the password is only in the accounts, hashed).
 */
export type DemoWorkspace = ({ created: true; password: string } | { created: false }) & DemoAccounts;

export const DEMO_CREDENTIALS_FILE = 'demo-credentials.json';

/**
 * On an empty database, a demo workspace that tells a story (issue 15 item 5):
 * an admin, three agents, four customers of two companies, a finance group,
 * three approval templates and a dozen tickets written by their customers,
 * across statuses, priorities and tags, with approvals at each step: pending,
 * partially approved, waiting for information, denied and appealed, approved
 * by an email link, approved, and canceled. Everything goes through the use
 * cases the API calls, in one transaction, so activity, emails and counts are
 * the ones real use would give. The generated password is returned to be
 * printed once; DATA_DIR keeps the accounts only (issue 12).
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
  const accounts = await inTransaction(db, (tx) => tellTheStory(tx, password));
  writeAccounts(file, accounts);
  return { created: true, password, ...accounts };
}

/** The demo's people, tickets and approvals, written in `tx`. */
async function tellTheStory(tx: Db, password: string): Promise<DemoAccounts> {
  // The use cases take the app's dependencies; they read only the database and the clock.
  const deps = { db: tx, now: () => new Date() } as AppDeps;
  const ws = await createWorkspace(tx, {
    name: 'Demo Helpdesk',
    // A short inbound address to type in the dev mailbox: demo@{INBOUND_DOMAIN}; the portal at /portal/demo.
    slug: 'demo',
    settings: {
      approvalsEnabled: true,
      contactsCanViewApprovals: true,
      contactApprovalEmails: true,
      appealsEnabled: true,
    },
  });
  const member = async (name: string, email: string, role: 'admin' | 'agent'): Promise<MemberPrincipal> => {
    const m = await createMember(tx, ws.id, { name, email, role, password });
    return { type: 'member', workspaceId: ws.id, id: m.id, role, name, email, locale: null };
  };
  const contact = async (
    name: string,
    email: string,
    organization: string,
    locale?: 'fr',
  ): Promise<ContactPrincipal> => {
    const c = await createContact(tx, ws.id, {
      name,
      email,
      password,
      organization,
      ...(locale ? { locale } : {}),
    });
    return { type: 'contact', workspaceId: ws.id, id: c.id, name, email, locale: locale ?? null };
  };
  const ada = await member('Ada Admin', 'admin@demo.signoff.test', 'admin');
  const alex = await member('Alex Agent', 'agent@demo.signoff.test', 'agent');
  const sam = await member('Sam Support', 'sam@demo.signoff.test', 'agent');
  const fiona = await member('Fiona Finance', 'fiona@demo.signoff.test', 'agent');
  const camille = await contact('Camille Customer', 'customer@demo.signoff.test', 'Acme', 'fr');
  const morgan = await contact('Morgan Manager', 'manager@demo.signoff.test', 'Acme');
  const priya = await contact('Priya Patel', 'priya@globex.signoff.test', 'Globex');
  const tom = await contact('Tom Tanaka', 'tom@globex.signoff.test', 'Globex');

  const finance = await createGroup(tx, ws.id, { name: 'Finance', memberIds: [ada.id, fiona.id] });
  const financeRef = { type: 'group' as const, id: finance.id };
  const appealToAda = { allowAppeals: true, appealReviewers: [{ type: 'member' as const, id: ada.id }] };
  const softwarePurchase = await createTemplate(tx, ws.id, {
    name: 'Software purchase',
    description: 'Manager sign-off, then every member of Finance.',
    ...appealToAda,
    steps: [
      { name: 'Customer manager', approvers: [{ type: 'contact', id: morgan.id }], rule: { type: 'any' } },
      { name: 'Finance', approvers: [financeRef], rule: { type: 'all' } },
    ],
  });
  const budgetRequest = await createTemplate(tx, ws.id, {
    name: 'Budget request',
    description: 'One member of Finance signs off.',
    ...appealToAda,
    steps: [{ name: 'Finance', approvers: [financeRef], rule: { type: 'any' } }],
  });
  const travelRequest = await createTemplate(tx, ws.id, {
    name: 'Travel request',
    description: 'Finance checks the dates and the budget.',
    ...appealToAda,
    steps: [{ name: 'Finance', approvers: [financeRef], rule: { type: 'any' } }],
  });

  type Story = {
    by: ContactPrincipal;
    subject: string;
    body: string;
    assignee: MemberPrincipal | null;
    priority: 'low' | 'normal' | 'high' | 'urgent';
    tags: string[];
    cc?: ContactPrincipal[];
  };
  /** A ticket as the portal makes it (the customer writes the first message), then triaged by an agent. */
  const ticket = async (story: Story) => {
    const created = await createTicket(deps, story.by, { subject: story.subject, body: story.body });
    if (story.assignee)
      await updateTicket(deps, story.assignee, created.id, { assigneeId: story.assignee.id });
    // Priority, tags and CC as an agent sets them (PATCH /tickets/{id}).
    await tx
      .updateTable('tickets')
      .set({ priority: story.priority, tags: story.tags })
      .where('workspace_id', '=', ws.id)
      .where('id', '=', created.id)
      .execute();
    if (story.cc?.length) {
      await tx
        .insertInto('ticket_contacts')
        .values(story.cc.map((c) => ({ workspace_id: ws.id, ticket_id: created.id, contact_id: c.id })))
        .execute();
    }
    return created.id;
  };
  const say = (who: Principal, ticketId: string, body: string, isPublic = true) =>
    addMessage(deps, who, ticketId, { body, public: isPublic });
  const setStatus = (
    who: MemberPrincipal,
    ticketId: string,
    status: 'pending' | 'on_hold' | 'solved' | 'closed',
  ) => updateTicket(deps, who, ticketId, { status });
  const ask = (by: MemberPrincipal, ticketId: string, input: Parameters<typeof requestApproval>[3]) =>
    requestApproval(deps, by, ticketId, input, 'agent_ui');
  const decide = (who: Principal, approvalId: string, decision: 'approve' | 'deny', comment?: string) =>
    decideApproval(
      deps,
      who,
      approvalId,
      { decision, ...(comment ? { comment } : {}) },
      { channel: who.type === 'member' ? 'agent_ui' : 'portal' },
    );

  // 1. Partially approved: the customer's manager said yes, one of the two Finance approvers too.
  const licence = await ticket({
    by: camille,
    subject: 'Licence for the design team',
    body: 'Bonjour, we need three more seats of the design suite for the new designers starting on Monday.',
    assignee: alex,
    priority: 'high',
    tags: ['purchase', 'software'],
    cc: [morgan],
  });
  await say(alex, licence, 'Thanks Camille, I have asked Morgan and Finance to sign off on the three seats.');
  const licenceApproval = await ask(alex, licence, {
    templateId: softwarePurchase.id,
    title: 'Three seats of the design suite',
  });
  await decide(morgan, licenceApproval.id, 'approve', 'Yes, these seats are in our plan.');
  await decide(ada, licenceApproval.id, 'approve', 'Within the software budget.');

  // 2. Approved through the email link the manager received.
  const laptop = await ticket({
    by: camille,
    subject: 'Replacement laptop: the screen of mine is cracked',
    body: 'My laptop fell this morning and the screen is cracked. Can I get a replacement?',
    assignee: sam,
    priority: 'normal',
    tags: ['hardware'],
    cc: [morgan],
  });
  const laptopApproval = await ask(sam, laptop, {
    title: 'Replacement laptop for Camille',
    approvers: [{ type: 'contact', id: morgan.id }],
  });
  await approveByEmailLink(
    tx,
    deps,
    ws.id,
    laptopApproval.id,
    morgan,
    'Approved, the 14-inch model is fine.',
  );
  await say(sam, laptop, 'Morgan approved it. Which address should we ship the new laptop to?');
  await setStatus(sam, laptop, 'pending');

  // 3. Needs information: Finance asks the customer a question before deciding.
  const travel = await ticket({
    by: priya,
    subject: 'Conference travel to Lyon in March',
    body: 'I would like to attend the support conference in Lyon. Flights and two nights of hotel.',
    assignee: alex,
    priority: 'normal',
    tags: ['travel'],
  });
  const travelApproval = await ask(alex, travel, {
    templateId: travelRequest.id,
    title: 'Support conference in Lyon',
    onBehalfOf: { type: 'contact', id: priya.id },
  });
  await askForInfo(
    deps,
    fiona,
    travelApproval.id,
    'Which dates exactly, and is the hotel the conference one?',
    'agent_ui',
  );

  // 4. Denied, then appealed by the customer: the appeal waits for the admin.
  const storage = await ticket({
    by: tom,
    subject: 'Extra storage for the analytics team',
    body: 'Our analytics cluster is at 92 %. We need another 20 TB before the end of the quarter.',
    assignee: sam,
    priority: 'high',
    tags: ['purchase', 'storage'],
  });
  const storageApproval = await ask(sam, storage, {
    templateId: budgetRequest.id,
    title: '20 TB of storage for analytics',
  });
  await decide(fiona, storageApproval.id, 'deny', "Over this quarter's budget; next quarter, please.");
  await requestAppeal(
    deps,
    tom,
    storageApproval.id,
    'Without it the nightly reports stop in two weeks; we can drop the backup tier to pay for it.',
    'portal',
  );
  await say(tom, storage, 'I have appealed the decision, see my reason on the approval.');

  // 5. Pending: a security review waits for the admin.
  const dashboard = await ticket({
    by: camille,
    subject: 'Access to the production dashboard',
    body: 'I need read access to the production dashboard to follow our incident this week.',
    assignee: alex,
    priority: 'urgent',
    tags: ['access'],
  });
  await ask(alex, dashboard, {
    title: 'Security review: production dashboard access',
    approvers: [{ type: 'member', id: ada.id }],
  });

  // 6. Approved at every step, then solved.
  const crm = await ticket({
    by: camille,
    subject: 'Two more seats of the CRM',
    body: 'Two people join our sales team next month; could you add two CRM seats?',
    assignee: alex,
    priority: 'normal',
    tags: ['purchase', 'software'],
    cc: [morgan],
  });
  const crmApproval = await ask(alex, crm, { templateId: softwarePurchase.id, title: 'Two CRM seats' });
  await decide(morgan, crmApproval.id, 'approve');
  await decide(ada, crmApproval.id, 'approve');
  await decide(fiona, crmApproval.id, 'approve', 'Booked on the sales budget.');
  await say(alex, crm, 'The two seats are added; the invitations went to your sales team.');
  await say(camille, crm, 'Merci, they have received them!');
  await setStatus(alex, crm, 'solved');

  // 7. Canceled: the customer withdrew the request, the ticket is closed.
  const training = await ticket({
    by: tom,
    subject: 'Training course budget',
    body: 'Could the company pay for a two-day PostgreSQL course?',
    assignee: sam,
    priority: 'low',
    tags: ['training'],
  });
  const trainingApproval = await ask(sam, training, {
    templateId: budgetRequest.id,
    title: 'Two-day PostgreSQL course',
  });
  await say(tom, training, 'Never mind, our team lead found a free course. Please cancel.');
  await cancelApproval(deps, sam, trainingApproval.id, 'agent_ui');
  await setStatus(sam, training, 'closed');

  // 8–12. Everyday tickets without an approval.
  await ticket({
    by: priya,
    subject: 'Cannot sign in to the portal',
    body: 'Since this morning the portal says my password is wrong, and the reset email never arrives.',
    assignee: null,
    priority: 'urgent',
    tags: ['access'],
  });
  const invoice = await ticket({
    by: tom,
    subject: 'Invoice 2026-114 shows the wrong VAT number',
    body: 'The VAT number on invoice 2026-114 is our old one. Could you issue a corrected invoice?',
    assignee: fiona,
    priority: 'low',
    tags: ['billing'],
  });
  await say(fiona, invoice, 'The corrected invoice is attached to your account; sorry for the trouble.');
  await say(tom, invoice, 'Got it, thanks Fiona.');
  await setStatus(fiona, invoice, 'solved');
  const vpn = await ticket({
    by: camille,
    subject: 'The VPN drops every hour',
    body: 'The VPN disconnects every hour on the hour, on Wi-Fi and on cable.',
    assignee: sam,
    priority: 'high',
    tags: ['network'],
  });
  await say(sam, vpn, 'Could you send us the client log after the next drop (Help, then Export log)?');
  await say(
    sam,
    vpn,
    'Same symptom as the key rotation bug of version 5.2; check the client version.',
    false,
  );
  await setStatus(sam, vpn, 'pending');
  const csv = await ticket({
    by: priya,
    subject: 'Feature request: export tickets to CSV',
    body: 'Our managers would like a monthly CSV export of our tickets.',
    assignee: alex,
    priority: 'low',
    tags: ['feature-request'],
  });
  await say(alex, csv, 'Noted for the roadmap; we will come back to you when it is planned.');
  await setStatus(alex, csv, 'on_hold');
  const printer = await ticket({
    by: morgan,
    subject: 'The printer on floor 3 jams',
    body: 'The printer near the kitchen jams on every double-sided page.',
    assignee: sam,
    priority: 'normal',
    tags: ['hardware'],
  });
  await say(sam, printer, 'A technician replaced the duplex roller this morning.');
  await say(morgan, printer, 'Works again, thank you.');
  await setStatus(sam, printer, 'solved');
  await setStatus(sam, printer, 'closed');

  const logins: DemoLogin[] = [
    { kind: 'admin', name: ada.name, email: ada.email },
    ...[alex, sam, fiona].map((m) => ({ kind: 'agent' as const, name: m.name, email: m.email })),
    ...[camille, morgan, priya, tom].map((c) => ({
      kind: 'customer' as const,
      name: c.name,
      email: c.email,
    })),
  ];
  return {
    workspaceId: ws.id,
    slug: ws.slug,
    admin: ada.email,
    agent: alex.email,
    contact: camille.email,
    logins,
  };
}

/**
 * The approval email's link, answered: the link is made as the mail assembler
 * makes it for an approval email (one per person and step), and used through
 * the response page's call, so the decision's channel is `email_link`.
 */
async function approveByEmailLink(
  tx: Db,
  deps: AppDeps,
  workspaceId: string,
  approvalId: string,
  approver: ContactPrincipal,
  comment: string,
) {
  const { token } = await mintLink(tx, {
    workspaceId,
    approvalId,
    stepIndex: 0,
    person: { type: approver.type, id: approver.id },
    outboxId: null,
    expiresAt: new Date(deps.now().getTime() + 7 * 24 * 3600_000),
  });
  // The workspace asks email responders to sign in (the default): the manager is, as on the response page.
  await decideByLink(deps, token, approver, { decision: 'approve', comment });
}

function accountsOf(stored: DemoAccounts): DemoAccounts {
  return {
    workspaceId: stored.workspaceId,
    ...(stored.slug ? { slug: stored.slug } : {}),
    admin: stored.admin,
    agent: stored.agent,
    contact: stored.contact,
    ...(stored.logins ? { logins: stored.logins } : {}),
  };
}

function writeAccounts(file: string, accounts: DemoAccounts): void {
  writeFileSync(file, `${JSON.stringify(accounts, null, 2)}\n`, { mode: 0o600 });
}

/** The demo's accounts: every one for files of this version, the first three for older files. */
export function demoLogins(demo: DemoAccounts): DemoLogin[] {
  return (
    demo.logins ?? [
      { kind: 'admin', name: 'Ada Admin', email: demo.admin },
      { kind: 'agent', name: 'Alex Agent', email: demo.agent },
      { kind: 'customer', name: 'Camille Customer', email: demo.contact },
    ]
  );
}

/** Where things are, for the block printed once the server listens. */
export type StartInfo = {
  publicUrl: string;
  /** The dev mailbox exists when no SMTP server is configured. */
  devMailbox: boolean;
  inboundDomain?: string;
};

/**
 * The one block printed at start, once the server listens (issue 15 item 5):
 * the web app, the portal and the dev mailbox addresses, and, with the demo,
 * every login (the password on the first start only).
 */
export function startBlock(info: StartInfo, demo: DemoWorkspace | null): string[] {
  const url = info.publicUrl.replace(/\/+$/, '');
  const portal = demo?.slug ? `${url}/portal/${demo.slug}` : `${url}/portal/{workspace slug}`;
  const lines = [
    '',
    '──────────────────────────────────────────────────────────────────────',
    'Signoff is running',
    `  web app:     ${url}/`,
    `  portal:      ${portal}`,
    info.devMailbox
      ? `  mailbox:     ${url}/dev/mailbox  (every email Signoff sends lands here; no SMTP_URL set)`
      : '  mailbox:     SMTP_URL is set: emails go to the SMTP server (no dev mailbox)',
    `  API docs:    ${url}/docs`,
  ];
  if (demo) {
    const logins = demoLogins(demo);
    const width = Math.max(...logins.map((l) => l.email.length));
    lines.push(
      '',
      `Signoff demo workspace "Demo Helpdesk"  (workspaceId ${demo.workspaceId})`,
      ...logins.map((l) => `  ${`${l.kind}:`.padEnd(10)} ${l.email.padEnd(width)}  ${l.name}`),
      ...(demo.created
        ? [
            `  password:  ${demo.password}  (the same for every login; shown this once, not stored)`,
            '  forgot it? "Email me a password reset link" on the sign-in page',
          ]
        : [
            '  password:  printed on the first start only (it is stored nowhere in plain text).',
            '             To set a new one: "Email me a password reset link" on the sign-in page',
            `             (or POST ${url}/api/v1/auth/password-resets {"email"})`,
          ]),
      '  agents sign in at the web app, customers at the portal.',
      ...(demo.slug && info.inboundDomain
        ? [
            `  inbound:   ${workspaceAddress(demo.slug, info.inboundDomain)}  (email it: each new email is a ticket)`,
            ...(info.devMailbox
              ? [
                  '             the mailbox sends mail in too ("New email", or "Reply" to an email Signoff sent)',
                ]
              : []),
          ]
        : []),
      '  the story: 12 tickets; approvals pending, partially approved, waiting for information,',
      '             denied and appealed, approved by an email link, approved, canceled.',
    );
  }
  lines.push('──────────────────────────────────────────────────────────────────────', '');
  return lines;
}
