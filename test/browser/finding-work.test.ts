import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuiteHooks } from './suite.js';
import { axeCheck, browserAvailable, memberRef, newWorkspace, signIn } from './support.js';

/**
 * Browser journeys of finding work in the agent workspace (SPEC §8.3, issue 15 item 2): search, saved
 * views with counts, bulk changes with one result per ticket, the ticket's priority, tags, assignee and
 * CC, keyboard shortcuts with their `?` sheet, and the task list's inline answer.
 */

async function expectAccessible(page: Page, name: string) {
  const { serious } = await axeCheck(page);
  expect(serious, `${name} (${page.url()})`).toEqual([]);
}

/** The saved view's link in the side list, e.g. "Unassigned: 3". */
const viewLink = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Saved views' }).getByRole('link', { name: new RegExp(`^${name}`) });

describe.skipIf(!browserAvailable())('browser: finding work', { timeout: 60_000 }, () => {
  const env = browserSuiteHooks();

  it('§8.3 search finds a ticket by a word of a customer’s message, ranked, and the search is in the URL', async () => {
    const ws = await newWorkspace(env().api);
    const agent = await ws.member('Alex Agent');
    const customer = await ws.contact('Chris Customer');
    const other = await ws.contact('Olga Other');
    const wanted = await ws.ticket(customer, { subject: 'Printer trouble', body: 'It stopped.' });
    await ws.ticket(other, { subject: 'Keyboard request', body: 'A new keyboard please.' });
    // The customer writes the word in their own message (the portal's reply).
    const reply = await env().api.post(
      `/tickets/${wanted.id}/messages`,
      { body: 'The paper tray shows a flamingo sticker error.', public: true },
      { token: customer.token },
    );
    expect(reply.status).toBe(201);

    const page = await env().newPage();
    await signIn(page, ws.id, agent.email);
    await page.getByRole('heading', { name: 'Tickets', level: 1 }).waitFor();
    await page.getByRole('searchbox', { name: 'Search tickets' }).fill('flamingo');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('heading', { name: 'Results for “flamingo”' }).waitFor();
    expect(new URL(page.url()).searchParams.get('q')).toBe('flamingo');
    const table = page.getByRole('table', { name: /most relevant first/ });
    await table.getByRole('link', { name: 'Printer trouble' }).waitFor();
    expect(await table.getByRole('link', { name: 'Keyboard request' }).count()).toBe(0);
    await expectAccessible(page, 'tickets page with search results');

    // The URL is the search: opened again, it shows the same results.
    await page.reload();
    await page
      .getByRole('table', { name: /most relevant first/ })
      .getByRole('link', { name: 'Printer trouble' })
      .waitFor();
    expect(await page.getByRole('searchbox', { name: 'Search tickets' }).inputValue()).toBe('flamingo');

    // A word nobody wrote finds nothing.
    await page.getByRole('searchbox', { name: 'Search tickets' }).fill('zeppelin');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByText('No ticket matches this search.').waitFor();
  });

  it('§8.3 bulk-assign from the Unassigned view: two tickets assigned to me leave it, and the counts follow', async () => {
    const ws = await newWorkspace(env().api);
    const agent = await ws.member('Alex Agent');
    const customer = await ws.contact('Chris Customer');
    const first = await ws.ticket(customer, { subject: 'VPN down' });
    const second = await ws.ticket(customer, { subject: 'Mailbox full' });
    await ws.ticket(customer, { subject: 'Desk phone' });

    const page = await env().newPage();
    await signIn(page, ws.id, agent.email);
    await viewLink(page, 'Unassigned').click();
    await page.getByRole('heading', { name: 'Unassigned', level: 2 }).waitFor();
    expect(new URL(page.url()).searchParams.get('view')).toBe('unassigned');
    await expect.poll(() => viewLink(page, 'Unassigned').textContent()).toMatch(/3$/);
    await expect.poll(() => viewLink(page, 'Mine').textContent()).toMatch(/0$/);

    await page.getByRole('checkbox', { name: `Select ticket #${first.number}`, exact: true }).check();
    await page.getByRole('checkbox', { name: `Select ticket #${second.number}`, exact: true }).check();
    const bulk = page.getByRole('region', { name: '2 tickets selected' });
    await bulk.getByLabel('Assign to').selectOption({ label: 'Me' });
    await bulk.getByRole('button', { name: 'Assign' }).click();
    await page.getByRole('status').filter({ hasText: '2 tickets updated.' }).waitFor();

    // They leave the view; the third stays; the counts are read again.
    const table = page.getByRole('table');
    await table.getByRole('link', { name: 'VPN down' }).waitFor({ state: 'detached' });
    expect(await table.getByRole('link', { name: 'Mailbox full' }).count()).toBe(0);
    await table.getByRole('link', { name: 'Desk phone' }).waitFor();
    await expect.poll(() => viewLink(page, 'Unassigned').textContent()).toMatch(/1$/);
    await expect.poll(() => viewLink(page, 'Mine').textContent()).toMatch(/2$/);
    for (const t of [first, second]) {
      const ticket = (await env().api.get(`/tickets/${t.id}`, { token: agent.token })).body;
      expect(ticket.assigneeId).toBe(agent.id);
    }
    await expectAccessible(page, 'tickets page after a bulk change');

    // Mine now holds them.
    await viewLink(page, 'Mine').click();
    await page.getByRole('table').getByRole('link', { name: 'VPN down' }).waitFor();
    await page.getByRole('table').getByRole('link', { name: 'Mailbox full' }).waitFor();
  });

  it('§8.3 a bulk change reports each ticket it could not make (rule 10: no solving with an approval pending)', async () => {
    const ws = await newWorkspace(env().api, { approvalsEnabled: true });
    const [agent, approver] = await Promise.all([ws.member('Alex Agent'), ws.member('Paula Approver')]);
    const customer = await ws.contact('Chris Customer');
    const free = await ws.ticket(customer, { subject: 'Password reset' });
    const blocked = await ws.ticket(customer, { subject: 'New monitor' });
    await ws.approval(agent, blocked.id, { title: 'Monitor budget', approvers: [memberRef(approver)] });

    const page = await env().newPage();
    await signIn(page, ws.id, agent.email);
    await page.getByRole('checkbox', { name: `Select ticket #${free.number}`, exact: true }).check();
    await page.getByRole('checkbox', { name: `Select ticket #${blocked.number}`, exact: true }).check();
    const bulk = page.getByRole('region', { name: '2 tickets selected' });
    await bulk.getByLabel('Set status').selectOption({ label: 'Solved' });
    await bulk.getByRole('button', { name: 'Apply' }).first().click();
    await page.getByRole('status').filter({ hasText: '1 ticket updated.' }).waitFor();
    const alert = page.getByRole('alert').filter({ hasText: '1 ticket could not be updated' });
    await alert
      .getByText(`#${blocked.number} New monitor: This ticket has an approval awaiting an answer`)
      .waitFor();
    // The one that failed stays selected, for another try.
    await page.getByRole('region', { name: '1 ticket selected' }).waitFor();
    expect(
      await page.getByRole('checkbox', { name: `Select ticket #${blocked.number}`, exact: true }).isChecked(),
    ).toBe(true);
    expect((await env().api.get(`/tickets/${free.id}`, { token: agent.token })).body.status).toBe('solved');
    expect((await env().api.get(`/tickets/${blocked.id}`, { token: agent.token })).body.status).toBe('open');
  });

  it('§8.3 the ticket page edits priority, tags, assignee and CC', async () => {
    const ws = await newWorkspace(env().api);
    const [agent, colleague] = await Promise.all([ws.member('Alex Agent'), ws.member('Casey Colleague')]);
    const [customer, boss] = await Promise.all([ws.contact('Chris Customer'), ws.contact('Bea Boss')]);
    const ticket = await ws.ticket(customer, { subject: 'Broken chair' });

    const page = await env().newPage();
    await signIn(page, ws.id, agent.email);
    await page.goto(`/tickets/${ticket.id}`);
    const details = page.getByRole('region', { name: 'Details' });
    await details.getByLabel('Priority').selectOption('urgent');
    await details.getByRole('status').filter({ hasText: 'Priority set to Urgent.' }).waitFor();
    await details.getByLabel('New tags (separated by commas)').fill('furniture, Office');
    await details.getByRole('button', { name: 'Add tags', exact: true }).click();
    await details.getByRole('button', { name: 'Remove tag office' }).waitFor();
    await details.getByLabel('Assignee').selectOption({ label: 'Casey Colleague' });
    await details.getByRole('status').filter({ hasText: 'Assigned to Casey Colleague.' }).waitFor();
    await details.getByLabel('CC (contacts who follow this ticket)').selectOption({ label: 'Bea Boss' });
    await details.getByRole('button', { name: 'Add', exact: true }).click();
    await details.getByRole('status').filter({ hasText: 'CC saved.' }).waitFor();
    await expectAccessible(page, 'ticket page with its details');

    const saved = (await env().api.get(`/tickets/${ticket.id}`, { token: agent.token })).body;
    expect(saved).toMatchObject({
      priority: 'urgent',
      tags: ['furniture', 'office'],
      assigneeId: colleague.id,
      contactIds: [boss.id],
    });

    // Taking a tag off, and the ticket back.
    await details.getByRole('button', { name: 'Remove tag furniture' }).click();
    await details.getByRole('status').filter({ hasText: 'Tag furniture removed.' }).waitFor();
    await details.getByRole('button', { name: 'Assign to me' }).click();
    await details.getByRole('status').filter({ hasText: 'Assigned to Alex Agent.' }).waitFor();
    const after = (await env().api.get(`/tickets/${ticket.id}`, { token: agent.token })).body;
    expect(after).toMatchObject({ tags: ['office'], assigneeId: agent.id });
  });

  it('§8.3 keyboard only through a ticket: j/k/x/o in the list, r to reply, ? lists the shortcuts, g t back', async () => {
    const ws = await newWorkspace(env().api, { approvalsEnabled: true });
    const agent = await ws.member('Alex Agent');
    const customer = await ws.contact('Chris Customer');
    const older = await ws.ticket(customer, { subject: 'Older ticket' });
    const newer = await ws.ticket(customer, { subject: 'Newer ticket' });

    const page = await env().newPage();
    await signIn(page, ws.id, agent.email);
    const table = page.getByRole('table');
    await table.getByRole('link', { name: 'Newer ticket' }).waitFor();

    // `/` goes to the search box; typing there is not a shortcut; Escape leaves it.
    await page.keyboard.press('/');
    const search = page.getByRole('searchbox', { name: 'Search tickets' });
    await expect.poll(() => page.locator('input[type="search"]:focus').count()).toBe(1);
    await page.keyboard.type('jkx');
    expect(await search.inputValue()).toBe('jkx');
    await search.fill('');
    await page.keyboard.press('Escape');

    // j, j, k: the first row (the most recently updated); x selects it.
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    const focused = () => page.evaluate<string>("document.activeElement?.textContent ?? ''");
    expect(await focused()).toBe('Newer ticket');
    await page.keyboard.press('x');
    expect(
      await page.getByRole('checkbox', { name: `Select ticket #${newer.number}`, exact: true }).isChecked(),
    ).toBe(true);
    await page.getByRole('region', { name: '1 ticket selected' }).waitFor();
    await page.keyboard.press('j');
    expect(await focused()).toBe('Older ticket');

    // o opens the current row.
    await page.keyboard.press('o');
    await page.waitForURL(`**/tickets/${older.id}`);
    await page.getByRole('heading', { name: `#${older.number} Older ticket`, level: 1 }).waitFor();

    // r: the reply box; Tab to the send button, Enter sends.
    await page.keyboard.press('r');
    const replyBox = page.getByLabel('Your reply');
    await replyBox.waitFor();
    await expect.poll(() => page.locator('textarea[data-reply-body]:focus').count()).toBe(1);
    await page.keyboard.type('We are on it.');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('list', { name: 'Messages' }).getByText('We are on it.').waitFor();
    const messages = (await env().api.get(`/tickets/${older.id}/messages`, { token: agent.token })).body
      .items;
    expect(messages.some((m: { body: string }) => m.body === 'We are on it.')).toBe(true);

    // ? opens the sheet, a modal dialog; Esc closes it and focus comes back.
    await page.locator('body').focus();
    await page.keyboard.press('?');
    const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await sheet.waitFor();
    await sheet.getByRole('cell', { name: 'Reply to the ticket' }).waitFor();
    await sheet.getByRole('cell', { name: 'Go to your tasks' }).waitFor();
    await expectAccessible(page, 'the keyboard shortcuts sheet');
    await page.keyboard.press('j'); // not a shortcut while the sheet is open
    await page.keyboard.press('Escape');
    await sheet.waitFor({ state: 'hidden' });

    // g then a: the tasks; g then t: the tickets.
    await page.keyboard.press('g');
    await page.keyboard.press('a');
    await page.getByRole('heading', { name: 'Your tasks › Approval requests', level: 1 }).waitFor();
    await page.keyboard.press('g');
    await page.keyboard.press('t');
    await page.getByRole('heading', { name: 'Tickets', level: 1 }).waitFor();
  });

  it('§8.3 the task list links its titles, says since when a request waits, and the approver answers in place', async () => {
    const ws = await newWorkspace(env().api, { approvalsEnabled: true });
    const [agent, approver] = await Promise.all([ws.member('Alex Agent'), ws.member('Paula Approver')]);
    const customer = await ws.contact('Chris Customer');
    const ticket = await ws.ticket(customer, { subject: 'Figma seat' });
    const approval = await ws.approval(agent, ticket.id, {
      title: 'Software licence',
      approvers: [memberRef(approver)],
    });

    const page = await env().newPage();
    await signIn(page, ws.id, approver.email);
    await page.goto('/tasks');
    const awaiting = page.getByRole('region', { name: /^Awaiting me/ });
    await awaiting.getByRole('heading', { name: 'Awaiting me (1)' }).waitFor();
    const row = awaiting.getByRole('row').filter({ hasText: 'Software licence' });
    const title = row.getByRole('link', { name: `Request #${approval.number}: Software licence` });
    expect(await title.getAttribute('href')).toBe(`/tickets/${ticket.id}?approval=${approval.id}`);
    await awaiting.getByRole('columnheader', { name: 'Waiting since' }).waitFor();
    // The step started moments ago.
    await expect.poll(() => row.locator('time').textContent()).toMatch(/now|second|minute/);
    await expectAccessible(page, 'tasks with waiting since');

    await row.getByRole('button', { name: `Answer — Request #${approval.number}: Software licence` }).click();
    const answer = awaiting.getByRole('form', { name: 'Your answer' });
    await answer.getByLabel('Comment (optional)').fill('Fine by me.');
    await expectAccessible(page, 'tasks with the inline answer open');
    await answer.getByRole('button', { name: 'Approve' }).click();
    await awaiting
      .getByRole('status')
      .filter({ hasText: `Your answer to Request #${approval.number}: Software licence was recorded.` })
      .waitFor();
    await page.getByText('Nothing awaits your answer.').waitFor();

    const after = (await env().api.get(`/approvals/${approval.id}`, { token: approver.token })).body;
    expect(after.status).toBe('approved');
    expect(after.steps[0].approvers[0]).toMatchObject({
      id: approver.id,
      decision: 'approve',
      comment: 'Fine by me.',
      channel: 'agent_ui',
    });
  });
  it('§8.3 on a 390 px phone the tickets list with its views, filters and bulk bar, a ticket and the tasks do not scroll sideways', async () => {
    const ws = await newWorkspace(env().api, { approvalsEnabled: true });
    const [agent, approver] = await Promise.all([ws.member('Alex Agent'), ws.member('Paula Approver')]);
    const customer = await ws.contact('Chris Customer');
    const long = 'Averyveryverylongsubjectwithoutanyspaceatallthatwouldwidenthepage'.repeat(2);
    const ticket = await ws.ticket(customer, { subject: long });
    await ws.approval(agent, ticket.id, { title: long, approvers: [memberRef(approver)] });
    await env().api.patch(`/tickets/${ticket.id}`, { tags: ['hardware', 'vip'] }, { token: agent.token });

    const page = await env().newPage({ viewport: { width: 390, height: 844 } });
    await signIn(page, ws.id, approver.email);
    const noSideScroll = async (what: string) => {
      const { scrollWidth, clientWidth } = await page.evaluate<{ scrollWidth: number; clientWidth: number }>(
        '({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })',
      );
      expect(scrollWidth, what).toBeLessThanOrEqual(clientWidth);
    };
    await page.getByRole('checkbox', { name: `Select ticket #${ticket.number}`, exact: true }).check();
    await page.getByRole('region', { name: '1 ticket selected' }).waitFor();
    await noSideScroll('tickets list');
    await page.goto(`/tickets/${ticket.id}`);
    await page.getByRole('region', { name: 'Details' }).waitFor();
    await noSideScroll('ticket');
    await page.goto('/tasks');
    await page.getByRole('heading', { name: 'Awaiting me (1)' }).waitFor();
    await page.getByRole('button', { name: /^Answer/ }).click();
    await page.getByRole('form', { name: 'Your answer' }).waitFor();
    await noSideScroll('tasks');
  });
});
