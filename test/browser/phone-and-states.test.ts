import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserSuiteHooks } from './suite.js';
import {
  axeCheck,
  type BrowserEnv,
  browserAvailable,
  contactRef,
  fillSignInForm,
  memberRef,
  newWorkspace,
  type Person,
  respondLinks,
  signIn,
  type Workspace,
} from './support.js';

/**
 * Issue 15, SPEC §8.3 ("readable error states", "an admin page for failed (dead) emails") and §6 (usable
 * on a phone, by keyboard and screen reader): a 390 px phone never scrolls sideways, even with a
 * 200-character unbroken subject; the header folds into a menu; an error says why and Retry loads again;
 * an expired session goes to sign-in and comes back; the failed emails page lists a dead email and
 * Retry puts it back in the queue.
 */

const PHONE = { width: 390, height: 844 };
const LONG_SUBJECT = `Subject${'x'.repeat(193)}`;
const LONG_LOCAL = `someone.with.a.very.long.address.${'y'.repeat(60)}`;

/** Waits until the page has shown its data: its heading, no "Loading…" left, the network quiet. */
async function settled(page: Page) {
  await page.locator('h1').first().waitFor();
  await page.waitForLoadState('networkidle');
  await expect.poll(() => page.locator('.state-loading').count()).toBe(0);
}

async function expectNoSidewaysScroll(page: Page, name: string) {
  const { scrollWidth, clientWidth } = (await page.evaluate(
    '({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })',
  )) as { scrollWidth: number; clientWidth: number };
  expect(
    scrollWidth,
    `${name} (${page.url()}) is ${scrollWidth}px wide on a ${clientWidth}px phone`,
  ).toBeLessThanOrEqual(clientWidth);
}

async function expectAccessible(page: Page, name: string) {
  const { serious } = await axeCheck(page);
  expect(serious, `${name} (${page.url()})`).toEqual([]);
}

/** Marks one delivered email as a dead letter, as the worker does after its last failed attempt. */
async function makeDead(env: BrowserEnv, ws: Workspace, recipient: Person, error: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const row = await env.db
      .selectFrom('outbox')
      .select(['id'])
      .where('workspace_id', '=', ws.id)
      .where('recipient_id', '=', recipient.id)
      .where('kind', '=', 'approval_requested')
      .where('status', '=', 'sent')
      .orderBy('seq', 'desc')
      .executeTakeFirst();
    if (row) {
      await env.db
        .updateTable('outbox')
        .set({ status: 'dead', attempts: 8, last_error: error, sent_at: null })
        .where('workspace_id', '=', ws.id)
        .where('id', '=', row.id)
        .execute();
      return row.id;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no email sent to ${recipient.email}`);
}

describe.skipIf(!browserAvailable())(
  'browser: phone layout and readable states (issue 15)',
  { timeout: 120_000 },
  () => {
    const env = browserSuiteHooks();
    let ws: Workspace;
    let agent: Person;
    let customer: Person;
    let long: { id: string; number: number };
    let approval: { id: string };

    beforeAll(async () => {
      ws = await newWorkspace(env().api, {
        approvalsEnabled: true,
        contactsCanViewApprovals: true,
        contactApprovalEmails: true,
      });
      agent = await ws.member('Alex Agent');
      customer = await ws.contact(`Chris${'C'.repeat(80)}`, { organization: `Globex${'g'.repeat(80)}` });
      long = await ws.ticket(customer, {
        subject: LONG_SUBJECT,
        body: `See https://example.test/${'path/'.repeat(40)}and ${LONG_LOCAL}@example.test`,
      });
      approval = await ws.approval(agent, long.id, {
        title: `Approve${'z'.repeat(120)}`,
        description: `A description with ${'w'.repeat(150)}`,
        approvers: [memberRef(ws.admin), contactRef(customer)],
      });
      await ws.group(`Group${'q'.repeat(100)}`, [agent]);
    }, 120_000);

    async function checkPages(page: Page, paths: string[]) {
      for (const path of paths) {
        await page.goto(path);
        await settled(page);
        if (path === '/') await page.getByText(LONG_SUBJECT).first().waitFor();
        await expectNoSidewaysScroll(page, path);
        await expectAccessible(page, path);
      }
    }

    it('§6 at 390×844 the agent pages do not scroll sideways (a 200-character subject included), axe clean', {
      timeout: 200_000,
    }, async () => {
      const page = await env().newPage({ viewport: PHONE });
      await signIn(page, ws.id, ws.admin.email, undefined, { next: '/' });
      await checkPages(page, [
        '/',
        `/tickets/${long.id}`,
        `/tickets/${long.id}?approval=${approval.id}`,
        '/tasks',
        '/profile',
      ]);
    });

    it('§6 / §8.3 at 390×844 the admin pages (failed emails included) do not scroll sideways, axe clean', {
      timeout: 200_000,
    }, async () => {
      const page = await env().newPage({ viewport: PHONE });
      await signIn(page, ws.id, ws.admin.email, undefined, { next: '/admin' });
      // A dead email, so that the failed emails page has a row with a long error.
      await makeDead(env(), ws, ws.admin, `connect ECONNREFUSED 127.0.0.1:2525 ${'e'.repeat(150)}`);
      await checkPages(page, [
        '/admin',
        '/admin/members',
        '/admin/contacts',
        '/admin/groups',
        '/admin/templates',
        '/admin/emails',
      ]);
    });

    it('§6 at 390×844 the portal pages and the response page do not scroll sideways, axe clean', {
      timeout: 200_000,
    }, async () => {
      const portal = await env().newPage({ viewport: PHONE });
      await signIn(portal, ws.id, customer.email, undefined, { portal: true, next: '/portal' });
      await checkPages(portal, [
        '/portal',
        `/portal/tickets/${long.id}`,
        `/portal/approvals/${approval.id}`,
        '/portal/profile',
      ]);

      // The page an approver opens from their email, signed in.
      const page = await env().newPage({ viewport: PHONE });
      await signIn(page, ws.id, ws.admin.email, undefined, { next: '/' });
      const email = await env().waitForEmail(
        (m) => m.to.address === ws.admin.email && respondLinks(m).length > 0,
      );
      await page.goto(respondLinks(email)[0]!);
      await settled(page);
      await expectNoSidewaysScroll(page, 'respond');
      await expectAccessible(page, 'respond');
    });

    it('§6 on a phone the header is one row with a Menu button: it opens, Escape closes it, a link navigates', async () => {
      const page = await env().newPage({ viewport: PHONE });
      await signIn(page, ws.id, ws.admin.email, undefined, { next: '/' });
      await settled(page);
      const menu = page.getByRole('button', { name: 'Menu' });
      await menu.waitFor();
      await expect.poll(() => menu.getAttribute('aria-expanded')).toBe('false');
      const controlled = await menu.getAttribute('aria-controls');
      expect(controlled).toBeTruthy();
      const nav = page.getByRole('navigation', { name: 'Main' });
      expect(await nav.isVisible()).toBe(false);
      // One row: the bar is no taller than its menu button and padding.
      const bar = await page.locator('header.topbar').boundingBox();
      expect(bar!.height).toBeLessThan(80);

      await menu.click();
      expect(await menu.getAttribute('aria-expanded')).toBe('true');
      await nav.waitFor({ state: 'visible' });
      await page.keyboard.press('Escape');
      await nav.waitFor({ state: 'hidden' });
      expect(await menu.getAttribute('aria-expanded')).toBe('false');
      expect(await menu.evaluate((el: any) => el === el.ownerDocument.activeElement)).toBe(true);

      await menu.click();
      await nav.getByRole('link', { name: 'Profile' }).click();
      await page.waitForURL((u) => u.pathname === '/profile');
      await nav.waitFor({ state: 'hidden' });
      expect(await menu.getAttribute('aria-expanded')).toBe('false');

      // On a desktop the navigation sits in the bar, and there is no Menu button.
      const desk = await env().newPage();
      await signIn(desk, ws.id, ws.admin.email, undefined, { next: '/' });
      await desk.getByRole('navigation', { name: 'Main' }).waitFor({ state: 'visible' });
      expect(await desk.getByRole('button', { name: 'Menu' }).isVisible()).toBe(false);
    });

    it('§8.3 an error says why (the problem’s title and detail, or that the server cannot be reached), and Retry loads again', async () => {
      const page = await env().newPage();
      await signIn(page, ws.id, agent.email, undefined, { next: '/tasks' });
      await settled(page);
      const isList = (u: URL) => u.pathname === '/api/v1/tickets';
      await page.route(isList, (route) =>
        route.fulfill({
          status: 500,
          contentType: 'application/problem+json',
          body: JSON.stringify({
            type: 'https://signoff.dev/problems/internal_error',
            title: 'Internal Server Error',
            status: 500,
            code: 'internal_error',
            detail: 'The database did not answer in time',
          }),
        }),
      );
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tickets' }).click();
      const alert = page.getByRole('alert').filter({ hasText: 'The database did not answer in time' });
      await alert.waitFor();
      expect(await alert.textContent()).toContain('Internal Server Error');
      expect(await alert.textContent()).not.toMatch(/Something went wrong:\s*$/);
      await expectAccessible(page, 'tickets with an error');

      // No answer at all: the words say the server cannot be reached.
      await page.unroute(isList);
      await page.route(isList, (route) => route.abort('connectionrefused'));
      await alert.getByRole('button', { name: 'Retry' }).click();
      await page.getByRole('alert').filter({ hasText: 'Cannot reach the server' }).waitFor();

      // The server is back: Retry shows the list.
      await page.unroute(isList);
      await page.getByRole('alert').getByRole('button', { name: 'Retry' }).click();
      await page.getByText(LONG_SUBJECT).first().waitFor();
      expect(await page.getByRole('alert').count()).toBe(0);
    });

    it('§8.3 an expired session: the next call goes to sign-in, which says why, and signing in comes back to the same page', async () => {
      const page = await env().newPage();
      await signIn(page, ws.id, agent.email, undefined, { next: `/tickets/${long.id}` });
      await settled(page);
      await page.context().clearCookies();
      // The next call answers 401: following a link, or a call the page was still making (then the person
      // is brought back to the ticket, where they were when it failed).
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: /Your tasks/ })
        .click({ timeout: 2_000 })
        .catch(() => undefined);
      await page.waitForURL((u) => u.pathname === '/signin');
      const next = new URL(page.url()).searchParams.get('next');
      expect(['/tasks', `/tickets/${long.id}`]).toContain(next);
      await page.getByRole('status').filter({ hasText: 'Your session has expired' }).waitFor();
      await fillSignInForm(page, ws.id, agent.email);
      await page.waitForURL((u) => u.pathname === next);
      await page.getByRole('heading', { level: 1 }).waitFor();

      // The same from the portal: back to the contact's ticket.
      const portal = await env().newPage();
      await signIn(portal, ws.id, customer.email, undefined, { portal: true, next: '/portal' });
      await settled(portal);
      await portal.context().clearCookies();
      await portal.goto(`/portal/tickets/${long.id}`);
      await portal.waitForURL((u) => u.pathname === '/portal/signin');
      expect(new URL(portal.url()).searchParams.get('next')).toBe(`/portal/tickets/${long.id}`);
      await fillSignInForm(portal, ws.id, customer.email);
      await portal.waitForURL((u) => u.pathname === `/portal/tickets/${long.id}`);
    });

    it('§8.3 the failed emails page lists a dead email (recipient, kind, last error, attempts) and Retry sends it again', async () => {
      const target = await ws.member('Dana Dead');
      await ws.approval(agent, long.id, {
        title: 'Dead letter check',
        approvers: [memberRef(target)],
      });
      const id = await makeDead(env(), ws, target, 'connect ECONNREFUSED 127.0.0.1:2525');
      const before = (await env().mailbox()).filter((m) => m.to.address === target.email).length;

      const page = await env().newPage();
      await signIn(page, ws.id, ws.admin.email, undefined, { next: '/admin' });
      await page
        .getByRole('navigation', { name: 'Admin sections' })
        .getByRole('link', { name: 'Failed emails' })
        .click();
      await page.waitForURL((u) => u.pathname === '/admin/emails');
      const row = page.locator('tr').filter({ hasText: 'Dana Dead' });
      await row.waitFor();
      const text = (await row.textContent()) ?? '';
      expect(text).toContain(target.email);
      expect(text).toContain('approval_requested');
      expect(text).toContain('connect ECONNREFUSED 127.0.0.1:2525');
      expect(text).toContain('8');
      await expectAccessible(page, 'failed emails');

      await row.getByRole('button', { name: /^Retry/ }).click();
      await page
        .getByRole('status')
        .filter({ hasText: 'The email to Dana Dead is back in the queue.' })
        .waitFor();
      await row.waitFor({ state: 'detached' });
      // Sent again by the worker.
      await expect
        .poll(async () => (await env().mailbox()).filter((m) => m.to.address === target.email).length)
        .toBeGreaterThan(before);
      const after = await env()
        .db.selectFrom('outbox')
        .select(['status'])
        .where('workspace_id', '=', ws.id)
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(after.status).toBe('sent');

      // None left for this admin who had one dead email of their own from the first test, retried now too.
      for (const other of await page
        .locator('tr')
        .filter({ has: page.getByRole('button', { name: /^Retry/ }) })
        .all()) {
        await other.getByRole('button', { name: /^Retry/ }).click();
        await other.waitFor({ state: 'detached' });
      }
      await page.getByText('No failed emails').waitFor();
    });
  },
);
