import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  axeCheck,
  type BrowserEnv,
  browserAvailable,
  contactRef,
  memberRef,
  newWorkspace,
  type Person,
  respondLinks,
  signIn,
  startBrowserEnv,
  type Workspace,
} from './support.js';

/**
 * axe-core (WCAG 2 A and AA) on each main page of the web app, filled with real data: no serious or
 * critical violation (SPEC §6: usable by keyboard and screen reader).
 */

let env: BrowserEnv;
let ws: Workspace;
let admin: Person;
let customer: Person;
let ticket: { id: string; number: number };
let approval: { id: string; number: number };
let template: { id: string };
/** On the same ticket: an approval the contact answers. */
let customerApproval: { id: string };

async function expectAccessible(page: Page, name: string) {
  const { serious, lesser } = await axeCheck(page);
  const summary = serious.length ? JSON.stringify(serious) : 'no serious or critical violation';
  console.info(`[axe] ${name}: ${summary}${lesser.length ? `; lesser: ${lesser.join(', ')}` : ''}`);
  expect(serious, `${name} (${page.url()})`).toEqual([]);
}

describe.skipIf(!browserAvailable())(
  'browser: accessibility (axe, WCAG 2 A/AA)',
  { timeout: 120_000 },
  () => {
    beforeAll(async () => {
      env = await startBrowserEnv();
      ws = await newWorkspace(env.api, {
        approvalsEnabled: true,
        contactsCanViewApprovals: true,
        contactApprovalEmails: true,
        appealsEnabled: true,
      });
      admin = ws.admin;
      const [agent, other] = await Promise.all([ws.member('Alex Agent'), ws.member('Olga Other')]);
      customer = await ws.contact('Chris Customer', { organization: 'Globex' });
      const group = await ws.group('Finance team', [other]);
      template = await ws.template({
        name: 'Purchase',
        description: 'Purchases above 500 EUR.',
        allowAppeals: true,
        appealReviewers: [memberRef(admin)],
        steps: [
          {
            name: 'Finance',
            approvers: [memberRef(admin), { type: 'group', id: group.id }],
            rule: { type: 'any' },
          },
          { name: 'Customer', approvers: [contactRef(customer)], rule: { type: 'all' } },
        ],
      });
      ticket = await ws.ticket(customer, { subject: 'A second monitor' });
      approval = await ws.approval(agent, ticket.id, { templateId: template.id, description: '27-inch.' });
      await env.api.post(
        `/approvals/${approval.id}/comments`,
        { body: 'Which model?' },
        { token: agent.token },
      );
      customerApproval = await ws.approval(agent, ticket.id, {
        title: 'Delivery to the customer site',
        approvers: [contactRef(customer)],
      });
      await env.api.post(
        `/approvals/${customerApproval.id}/comments`,
        { body: 'Which floor?' },
        { token: agent.token },
      );
      await ws.ticket(customer, { subject: 'Printer jam' });
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

    it('sign-in page', async () => {
      const page = await env.newPage();
      await page.goto('/signin');
      await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
      await expectAccessible(page, 'sign-in');
      // An error message too.
      await page.locator('input[type="email"]').fill(admin.email);
      await page.locator('input[type="password"]').fill('wrong password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').waitFor();
      await expectAccessible(page, 'sign-in with an error');
    });

    it('agent pages: tickets list, ticket Approvals tab, tasks', async () => {
      const page = await env.newPage();
      await signIn(page, ws.id, admin.email);
      await page.getByRole('cell', { name: 'Printer jam' }).waitFor();
      await expectAccessible(page, 'tickets list');

      await page.goto(`/tickets/${ticket.id}?approval=${approval.id}`);
      await page.getByRole('tab', { name: 'Approvals', selected: true }).waitFor();
      await page.getByRole('form', { name: 'Your answer' }).waitFor();
      await page.getByRole('tabpanel', { name: 'Approvals' }).getByText('Which model?').waitFor();
      await expectAccessible(page, 'ticket, Approvals tab');
      await page.getByRole('button', { name: 'Request approval' }).click();
      await page.getByRole('button', { name: 'Edit recipients' }).first().click();
      await page.getByRole('form', { name: 'Send an approval request' }).waitFor();
      await expectAccessible(page, 'ticket, Approvals tab with its forms open');

      await page.getByRole('tab', { name: 'Activity' }).click();
      await page.getByRole('tabpanel', { name: 'Activity' }).getByText('Which model?').waitFor();
      await expectAccessible(page, 'ticket, Activity tab');

      await page.goto('/tasks');
      await page.getByRole('heading', { name: /^Awaiting me \(1\)/ }).waitFor();
      await expectAccessible(page, 'tasks');
    });

    it('admin pages: settings and the template editor', async () => {
      const page = await env.newPage();
      await signIn(page, ws.id, admin.email, undefined, { next: '/admin' });
      await page.getByRole('button', { name: 'Save settings' }).waitFor();
      await expectAccessible(page, 'admin settings');

      await page.goto(`/admin/templates/${template.id}`);
      await page.getByRole('heading', { name: 'Edit template: Purchase', level: 1 }).waitFor();
      await page.locator('li.admin-step').nth(1).waitFor();
      await expectAccessible(page, 'template editor');
    });

    it('portal pages: home, a ticket with its approvals, and an approval page', async () => {
      const page = await env.newPage();
      await signIn(page, ws.id, customer.email, undefined, { portal: true });
      await page.getByRole('region', { name: 'Approvals awaiting you' }).getByRole('link').first().waitFor();
      await page.getByRole('link', { name: /Printer jam/ }).waitFor();
      await expectAccessible(page, 'portal home');

      await page.goto(`/portal/tickets/${ticket.id}?approval=${customerApproval.id}`);
      await page.getByRole('button', { name: 'Approve' }).waitFor();
      await page.getByText('Which floor?').first().waitFor();
      await expectAccessible(page, 'portal ticket with approvals');

      // SPEC §8.1: the approval's own portal page, where "Approvals awaiting you" links.
      await page.goto(`/portal/approvals/${customerApproval.id}`);
      await page.getByRole('button', { name: 'Approve' }).waitFor();
      await page.getByText('Which floor?').first().waitFor();
      await expectAccessible(page, 'portal approval page');
    });

    it('the response page (signed in, and asking to sign in) and the dev mailbox', async () => {
      const email = await env.waitForEmail(
        // The request email, not a comment_added one about the same request (SPEC §8.1).
        (m) => m.to.address === admin.email && m.subject.includes('Purchase') && respondLinks(m).length > 0,
      );
      const link = respondLinks(email).find((l) => l.endsWith('?decision=approve'))!;

      const visitor = await env.newPage();
      await visitor.goto(link);
      await visitor.getByRole('link', { name: 'Sign in to respond' }).waitFor();
      await expectAccessible(visitor, 'respond page, sign-in prompt');

      const page = await env.newPage();
      await signIn(page, ws.id, admin.email);
      await page.goto(link);
      await page.getByRole('button', { name: 'Approve' }).waitFor();
      await expectAccessible(page, 'respond page, answer form');

      await page.goto('/dev/mailbox');
      await page
        .getByRole('navigation', { name: 'Emails, newest first' })
        .getByRole('button')
        .filter({ hasText: email.subject })
        .filter({ hasText: admin.email })
        .click();
      await page.getByRole('heading', { name: email.subject, level: 2 }).waitFor();
      await expectAccessible(page, 'dev mailbox');

      await page.goto('/respond/not-a-real-token-at-all');
      await page.getByRole('heading', { name: 'This link is no longer active' }).waitFor();
      await expectAccessible(page, 'respond page, inactive link');
    });
  },
);
