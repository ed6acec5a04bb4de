import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserEnv,
  browserAvailable,
  contactRef,
  memberRef,
  newWorkspace,
  respondLinks,
  signIn,
  startBrowserEnv,
} from './support.js';

/**
 * SPEC §8.1 "Needs information" in the browser: an approver asks for information from the response
 * page of their email link, and the requester answers from the ticket's Approvals tab.
 */

let env: BrowserEnv;

const approvalOf = async (token: string, id: string) =>
  (await env.api.get(`/approvals/${id}`, { token })).body;

/** The card of approval request #`number` on the ticket's Approvals tab. */
const card = (page: Page, number: number) =>
  page
    .locator('article')
    .filter({ has: page.getByRole('heading', { name: new RegExp(`^Request #${number}:`) }) });

describe.skipIf(!browserAvailable())('browser: needs information', { timeout: 90_000 }, () => {
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

  it('§8.1 an approver asks from the email link; the requester answers from the ticket; the approver then decides', async () => {
    const ws = await newWorkspace(env.api, { approvalsEnabled: true, requireSignInForEmailResponses: false });
    const [agent, approver] = await Promise.all([ws.member('Alex Agent'), ws.member('Paula Approver')]);
    const customer = await ws.contact('Chris Customer');
    const ticket = await ws.ticket(customer, { subject: 'New monitor' });
    const approval = await ws.approval(agent, ticket.id, {
      title: 'Monitor for Chris',
      approvers: [memberRef(approver)],
      onBehalfOf: contactRef(customer),
    });
    const email = await env.waitForEmail(
      (m) => m.to.address === approver.email && m.subject.includes('Monitor for Chris'),
    );
    const link = respondLinks(email).find((l) => !l.includes('?decision='));
    expect(link).toBeDefined();

    // The approver asks from the response page; the link stays usable.
    const page = await env.newPage();
    await page.goto(link!);
    await page
      .getByRole('heading', { name: /^Approval request #\d+: Monitor for Chris$/, level: 1 })
      .waitFor();
    await page.getByRole('button', { name: 'Ask for information' }).click();
    const ask = page.getByRole('form', { name: 'Ask for information' });
    await ask.getByLabel('Your question').fill('Which size: 24 or 27 inches?');
    await ask.getByRole('button', { name: 'Send the question' }).click();
    await page.getByRole('status').filter({ hasText: 'Your question was sent.' }).waitFor();
    expect((await approvalOf(agent.token, approval.id)).status).toBe('needs_info');

    // The requester sees the badge and the question on the ticket, and answers.
    const agentPage = await env.newPage();
    await signIn(agentPage, ws.id, agent.email);
    await agentPage.goto(`/tickets/${ticket.id}?approval=${approval.id}`);
    await agentPage.getByRole('tab', { name: 'Approvals', selected: true }).waitFor();
    const request = card(agentPage, approval.number);
    await request.getByText('Needs information', { exact: true }).first().waitFor();
    await request.getByText('Which size: 24 or 27 inches?').waitFor();
    await request.getByRole('button', { name: 'Answer' }).click();
    const answer = request.getByRole('form', { name: 'Answer the question' });
    await answer.getByLabel('Your answer').fill('27 inches, for design work.');
    await answer.getByRole('button', { name: 'Send the answer' }).click();
    await request.getByRole('status').filter({ hasText: 'Your answer was sent.' }).waitFor();
    await request.getByText('27 inches, for design work.').waitFor();
    await request.getByText('Pending', { exact: true }).first().waitFor();
    const answered = await approvalOf(agent.token, approval.id);
    expect(answered.status).toBe('pending');
    expect(answered.comments.map((c: { body: string }) => c.body)).toEqual([
      'Which size: 24 or 27 inches?',
      '27 inches, for design work.',
    ]);

    // The same link still decides.
    await page.goto(link!);
    const form = page.getByRole('form', { name: 'Your answer' });
    await form.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('heading', { name: 'Thank you — your approval was recorded', level: 1 }).waitFor();
    expect((await approvalOf(agent.token, approval.id)).status).toBe('approved');
  });
});
