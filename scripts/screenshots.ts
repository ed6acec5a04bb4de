// `npm run screenshots`: screenshots of the main pages into docs/screenshots/, over a fresh demo
// workspace, with the browser tests' set-up (test/browser/support.ts: server, dev mailbox, Chromium).
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import {
  contactRef,
  groupRef,
  memberRef,
  newWorkspace,
  respondLinks,
  signIn,
  startBrowserEnv,
} from '../test/browser/support.js';

const OUT = resolve(import.meta.dirname, '../docs/screenshots');

async function main() {
  mkdirSync(OUT, { recursive: true });
  const env = await startBrowserEnv();
  const saved: string[] = [];
  const shoot = async (page: Page, name: string, fullPage = false) => {
    // No focus ring on a card that an email link focused; let live regions settle.
    await page.evaluate('document.activeElement && document.activeElement.blur()');
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(OUT, `${name}.png`), fullPage });
    saved.push(`docs/screenshots/${name}.png`);
  };
  try {
    const ws = await newWorkspace(
      env.api,
      {
        approvalsEnabled: true,
        contactsCanViewApprovals: true,
        contactApprovalEmails: true,
        appealsEnabled: true,
      },
      { admin: 'Ada Lovelace', workspace: 'Acme Service Desk' },
    );
    const admin = ws.admin;
    const [agent, finance1, finance2, cfo] = await Promise.all([
      ws.member('Grace Hopper'),
      ws.member('Fiona Finance'),
      ws.member('Frank Miller'),
      ws.member('Carla Diaz'),
    ]);
    const customer = await ws.contact('Chris Nakamura', { organization: 'Globex' });
    const other = await ws.contact('Dana Scully', { organization: 'Initech' });
    const finance = await ws.group('Finance team', [finance1, finance2]);
    const purchase = await ws.template({
      name: 'Hardware purchase',
      description: 'Any hardware above the standard budget of 500 EUR.',
      allowAppeals: true,
      appealReviewers: [memberRef(cfo)],
      expireAfterHours: 168,
      steps: [
        { name: 'Finance review', approvers: [groupRef(finance)], rule: { type: 'any' } },
        { name: 'Customer sign-off', approvers: [{ type: 'ticket_requester' }], rule: { type: 'any' } },
        { name: 'Directors', approvers: [memberRef(cfo), memberRef(admin)], rule: { type: 'all' } },
      ],
    });
    await ws.template({
      name: 'Access request',
      steps: [{ name: 'Security', approvers: [memberRef(admin)], rule: { type: 'any' } }],
    });

    // Tickets in several approval states.
    const monitor = await ws.ticket(customer, {
      subject: 'Two 27-inch monitors for the design team',
      body: 'Our designers need larger screens for the new catalogue.',
      assigneeId: agent.id,
    });
    const approval = await ws.approval(agent, monitor.id, {
      templateId: purchase.id,
      description: 'Two Dell U2723QE, 1,180 EUR in total.',
    });
    await env.api.post(
      `/approvals/${approval.id}/decisions`,
      { decision: 'approve', comment: 'Within the Q3 budget.' },
      { token: finance1.token },
    );
    const vpn = await ws.ticket(other, { subject: 'VPN access for a contractor' });
    const access = await ws.approval(agent, vpn.id, {
      title: 'VPN access until December',
      approvers: [memberRef(admin), memberRef(cfo)],
      rule: { type: 'all' },
    });
    await env.api.post(`/approvals/${access.id}/decisions`, { decision: 'approve' }, { token: admin.token });
    const chairs = await ws.ticket(customer, { subject: 'Ergonomic chairs' });
    const denied = await ws.approval(agent, chairs.id, {
      title: 'Six ergonomic chairs',
      approvers: [memberRef(cfo)],
    });
    await env.api.post(
      `/approvals/${denied.id}/decisions`,
      { decision: 'deny', comment: 'Not this quarter.' },
      { token: cfo.token },
    );
    await ws.ticket(other, { subject: 'Printer on floor 2 jams' });
    const laptop = await ws.ticket(customer, { subject: 'Laptop for a new hire' });
    await ws.approval(agent, laptop.id, {
      title: 'MacBook Air for Sam',
      approvers: [memberRef(admin), contactRef(customer)],
    });

    // The sign-in page: an email and a password, nothing else (SPEC §8.3).
    const page = await env.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto('/signin');
    await page.locator('input[type="email"]').fill(admin.email);
    await shoot(page, 'sign-in');

    // Agent and admin pages, as the admin.
    await signIn(page, ws.id, admin.email);
    await page.getByRole('cell', { name: 'Ergonomic chairs' }).waitFor();
    await shoot(page, 'agent-tickets');

    // Finding work: a search in the All open view, two tickets ticked for the bulk bar; the `?` sheet.
    await page.goto('/?view=all_open&q=laptop');
    await page.getByRole('cell', { name: 'Laptop for a new hire' }).waitFor();
    await page.getByRole('checkbox').nth(1).check();
    await shoot(page, 'agent-search');
    await page.goto('/');
    await page.getByRole('cell', { name: 'Ergonomic chairs' }).waitFor();
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await shoot(page, 'keyboard-shortcuts');
    await page.keyboard.press('Escape');

    await page.goto(`/tickets/${monitor.id}?approval=${approval.id}`);
    await page.getByRole('tab', { name: 'Approvals', selected: true }).waitFor();
    await page.getByText('Within the Q3 budget.').first().waitFor();
    await shoot(page, 'ticket-approvals', true);

    await page.goto('/tasks');
    await page.getByRole('heading', { name: /^Awaiting me/ }).waitFor();
    await page.getByText('MacBook Air for Sam').first().waitFor();
    await shoot(page, 'tasks');

    await page.goto('/admin');
    await page.getByRole('button', { name: 'Save settings' }).waitFor();
    await shoot(page, 'admin-settings', true);

    // Failed emails: one approval email made a dead letter, as the worker does after its last attempt.
    const sent = await env.db
      .selectFrom('outbox')
      .select(['id'])
      .where('workspace_id', '=', ws.id)
      .where('kind', '=', 'approval_requested')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    await env.db
      .updateTable('outbox')
      .set({
        status: 'dead',
        attempts: 8,
        last_error: '550 5.1.1 <frank.miller@acme.example>: Recipient address rejected: User unknown',
        sent_at: null,
      })
      .where('workspace_id', '=', ws.id)
      .where('id', '=', sent.id)
      .execute();
    await page.goto('/admin/emails');
    await page.getByRole('button', { name: 'Retry' }).first().waitFor();
    await shoot(page, 'failed-emails');

    await page.goto(`/admin/templates/${purchase.id}`);
    await page.locator('li.admin-step').nth(2).waitFor();
    await shoot(page, 'template-editor', true);

    // A French page.
    await page.goto(`/tickets/${laptop.id}`);
    await page.getByLabel('Language').selectOption('fr');
    await page.getByRole('tab', { name: 'Approbations' }).click();
    await page.getByRole('button', { name: 'Approuver' }).waitFor();
    await shoot(page, 'ticket-approvals-fr', true);

    // The customer portal, as the contact who is asked on the monitor request's current step.
    const portal = await env.newPage({ viewport: { width: 1280, height: 860 } });
    await signIn(portal, ws.id, customer.email, undefined, { portal: true });
    await portal.getByRole('heading', { name: 'Approvals awaiting you' }).waitFor();
    await portal.goto(`/portal/tickets/${monitor.id}?approval=${approval.id}`);
    await portal.getByRole('button', { name: 'Approve' }).first().waitFor();
    await shoot(portal, 'portal-ticket', true);

    // The dev mailbox, on the customer's approval email.
    const email = await env.waitForEmail(
      (m) => m.to.address === customer.email && m.subject.includes('Hardware purchase'),
    );
    const mailbox = await env.newPage({ viewport: { width: 1280, height: 860 } });
    await mailbox.goto(`/dev/mailbox?message=${encodeURIComponent(email.id)}`);
    await mailbox.getByRole('heading', { name: email.subject, level: 2 }).waitFor();
    await shoot(mailbox, 'dev-mailbox', true);

    // The response page from that email's Approve button, signed in as the customer: desktop and phone.
    const link = respondLinks(email).find((l) => l.endsWith('?decision=approve'))!;
    await portal.goto(link);
    await portal.getByRole('button', { name: 'Approve' }).waitFor();
    await shoot(portal, 'respond-desktop', true);
    const phone = await env.newPage({ viewport: { width: 390, height: 844 } });
    await signIn(phone, ws.id, customer.email, undefined, { portal: true });
    await phone.goto(link);
    await phone.getByRole('button', { name: 'Approve' }).waitFor();
    await shoot(phone, 'respond-phone', true);

    // An agent's tickets on a phone: the header is one row, its pages behind Menu.
    const agentPhone = await env.newPage({ viewport: { width: 390, height: 844 } });
    await signIn(agentPhone, ws.id, agent.email);
    await agentPhone.getByRole('cell', { name: 'Ergonomic chairs' }).first().waitFor();
    await agentPhone.getByRole('button', { name: 'Menu' }).click();
    await shoot(agentPhone, 'agent-phone-menu');

    console.log(`saved:\n${saved.join('\n')}`);
  } finally {
    await env.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
