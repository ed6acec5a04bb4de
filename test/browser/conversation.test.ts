import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserSuiteHooks } from './suite.js';
import { type BrowserEnv, browserAvailable, newWorkspace, type Person, signIn } from './support.js';

/**
 * Issue 10 item 6: a long conversation shows its newest messages first and loads older ones on demand
 * ("Show older messages"), in the agent's ticket view and in the customer portal.
 */

let env: BrowserEnv;

/** `count` old messages on the ticket (every fourth an internal note), older than anything posted after. */
async function seedMessages(workspaceId: string, ticketId: string, author: Person, count: number) {
  await sql`
    INSERT INTO ticket_messages (workspace_id, id, ticket_id, author_type, author_id, body, public, created_at)
    SELECT ${workspaceId}::uuid, gen_random_uuid(), ${ticketId}::uuid, 'member', ${author.id}::uuid,
      'Old message ' || i, i % 4 <> 0, now() - make_interval(mins => ${count}::int - i + 1)
    FROM generate_series(1, ${count}::int) AS i`.execute(env.db);
}

describe.skipIf(!browserAvailable())('browser: long conversations', { timeout: 60_000 }, () => {
  const browserEnv = browserSuiteHooks();
  beforeAll(() => {
    env = browserEnv();
  });

  it('the agent sees the newest reply and loads older messages with "Show older messages"', async () => {
    const ws = await newWorkspace(env.api);
    const agent = await ws.member('Olga Agent');
    const customer = await ws.contact('Carl Customer');
    const ticket = await ws.ticket(customer);
    await seedMessages(ws.id, ticket.id, agent, 70);
    await env.api.post(
      `/tickets/${ticket.id}/messages`,
      { body: 'Newest reply', public: true },
      { token: customer.token },
    );

    const page = await env.newPage();
    await signIn(page, ws.id, agent.email);
    await page.goto(`/tickets/${ticket.id}`);
    const thread = page.getByRole('list', { name: 'Messages' });
    await thread.getByText('Newest reply').waitFor();
    expect(await thread.getByText('Old message 1', { exact: true }).count()).toBe(0);
    await page.getByRole('button', { name: 'Show older messages' }).click();
    await thread.getByText('Old message 1', { exact: true }).waitFor();
    await page.getByRole('status').filter({ hasText: 'older messages shown' }).waitFor({ state: 'attached' });
    // 70 old ones, the ticket's first message and the newest reply: everything, once each, in order.
    expect(await thread.getByRole('listitem').count()).toBe(72);
    expect(await page.getByRole('button', { name: 'Show older messages' }).count()).toBe(0);
    const bodies = await thread.locator('li p').allTextContents();
    expect(bodies.at(-1)).toBe('Newest reply');
    expect(bodies.indexOf('Old message 2')).toBe(bodies.indexOf('Old message 1') + 1);
  });

  it('the customer sees public messages only, older ones on demand', async () => {
    const ws = await newWorkspace(env.api);
    const agent = await ws.member('Pia Agent');
    const customer = await ws.contact('Dana Customer');
    const ticket = await ws.ticket(customer);
    await seedMessages(ws.id, ticket.id, agent, 120);

    const page = await env.newPage();
    await signIn(page, ws.id, customer.email, undefined, { portal: true });
    await page.goto(`/portal/tickets/${ticket.id}`);
    const thread = page.getByRole('list', { name: 'Conversation' });
    await thread.getByText('Old message 119', { exact: true }).waitFor();
    const more = page.getByRole('button', { name: 'Show older messages' });
    await more.click();
    await thread.getByText('Old message 30', { exact: true }).waitFor();
    if (await more.count()) await more.click();
    await thread.getByText('Old message 1', { exact: true }).waitFor();
    expect(await thread.getByText('Old message 4', { exact: true }).count()).toBe(0);
    // 90 public old ones and the ticket's first message.
    expect(await thread.getByRole('listitem').count()).toBe(91);
  });
});
