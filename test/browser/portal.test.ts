import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus } from '../support/approvals.js';
import {
  type BrowserEnv,
  browserAvailable,
  contactRef,
  fillSignInForm,
  memberRef,
  newWorkspace,
  respondLinks,
  signIn,
  startBrowserEnv,
} from './support.js';

/**
 * Browser journeys of customers and email recipients (SPEC §4, §6): the portal's approvals section and
 * its switch, an approval link from the dev mailbox through sign-in, and the response page on a phone.
 */

let env: BrowserEnv;

const approvalOf = async (token: string, id: string) =>
  (await env.api.get(`/approvals/${id}`, { token })).body;

/** The approval card of request #`number` in the portal. */
const portalCard = (page: Page, number: number) =>
  page
    .locator('article')
    .filter({ has: page.getByRole('heading', { name: new RegExp(`^Request #${number}:`) }) });

describe.skipIf(!browserAvailable())('browser: portal and approval links', { timeout: 60_000 }, () => {
  beforeAll(async () => {
    env = await startBrowserEnv();
  }, 120_000);
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') {
      const dir = await env?.snapshotPages(ctx.task.name);
      if (dir) console.error(`screenshots of the failing test: ${dir}`);
    }
    await env?.closePages();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('a contact sees the approvals section in the portal only once contactsCanViewApprovals is on', async () => {
    const ws = await newWorkspace(env.api, { approvalsEnabled: true });
    const agent = await ws.member('Alex Agent');
    const customer = await ws.contact('Chris Customer');
    const ticket = await ws.ticket(customer, { subject: 'New office chair' });
    const approval = await ws.approval(agent, ticket.id, {
      title: 'Chair budget',
      description: 'Ergonomic model, 450 EUR.',
      approvers: [contactRef(customer)],
    });

    const page = await env.newPage();
    await signIn(page, ws.id, customer.email, undefined, { portal: true });
    await page.getByRole('heading', { name: 'Your requests', level: 1 }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'New office chair' });
    await row.waitFor();
    // Hidden from contacts: no approval column. But the customer is an approver, so "Approvals awaiting
    // you" lists it whatever the switch says, linking to the approval's own page (SPEC §8.6).
    expect(await page.getByRole('columnheader', { name: 'Approval' }).count()).toBe(0);
    await page
      .getByRole('region', { name: 'Approvals awaiting you' })
      .getByRole('link', { name: `Request #${approval.number}: Chair budget` })
      .waitFor();

    await row.getByRole('link', { name: `Ticket #${ticket.number}: New office chair` }).click();
    await page
      .getByRole('heading', { name: `Ticket #${ticket.number}: New office chair`, level: 1 })
      .waitFor();
    await page.getByRole('heading', { name: 'Recent activity' }).waitFor();
    await page.getByText('Mine broke.').waitFor(); // the conversation has loaded
    await page.getByRole('list', { name: /Ticket activity/ }).waitFor(); // and the activity too
    expect(await page.getByRole('heading', { name: 'Approvals', exact: true }).count()).toBe(0);
    expect(await page.getByText('Chair budget').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);

    // The admin turns the switch on in Settings.
    const adminPage = await env.newPage();
    await signIn(adminPage, ws.id, ws.admin.email, undefined, { next: '/admin' });
    await adminPage.getByRole('switch', { name: /^Contacts can view approvals on tickets/ }).check();
    await adminPage.getByRole('button', { name: 'Save settings' }).click();
    await adminPage.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();

    await page.reload();
    await page.getByRole('heading', { name: 'Approvals', exact: true }).waitFor();
    const request = portalCard(page, approval.number);
    await request.getByText('Ergonomic model, 450 EUR.').waitFor();
    await request.getByText('Pending', { exact: true }).waitFor();
    await request
      .getByRole('list', { name: 'Approvers of “Chair budget”' })
      .getByText('Chris Customer')
      .waitFor();
    await request.getByRole('button', { name: 'Approve' }).waitFor();
    await request.getByRole('button', { name: 'Deny' }).waitFor();

    await page.getByRole('link', { name: '← Back to my tickets' }).click();
    const awaiting = page.getByRole('region', { name: 'Approvals awaiting you' });
    await awaiting.getByRole('link', { name: `Request #${approval.number}: Chair budget` }).waitFor();
    await page.getByRole('columnheader', { name: 'Approval' }).waitFor();
  });

  it('SPEC §8.1: a contact approver without access to the ticket answers at /portal/approvals/{id}', async () => {
    const ws = await newWorkspace(env.api, { approvalsEnabled: true, contactsCanViewApprovals: true });
    const agent = await ws.member('Alex Agent');
    const customer = await ws.contact('Chris Customer');
    const supplier = await ws.contact('Sam Supplier');
    const ticket = await ws.ticket(customer, { subject: 'Broken projector' });
    const approval = await ws.approval(agent, ticket.id, {
      title: 'Projector repair',
      description: 'Lamp and fan, 180 EUR.',
      approvers: [contactRef(supplier)],
    });
    expectStatus(
      await env.api.post(
        `/approvals/${approval.id}/comments`,
        { body: 'INTERNAL: supplier is slow', internal: true },
        { token: agent.token },
      ),
      201,
    );
    expectStatus(
      await env.api.post(
        `/approvals/${approval.id}/comments`,
        { body: 'Can you fix it this week?' },
        { token: agent.token },
      ),
      201,
    );

    const page = await env.newPage();
    await signIn(page, ws.id, supplier.email, undefined, { portal: true });
    const awaiting = page.getByRole('region', { name: 'Approvals awaiting you' });
    await awaiting.getByRole('link', { name: `Request #${approval.number}: Projector repair` }).click();
    await page.waitForURL((u) => u.pathname === `/portal/approvals/${approval.id}`);
    await page.getByRole('heading', { name: 'Approval request', level: 1 }).waitFor();
    const card = portalCard(page, approval.number);
    await card.getByText('Lamp and fan, 180 EUR.').waitFor();
    await card.getByText('Can you fix it this week?').waitFor();
    await card
      .getByRole('list', { name: 'Approvers of “Projector repair”' })
      .getByText('Sam Supplier')
      .waitFor();
    expect(await page.getByText('INTERNAL: supplier is slow').count()).toBe(0);
    const html = await page.content();
    for (const other of [agent, customer]) expect(html).not.toContain(other.email); // no email addresses
    expect(await page.getByText('Broken projector').count()).toBe(0); // nothing of the ticket they cannot see

    await card.getByRole('button', { name: 'Approve' }).click();
    await card.getByText('Your answer was recorded.').waitFor();
    await card.getByText('Approved', { exact: true }).first().waitFor();
    expect((await approvalOf(agent.token, approval.id)).status).toBe('approved');
  });

  it('a contact approves from the email link in the dev mailbox, signing in on the way', async () => {
    const ws = await newWorkspace(env.api, { approvalsEnabled: true, contactApprovalEmails: true });
    const agent = await ws.member('Alex Agent');
    const customer = await ws.contact('Chris Customer');
    const ticket = await ws.ticket(customer, { subject: 'Replacement badge' });
    const approval = await ws.approval(agent, ticket.id, {
      title: 'Badge for Chris',
      description: 'The old one was lost.',
      approvers: [contactRef(customer)],
    });
    const email = await env.waitForEmail(
      (m) => m.to.address === customer.email && m.subject.includes('Badge for Chris'),
    );
    expect(respondLinks(email).length).toBeGreaterThan(0);

    const page = await env.newPage();
    await page.goto('/dev/mailbox');
    await page.getByRole('heading', { name: 'Dev mailbox', level: 1 }).waitFor();
    await page
      .getByRole('navigation', { name: 'Emails, newest first' })
      .getByRole('button')
      .filter({ hasText: email.subject })
      .filter({ hasText: customer.email })
      .click();
    const message = page
      .getByRole('article')
      .filter({ has: page.getByRole('heading', { name: email.subject }) });
    await message.getByText('The old one was lost.').first().waitFor();
    await message.getByRole('link', { name: /\/respond\/[A-Za-z0-9_-]+\?decision=approve$/ }).click();

    // The link page before sign-in (requireSignInForEmailResponses is on by default): only the workspace's
    // name and a sign-in prompt, nothing of the request (SPEC §8.1).
    await page.getByRole('heading', { name: /^An approval request from Acme /, level: 1 }).waitFor();
    const linkUrl = page.url();
    expect(new URL(linkUrl).searchParams.get('decision')).toBe('approve');
    await page.getByRole('heading', { name: 'Sign in to respond' }).waitFor();
    expect(await page.getByText('The old one was lost.').count()).toBe(0);
    expect(await page.getByText('Badge for Chris').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Sign in to respond' }).click();

    await page.getByRole('heading', { name: 'Sign in to the customer portal', level: 1 }).waitFor();
    await fillSignInForm(page, ws.id, customer.email);
    // Back on the same link page, now with the request and the answer form.
    await page.waitForURL(linkUrl);
    await page.getByRole('heading', { name: /^Approval request #\d+: Badge for Chris$/, level: 1 }).waitFor();
    await page.getByText('The old one was lost.').waitFor();
    const form = page.getByRole('form', { name: 'Your answer' });
    await form.getByText('Nothing is recorded until you press it.').waitFor();
    expect((await approvalOf(agent.token, approval.id)).status).toBe('pending');
    await form.getByLabel('Comment (optional)').fill('Yes, please.');
    await form.getByRole('button', { name: 'Approve' }).click();

    await page.getByRole('heading', { name: 'Thank you — your approval was recorded', level: 1 }).waitFor();
    await page.getByRole('status').getByText('Approved').waitFor();
    const after = await approvalOf(agent.token, approval.id);
    expect(after.status).toBe('approved');
    expect(after.steps[0].approvers[0]).toMatchObject({
      id: customer.id,
      decision: 'approve',
      comment: 'Yes, please.',
      channel: 'email_link',
    });

    // The link works once; its person, signed in, is told what they answered.
    await page.goto(linkUrl);
    await page.getByRole('heading', { name: 'This link is no longer active', level: 1 }).waitFor();
    await page.getByText('This link has already been used to answer.').waitFor();
    await page.getByText(/^You approved this on /).waitFor();
  });

  it('the response page on a phone shows the buttons, and ?decision=approve decides nothing by itself', async () => {
    const ws = await newWorkspace(env.api, { approvalsEnabled: true, requireSignInForEmailResponses: false });
    const [agent, approver] = await Promise.all([ws.member('Alex Agent'), ws.member('Paula Approver')]);
    const customer = await ws.contact('Chris Customer');
    const ticket = await ws.ticket(customer, { subject: 'Parking space' });
    const approval = await ws.approval(agent, ticket.id, {
      title: 'Parking for Paula',
      approvers: [memberRef(approver)],
    });
    const email = await env.waitForEmail(
      // The approval request, not the new-ticket notice about "Parking space" (SPEC §8.2).
      (m) => m.to.address === approver.email && m.subject.includes('Parking') && respondLinks(m).length > 0,
    );
    const approveLink = respondLinks(email).find((l) => l.endsWith('?decision=approve'));
    expect(approveLink).toBeDefined();

    const page = await env.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(approveLink!);
    await page
      .getByRole('heading', { name: /^Approval request #\d+: Parking for Paula$/, level: 1 })
      .waitFor();
    const approve = page.getByRole('button', { name: 'Approve' });
    const deny = page.getByRole('button', { name: 'Deny' });
    await approve.waitFor();
    await deny.waitFor();
    await page.getByText('You chose to approve').waitFor();
    // Both buttons fit the phone's width, and the page does not scroll sideways.
    for (const button of [approve, deny]) {
      const box = (await button.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
      expect(box.height).toBeGreaterThanOrEqual(24); // a comfortable touch target
    }
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);

    // Opening the link (and waiting, and opening it again) records nothing.
    await page.waitForTimeout(1000);
    await page.reload();
    await approve.waitFor();
    const untouched = await approvalOf(agent.token, approval.id);
    expect(untouched.status).toBe('pending');
    expect(untouched.steps[0].approvers[0].decision).toBeNull();
    const activity = (await env.api.get(`/tickets/${ticket.id}/activity?limit=200`, { token: agent.token }))
      .body.items;
    expect(activity.map((a: { type: string }) => a.type)).not.toContain('decision');

    // Only the button decides.
    await approve.tap();
    await page.getByRole('heading', { name: 'Thank you — your approval was recorded', level: 1 }).waitFor();
    const after = await approvalOf(agent.token, approval.id);
    expect(after.status).toBe('approved');
    expect(after.steps[0].approvers[0]).toMatchObject({ decision: 'approve', channel: 'email_link' });
  });
});
