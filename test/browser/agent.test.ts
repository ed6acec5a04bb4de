import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserEnv,
  browserAvailable,
  groupRef,
  memberRef,
  newWorkspace,
  signIn,
  startBrowserEnv,
} from './support.js';

/**
 * Browser journeys of admins and agents (SPEC §6): the admin switches and template editor, requesting
 * an approval on a ticket, deciding from "Your tasks", appeals, editing recipients, and French.
 */

let env: BrowserEnv;

/** The card of approval request #`number` on the ticket's Approvals tab. */
const card = (page: Page, number: number, lang: 'en' | 'fr' = 'en') =>
  page.locator('article').filter({
    has: page.getByRole('heading', {
      name: new RegExp(lang === 'en' ? `^Request #${number}:` : `^Demande n°\\s${number}\\s`),
    }),
  });

const approvalOf = async (token: string, id: string) =>
  (await env.api.get(`/approvals/${id}`, { token })).body;

describe.skipIf(!browserAvailable())('browser: admin and agent journeys', { timeout: 60_000 }, () => {
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

  it('admin turns approvals on in Settings and builds a two-step template with a group in the editor', async () => {
    const ws = await newWorkspace(env.api); // approvals off (the default)
    const page = await env.newPage();
    await signIn(page, ws.id, ws.admin.email);

    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    const approvals = page.getByRole('switch', { name: /^Approvals/ });
    expect(await approvals.isChecked()).toBe(false);
    // Templates are unavailable while approvals are off.
    await page.getByText('While approvals are off').waitFor();
    await approvals.check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();
    const settings = (await env.api.get('/settings', { token: ws.admin.token })).body;
    expect(settings.approvalsEnabled).toBe(true);

    // People for the steps: a group of two members, and one member.
    const [finance1, finance2, cfo] = await Promise.all([
      ws.member('Fiona Finance'),
      ws.member('Frank Finance'),
      ws.member('Carla CFO'),
    ]);
    const group = await ws.group('Finance team', [finance1, finance2]);

    await page
      .getByRole('navigation', { name: 'Admin sections' })
      .getByRole('link', { name: 'Templates' })
      .click();
    await page.getByText('No templates yet.').waitFor();
    await page.getByRole('link', { name: 'New template' }).click();
    await page.getByRole('heading', { name: 'New template', level: 1 }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Laptop purchase');
    await page.getByLabel(/^Description/).fill('Hardware above the standard budget.');

    const steps = page.locator('li.admin-step');
    const first = steps.nth(0);
    await first.getByLabel('Step name').fill('Finance review');
    await first.getByLabel('Type').selectOption('group');
    await first.getByLabel('Who').selectOption({ label: 'Finance team' });
    await first.getByRole('button', { name: 'Add (Approvers)' }).click();
    await first.getByText('Finance team').first().waitFor();

    await page.getByRole('button', { name: 'Add step' }).click();
    const second = steps.nth(1);
    await expect.poll(() => steps.count()).toBe(2);
    // The new step's name field has focus (the editor moves it there).
    await second.getByLabel('Step name').fill('CFO sign-off');
    await second.getByLabel('Type').selectOption('member');
    await second.getByLabel('Who').selectOption({ label: 'Carla CFO' });
    await second.getByRole('button', { name: 'Add (Approvers)' }).click();
    await second.getByRole('radio', { name: 'All', exact: true }).check();

    await page.getByRole('button', { name: 'Save template' }).click();
    await page.getByRole('heading', { name: 'Templates', level: 1 }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Template “Laptop purchase” saved.' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'Laptop purchase' });
    await row.getByText('2 steps').waitFor();
    await row.getByText('CFO sign-off').waitFor();

    const templates = (await env.api.get('/approval-templates', { token: ws.admin.token })).body.items;
    expect(templates).toHaveLength(1);
    expect(templates[0]).toMatchObject({
      name: 'Laptop purchase',
      description: 'Hardware above the standard budget.',
      steps: [
        { name: 'Finance review', approvers: [groupRef(group)], rule: { type: 'any' } },
        { name: 'CFO sign-off', approvers: [memberRef(cfo)], rule: { type: 'all' } },
      ],
    });
  });

  it('§8.1 the template editor warns about a step that resolves to nobody, and saves whenNobody and the switches', async () => {
    const ws = await newWorkspace(env.api, { approvalsEnabled: true });
    await ws.group('Nobody yet', []);
    const page = await env.newPage();
    await signIn(page, ws.id, ws.admin.email);
    await page.getByRole('link', { name: 'Admin' }).click();
    await page
      .getByRole('navigation', { name: 'Admin sections' })
      .getByRole('link', { name: 'Templates' })
      .click();
    await page.getByRole('link', { name: 'New template' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Empty step');
    const step = page.locator('li.admin-step').nth(0);
    await step.getByLabel('Step name').fill('Board');
    await step.getByLabel('Type').selectOption('group');
    await step.getByLabel('Who').selectOption({ label: 'Nobody yet' });
    await step.getByRole('button', { name: 'Add (Approvers)' }).click();
    // The default (wait) is said, then the choice of skipping changes the warning.
    await step
      .getByText(
        'Nobody can be asked on this step: the request will wait on it until someone adds approvers.',
      )
      .waitFor();
    expect(await step.getByRole('radio', { name: 'Wait until someone is added' }).isChecked()).toBe(true);
    await step.getByRole('radio', { name: 'Skip the step' }).check();
    await step.getByText('Nobody can be asked on this step: it will be skipped.').waitFor();
    await page.getByRole('checkbox', { name: 'A denial needs a comment' }).check();
    await page.getByRole('button', { name: 'Save template' }).click();
    await page.getByRole('status').filter({ hasText: 'Template “Empty step” saved.' }).waitFor();
    const templates = (await env.api.get('/approval-templates', { token: ws.admin.token })).body.items;
    expect(templates[0]).toMatchObject({
      name: 'Empty step',
      requireCommentOnDeny: true,
      preventSelfApproval: false,
      lockRecipients: false,
      steps: [{ name: 'Board', whenNobody: 'skip' }],
    });
  });

  it('agent creates a ticket and requests the approval from a template on the Approvals tab', async () => {
    const ws = await newWorkspace(env.api, { approvalsEnabled: true });
    const [agent, manager, director] = await Promise.all([
      ws.member('Alex Agent'),
      ws.member('Mona Manager'),
      ws.member('Dan Director'),
    ]);
    const customer = await ws.contact('Chris Customer', { organization: 'Globex' });
    await ws.template({
      name: 'Purchase',
      steps: [
        { name: 'Manager', approvers: [memberRef(manager)], rule: { type: 'any' } },
        { name: 'Director', approvers: [memberRef(director)], rule: { type: 'any' } },
      ],
    });

    const page = await env.newPage();
    await signIn(page, ws.id, agent.email);
    await page.getByRole('heading', { name: 'Tickets', level: 1 }).waitFor();
    await page.getByText('No tickets yet.').waitFor();
    await page.getByRole('button', { name: 'New ticket' }).click();
    await page.getByLabel('Subject').fill('A second monitor');
    await page.getByLabel('Message').fill('For the design work, please.');
    await page.getByLabel('Requester').selectOption({ label: `Chris Customer (Globex) — ${customer.email}` });
    await page.getByRole('button', { name: 'Create ticket' }).click();
    await page.getByRole('heading', { name: /^#1 A second monitor$/, level: 1 }).waitFor();

    await page.getByRole('tab', { name: 'Approvals' }).click();
    await page.getByText('No approvals on this ticket yet.').waitFor();
    await page.getByRole('button', { name: 'Request approval' }).click();
    const form = page.getByRole('form', { name: 'Send an approval request' });
    expect(await form.getByRole('radio', { name: 'From a template' }).isChecked()).toBe(true);
    await form.getByLabel('Template', { exact: true }).selectOption({ label: 'Purchase' });
    await form.getByRole('listitem').filter({ hasText: 'Any one approver: Mona Manager' }).waitFor(); // the steps
    await form.getByLabel(/^Description/).fill('27-inch, under 300 EUR.');
    await form.getByRole('button', { name: 'Send request' }).click();

    await page.getByRole('status').filter({ hasText: 'Request #1 “Purchase” sent.' }).waitFor();
    const request = card(page, 1);
    await request.getByText('Pending', { exact: true }).waitFor();
    await request.getByText('Step 1: Manager').waitFor();
    await request.getByText('Step 2: Director').waitFor();
    await request.getByText('27-inch, under 300 EUR.').waitFor();
    await request.locator('li[aria-current="step"]').getByText('Mona Manager').waitFor();
    // SPEC §8.1: the ticket header shows its approval status with the counts, "Pending (1 of 1)".
    const facts = page.locator('.ag-facts');
    await facts.getByText('Pending', { exact: true }).waitFor();
    await facts.getByText('(1 of 1)').waitFor();

    const ticketId = new URL(page.url()).pathname.split('/').pop()!;
    const list = (await env.api.get(`/tickets/${ticketId}/approvals`, { token: agent.token })).body.items;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ status: 'pending', title: 'Purchase', requestedBy: { id: agent.id } });
    // The approver is emailed (dev mailbox).
    await env.waitForEmail((m) => m.to.address === manager.email && m.subject.includes('Purchase'));
  });

  it('a member approves from Your tasks > Approval requests', async () => {
    const ws = await newWorkspace(env.api, { approvalsEnabled: true });
    const [agent, approver] = await Promise.all([ws.member('Alex Agent'), ws.member('Paula Approver')]);
    const customer = await ws.contact('Chris Customer');
    const template = await ws.template({
      name: 'Software licence',
      steps: [{ name: 'Budget owner', approvers: [memberRef(approver)], rule: { type: 'any' } }],
    });
    const ticket = await ws.ticket(customer, { subject: 'Figma seat' });
    const approval = await ws.approval(agent, ticket.id, { templateId: template.id });

    const page = await env.newPage();
    await signIn(page, ws.id, approver.email);
    const tasksLink = page.getByRole('link', { name: /Your tasks › Approval requests/ });
    await tasksLink.getByText('1').waitFor(); // the count of approvals awaiting me
    await tasksLink.click();
    await page.getByRole('heading', { name: 'Your tasks › Approval requests', level: 1 }).waitFor();
    const awaiting = page.getByRole('region', { name: /^Awaiting me/ });
    await awaiting.getByRole('heading', { name: 'Awaiting me (1)' }).waitFor();
    const row = awaiting.getByRole('row').filter({ hasText: 'Software licence' });
    await row.getByText('Budget owner').waitFor();
    await row.getByRole('link', { name: `#${ticket.number} Figma seat` }).click();

    // The ticket opens on the Approvals tab, on this approval.
    await page.getByRole('tab', { name: 'Approvals', selected: true }).waitFor();
    const request = card(page, approval.number);
    const answer = request.getByRole('form', { name: 'Your answer' });
    await answer.getByLabel('Comment (optional)').fill('Within budget.');
    await answer.getByRole('button', { name: 'Approve' }).click();
    await request.getByRole('status').filter({ hasText: 'Your answer was recorded.' }).waitFor();
    await request.getByText('Approved', { exact: true }).first().waitFor();
    await request.getByText('Within budget.').waitFor();
    await answer.waitFor({ state: 'detached' });

    const after = await approvalOf(approver.token, approval.id);
    expect(after.status).toBe('approved');
    expect(after.steps[0].approvers[0]).toMatchObject({
      id: approver.id,
      decision: 'approve',
      channel: 'agent_ui',
    });

    await tasksLink.click();
    await page.getByText('Nothing awaits your answer.').waitFor();
  });

  it('an approver denies, the requester appeals with a reason, and the reviewer approves the appeal', async () => {
    const ws = await newWorkspace(env.api, { approvalsEnabled: true, appealsEnabled: true });
    const [agent, approver, reviewer] = await Promise.all([
      ws.member('Alex Agent'),
      ws.member('Dora Denier'),
      ws.member('Rita Reviewer'),
    ]);
    const customer = await ws.contact('Chris Customer');
    const template = await ws.template({
      name: 'Travel',
      allowAppeals: true,
      appealReviewers: [memberRef(reviewer)],
      steps: [{ name: 'Travel desk', approvers: [memberRef(approver)], rule: { type: 'any' } }],
    });
    const ticket = await ws.ticket(customer, { subject: 'Conference in Lyon' });
    const approval = await ws.approval(agent, ticket.id, { templateId: template.id });
    const ticketPage = `/tickets/${ticket.id}?approval=${approval.id}`;

    // 1. The approver denies, with a comment.
    const approverPage = await env.newPage();
    await signIn(approverPage, ws.id, approver.email, undefined, { next: ticketPage });
    let request = card(approverPage, approval.number);
    await request.getByLabel('Comment (optional)').fill('The budget for travel is spent.');
    await request.getByRole('button', { name: 'Deny' }).click();
    await request.getByRole('status').filter({ hasText: 'Your answer was recorded.' }).waitFor();
    await request.locator('.badge').getByText('Denied').waitFor();
    expect((await approvalOf(agent.token, approval.id)).status).toBe('denied');

    // 2. The requesting agent appeals; an empty reason is refused first.
    const agentPage = await env.newPage();
    await signIn(agentPage, ws.id, agent.email, undefined, { next: ticketPage });
    request = card(agentPage, approval.number);
    await request.getByText('The budget for travel is spent.').waitFor();
    await request.getByRole('button', { name: 'Request an appeal' }).click();
    const appealForm = request.getByRole('form', { name: 'Request an appeal' });
    await appealForm.getByRole('button', { name: 'Send appeal' }).click();
    await appealForm.getByRole('alert').filter({ hasText: 'Give a reason for the appeal.' }).waitFor();
    await appealForm.getByLabel('Reason for the appeal').fill('The customer pays for the trip.');
    await appealForm.getByRole('button', { name: 'Send appeal' }).click();
    await request.getByRole('status').filter({ hasText: 'Appeal requested.' }).waitFor();
    const appeal = request.getByRole('region', { name: 'Appeal' });
    await appeal.getByText('Awaiting review').waitFor();
    await appeal.getByText('The customer pays for the trip.').waitFor();
    await appeal.getByText('Reviewers: Rita Reviewer').waitFor();
    expect((await approvalOf(agent.token, approval.id)).status).toBe('appeal_pending');

    // 3. The reviewer finds it in their tasks and approves the appeal.
    const reviewerPage = await env.newPage();
    await signIn(reviewerPage, ws.id, reviewer.email);
    await reviewerPage.getByRole('link', { name: /Your tasks › Approval requests/ }).click();
    const awaiting = reviewerPage.getByRole('region', { name: /^Awaiting me/ });
    await awaiting.getByRole('row').filter({ hasText: 'Travel' }).getByText('Appeal pending').waitFor();
    await awaiting.getByRole('link', { name: `#${ticket.number} Conference in Lyon` }).click();
    request = card(reviewerPage, approval.number);
    const decide = request.getByRole('form', { name: 'Decide the appeal' });
    await decide.getByLabel('Comment (optional)').fill('Agreed: no cost to us.');
    await decide.getByRole('button', { name: 'Approve the appeal' }).click();
    await request.getByRole('status').filter({ hasText: 'Your answer was recorded.' }).waitFor();
    await request.locator('.badge').getByText('Approved').waitFor();
    await request.getByText(/^Approved by Rita Reviewer on /).waitFor();

    const after = await approvalOf(agent.token, approval.id);
    expect(after.status).toBe('approved');
    expect(after.appeal).toMatchObject({
      status: 'approved',
      reason: 'The customer pays for the trip.',
      decision: { value: 'approve', by: { id: reviewer.id }, comment: 'Agreed: no cost to us.' },
    });
  });

  it('editing the recipients down to none cancels the approval, which leaves the Approvals tab', async () => {
    const ws = await newWorkspace(env.api, { approvalsEnabled: true });
    const [agent, first, second] = await Promise.all([
      ws.member('Alex Agent'),
      ws.member('Olga One'),
      ws.member('Tom Two'),
    ]);
    const customer = await ws.contact('Chris Customer');
    const ticket = await ws.ticket(customer, { subject: 'Office keys' });
    const approval = await ws.approval(agent, ticket.id, {
      title: 'Spare key',
      approvers: [memberRef(first), memberRef(second)],
      rule: { type: 'all' },
    });

    const page = await env.newPage();
    await signIn(page, ws.id, agent.email, undefined, { next: `/tickets/${ticket.id}` });
    await page.getByRole('tab', { name: 'Approvals' }).click();
    const request = card(page, approval.number);
    await request.getByRole('button', { name: 'Edit recipients' }).click();
    const form = request.getByRole('form', { name: /^Edit recipients of/ });
    await form.getByLabel('Remove Olga One').check();
    await form.getByRole('button', { name: 'Save recipients' }).waitFor();
    await form.getByLabel('Remove Tom Two').check();
    await form.getByText('Removing every recipient cancels this approval request.').waitFor();
    await form.getByRole('button', { name: 'Remove everyone and cancel' }).click();

    await page
      .getByRole('status')
      .filter({ hasText: `Request #${approval.number} “Spare key” was canceled.` })
      .waitFor();
    await request.waitFor({ state: 'detached' });
    await page.getByText('No approvals on this ticket yet.').waitFor();
    expect((await approvalOf(agent.token, approval.id)).status).toBe('canceled');

    // Still gone after a reload.
    await page.reload();
    await page.getByRole('tab', { name: 'Approvals' }).click();
    await page.getByText('No approvals on this ticket yet.').waitFor();
    expect(await card(page, approval.number).count()).toBe(0);
  });

  it('the interface in French: navigation, tasks and the approve button', async () => {
    const ws = await newWorkspace(env.api, { approvalsEnabled: true });
    const [agent, approver] = await Promise.all([ws.member('Alex Agent'), ws.member('Paul Approbateur')]);
    const customer = await ws.contact('Claire Cliente');
    const ticket = await ws.ticket(customer, { subject: 'Nouvel écran' });
    const approval = await ws.approval(agent, ticket.id, {
      title: 'Écran 27 pouces',
      approvers: [memberRef(approver)],
    });

    const page = await env.newPage();
    await signIn(page, ws.id, approver.email);
    await page.getByRole('heading', { name: 'Tickets', level: 1 }).waitFor();
    await page.getByLabel('Language').selectOption('fr');
    await page.getByRole('link', { name: /Vos tâches › Demandes d'approbation/ }).click();
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    await page.getByRole('heading', { name: "Vos tâches › Demandes d'approbation", level: 1 }).waitFor();
    await page.getByRole('link', { name: `#${ticket.number} Nouvel écran` }).click();
    await page.getByRole('tab', { name: 'Approbations', selected: true }).waitFor();
    const request = card(page, approval.number, 'fr');
    await request.getByRole('button', { name: 'Refuser' }).waitFor();
    await request.getByRole('button', { name: 'Approuver' }).click();
    await request.locator('.badge').getByText('Approuvée').waitFor();
    expect((await approvalOf(agent.token, approval.id)).status).toBe('approved');

    // The choice is remembered on the next visit.
    await page.reload();
    await page.getByRole('tab', { name: 'Activité' }).click();
    await page
      .getByRole('tabpanel', { name: 'Activité' })
      .getByText(/Paul Approbateur a approuvé/)
      .waitFor();
    await page.getByRole('button', { name: 'Se déconnecter' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
  });
});
