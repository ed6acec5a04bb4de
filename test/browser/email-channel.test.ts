import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { INBOUND_DOMAIN, postInbound, rawMessage } from '../support/inbound.js';
import { browserSuiteHooks } from './suite.js';
import { axeCheck, type BrowserEnv, browserAvailable, newWorkspace, signIn } from './support.js';

/**
 * Issue 14 (SPEC §8.2, email is a channel) in the browser: an emailed ticket with its attachment in the
 * agent's thread, the agent's public answer, the customer's emailed reply sent from the dev mailbox page;
 * the settings' Email section and the dev mailbox's compose form, checked with axe.
 */

let env: BrowserEnv;

async function expectAccessible(page: Page, name: string) {
  const { serious, lesser } = await axeCheck(page);
  const summary = serious.length ? JSON.stringify(serious) : 'no serious or critical violation';
  console.info(`[axe] ${name}: ${summary}${lesser.length ? `; lesser: ${lesser.join(', ')}` : ''}`);
  expect(serious, `${name} (${page.url()})`).toEqual([]);
}

async function inboundAddressOf(adminToken: string): Promise<string> {
  const res = await env.api.get('/settings', { token: adminToken });
  return res.body.inboundAddress as string;
}

describe.skipIf(!browserAvailable())('browser: email is a channel (SPEC §8.2)', { timeout: 90_000 }, () => {
  const browserEnv = browserSuiteHooks();
  beforeAll(() => {
    env = browserEnv();
  });

  it('SPEC §8.2: the agent sees an emailed ticket with its attachment, answers it, and the customer’s emailed reply lands in the thread', async () => {
    const ws = await newWorkspace(env.api);
    const agent = await ws.member('Alex Agent');
    const address = await inboundAddressOf(ws.admin.token);
    const customer = `nora-${randomBytes(3).toString('hex')}@customer.test`;
    const pdf = randomBytes(3000);
    const raw = await rawMessage({
      from: { name: 'Nora Newcomer', address: customer },
      to: address,
      subject: 'Invoice is wrong',
      text: 'The total is wrong, see the attached invoice.',
      attachments: [{ filename: 'invoice-42.pdf', content: pdf, contentType: 'application/pdf' }],
    });
    const posted = await postInbound(env.url, raw);
    expect(posted.status, JSON.stringify(posted.body)).toBe(202);
    const ticketId = posted.body.ticketId as string;

    const page = await env.newPage();
    await signIn(page, ws.id, agent.email);
    await page.goto(`/tickets/${ticketId}`);
    const thread = page.getByRole('list', { name: 'Messages' });
    const first = thread.getByRole('listitem').filter({ hasText: 'The total is wrong' });
    await first.waitFor();
    await first.getByText('via email', { exact: true }).waitFor();
    const link = first.getByRole('link', { name: 'invoice-42.pdf' });
    await link.waitFor();
    expect(await first.textContent()).toContain('3 kB');
    // The link downloads the very bytes that were sent, with the agent's session.
    const href = await link.getAttribute('href');
    const download = await page.context().request.get(href!);
    expect(download.status()).toBe(200);
    expect(Buffer.from(await download.body()).equals(pdf)).toBe(true);

    await page.getByLabel('Your reply').fill('We will send a corrected invoice today.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await thread.getByText('We will send a corrected invoice today.').waitFor();

    // The customer answers from the dev mailbox page. With the notify branch, the agent's reply is an
    // email to the customer: "Reply" answers it (to its Reply-To, threaded). Without it, the
    // customer writes to the ticket's reply address (SPEC §8.2 `{slug}+t{token}@{domain}`) by hand.
    const mailbox = await env.newPage();
    await mailbox.goto('/dev/mailbox');
    const emailed = await env
      .waitForEmail((m) => m.to.address === customer && m.text.includes('corrected invoice'), 5000)
      .catch(() => null);
    if (emailed) {
      await mailbox.goto(`/dev/mailbox?message=${encodeURIComponent(emailed.id)}`);
      await mailbox.getByRole('button', { name: 'Reply', exact: true }).click();
      expect(await mailbox.getByLabel('To', { exact: true }).inputValue()).toBe(emailed.replyTo);
      expect(await mailbox.getByLabel('From', { exact: true }).inputValue()).toBe(customer);
    } else {
      console.info(
        '[email-channel] no email to the customer (notify not merged): replying to the +t address',
      );
      const row = await env.db
        .selectFrom('tickets')
        .select('reply_token')
        .where('workspace_id', '=', ws.id)
        .where('id', '=', ticketId)
        .executeTakeFirstOrThrow();
      const slug = address.slice(0, address.indexOf('@'));
      await mailbox.getByRole('button', { name: 'New email' }).click();
      await mailbox.getByLabel('From', { exact: true }).fill(customer);
      await mailbox.getByLabel('To', { exact: true }).fill(`${slug}+t${row.reply_token}@${INBOUND_DOMAIN}`);
      await mailbox.getByLabel('Subject').fill('Re: Invoice is wrong');
    }
    await mailbox.getByLabel('Message', { exact: true }).fill('Thanks, I will wait for it.');
    await mailbox.getByRole('button', { name: 'Send', exact: true }).click();
    await mailbox.getByRole('status').filter({ hasText: 'added to its ticket' }).waitFor();
    // The list marks it as sent in.
    await mailbox
      .getByRole('navigation', { name: 'Emails, newest first' })
      .getByRole('button')
      .filter({ hasText: 'Sent in' })
      .first()
      .waitFor();

    await page.reload();
    const reply = thread.getByRole('listitem').filter({ hasText: 'Thanks, I will wait for it.' });
    await reply.waitFor();
    await reply.getByText('via email', { exact: true }).waitFor();
  });

  it('SPEC §8.6: the settings’ Email section shows the inbound address and slug_taken next to the slug field; axe finds no serious violation', async () => {
    const other = await newWorkspace(env.api);
    const otherSlug = (await inboundAddressOf(other.admin.token)).split('@')[0]!;
    const ws = await newWorkspace(env.api);
    const address = await inboundAddressOf(ws.admin.token);

    const page = await env.newPage();
    await signIn(page, ws.id, ws.admin.email);
    await page.goto('/admin');
    const section = page.getByRole('region', { name: 'Email', exact: true });
    await section.getByText(address, { exact: true }).waitFor();
    await section.getByRole('switch', { name: /Accept mail from unknown senders/ }).waitFor();
    await section.getByRole('switch', { name: /Acknowledge new tickets/ }).waitFor();
    await expectAccessible(page, 'settings: Email section');

    const slug = section.getByLabel('Address name');
    await slug.fill('No Good!');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await section.getByText('Use 3 to 40 lower-case letters').waitFor();

    await slug.fill(otherSlug);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await section.getByText('Another workspace already uses this address name.').waitFor();
    expect(await slug.getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, 'settings: slug taken');

    const mine = `mine-${randomBytes(3).toString('hex')}`;
    await slug.fill(mine);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await section.getByText(`${mine}@${INBOUND_DOMAIN}`, { exact: true }).waitFor();
  });

  it('issue 14: the dev mailbox’s compose form is accessible (axe)', async () => {
    const page = await env.newPage();
    await page.goto('/dev/mailbox');
    await page.getByRole('button', { name: 'New email' }).click();
    await page.getByRole('form', { name: 'Send an email to Signoff' }).waitFor();
    await expectAccessible(page, 'dev mailbox: new email');
  });
});
