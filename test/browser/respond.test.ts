import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserEnv,
  browserAvailable,
  contactRef,
  memberRef,
  newWorkspace,
  respondLinks,
  startBrowserEnv,
} from './support.js';

/**
 * The response page of SPEC §8.1: a dead link says why, feedback goes without deciding, and the page
 * speaks the recipient's language.
 */

let env: BrowserEnv;

const approvalOf = async (token: string, id: string) =>
  (await env.api.get(`/approvals/${id}`, { token })).body;

describe.skipIf(!browserAvailable())(
  'browser: the approval response page (§8.1)',
  { timeout: 60_000 },
  () => {
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
    afterAll(() => env?.close());

    it('feedback without deciding is recorded and leaves the link usable; once answered, the dead link says why and what was answered', async () => {
      const ws = await newWorkspace(env.api, {
        approvalsEnabled: true,
        requireSignInForEmailResponses: false,
      });
      const [agent, approver] = await Promise.all([ws.member('Alex Agent'), ws.member('Paula Approver')]);
      const customer = await ws.contact('Chris Customer');
      const ticket = await ws.ticket(customer, { subject: 'New monitor', body: 'My screen flickers.' });
      const approval = await ws.approval(agent, ticket.id, {
        title: 'Monitor for Chris',
        approvers: [memberRef(approver)],
      });
      const email = await env.waitForEmail(
        (m) => m.to.address === approver.email && m.subject.includes('Monitor'),
      );
      const link = respondLinks(email).find((l) => !l.includes('?'))!;

      const page = await env.newPage();
      await page.goto(link);
      await page
        .getByRole('heading', { name: /^Approval request #\d+: Monitor for Chris$/, level: 1 })
        .waitFor();
      // The ticket's public thread is on the page.
      await page
        .getByRole('region', { name: 'The ticket’s conversation' })
        .getByText('My screen flickers.')
        .waitFor();

      const feedback = page.getByRole('form', { name: 'Send feedback without deciding' });
      await feedback.getByLabel('Your feedback or question').fill('Which size?');
      await feedback.getByRole('button', { name: 'Send feedback' }).click();
      await feedback.getByRole('status').getByText('Your feedback was sent.', { exact: false }).waitFor();
      await page
        .getByRole('region', { name: 'Answers and comments so far' })
        .getByText('Which size?')
        .waitFor();
      const pending = await approvalOf(agent.token, approval.id);
      expect(pending.status).toBe('pending');
      expect(pending.comments.map((c: { body: string }) => c.body)).toEqual(['Which size?']);

      // The link still answers.
      await page.getByRole('form', { name: 'Your answer' }).getByRole('button', { name: 'Approve' }).click();
      await page.getByRole('heading', { name: 'Thank you — your approval was recorded', level: 1 }).waitFor();

      await page.goto(link);
      await page.getByRole('heading', { name: 'This link is no longer active', level: 1 }).waitFor();
      await page.getByText('This link has already been used to answer.').waitFor();
      await page.getByText(/^You approved this on /).waitFor();
    });

    it('a removed approver opening their link reads why it is dead; an unknown link says nothing more', async () => {
      const ws = await newWorkspace(env.api, {
        approvalsEnabled: true,
        requireSignInForEmailResponses: false,
      });
      const [agent, first, second] = await Promise.all([
        ws.member('Alex Agent'),
        ws.member('Fay First'),
        ws.member('Sid Second'),
      ]);
      const customer = await ws.contact('Chris Customer');
      const ticket = await ws.ticket(customer, { subject: 'Desk' });
      const approval = await ws.approval(agent, ticket.id, {
        title: 'Standing desk',
        approvers: [memberRef(first), memberRef(second)],
      });
      const email = await env.waitForEmail(
        (m) => m.to.address === second.email && m.subject.includes('Standing'),
      );
      const link = respondLinks(email).find((l) => !l.includes('?'))!;
      const edited = await env.api.patch(
        `/approvals/${approval.id}/recipients`,
        { remove: [memberRef(second)] },
        { token: agent.token },
      );
      expect(edited.status).toBe(200);

      const page = await env.newPage();
      await page.goto(link);
      await page.getByRole('heading', { name: 'This link is no longer active', level: 1 }).waitFor();
      await page.getByText('You are no longer asked to answer this request.').waitFor();
      expect(await page.getByText('Standing desk').count()).toBe(0);

      await page.goto(`/respond/${'A'.repeat(43)}`);
      await page.getByRole('heading', { name: 'This link is no longer active', level: 1 }).waitFor();
      expect(await page.getByRole('status').count()).toBe(0);
    });

    it('a French recipient reads the page in French, whatever the browser’s language', async () => {
      const ws = await newWorkspace(env.api, {
        approvalsEnabled: true,
        contactApprovalEmails: true,
        requireSignInForEmailResponses: false,
      });
      const agent = await ws.member('Alex Agent');
      const customer = await ws.contact('Camille Client', { locale: 'fr' });
      const ticket = await ws.ticket(customer, { subject: 'Badge' });
      await ws.approval(agent, ticket.id, { title: 'Nouveau badge', approvers: [contactRef(customer)] });
      const email = await env.waitForEmail(
        (m) => m.to.address === customer.email && m.subject.includes('Nouveau badge'),
      );
      const link = respondLinks(email).find((l) => !l.includes('?'))!;

      const page = await env.newPage({ locale: 'en-US' });
      await page.goto(link);
      await page
        .getByRole('heading', { name: /^Demande d'approbation n° \d+ : Nouveau badge$/, level: 1 })
        .waitFor();
      await page.getByRole('form', { name: 'Envoyer un avis sans décider' }).waitFor();
      await page.getByRole('button', { name: 'Approuver' }).waitFor();
      expect(await page.evaluate('document.documentElement.lang')).toBe('fr');
    });
  },
);
