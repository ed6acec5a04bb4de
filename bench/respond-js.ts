// `npx tsx bench/respond-js.ts`: how much JavaScript the public response page (/respond/<token>) makes
// the browser fetch, counted from the responses Chromium receives (issue 13: the page must not load the
// admin editor). Uses the browser tests' set-up (test/browser/support.ts): real server, dev mailbox.
import { memberRef, newWorkspace, respondLinks, startBrowserEnv } from '../test/browser/support.js';

async function main() {
  const env = await startBrowserEnv();
  try {
    const ws = await newWorkspace(env.api, { approvalsEnabled: true, requireSignInForEmailResponses: false });
    const [agent, approver] = await Promise.all([ws.member('Alex Agent'), ws.member('Paula Approver')]);
    const customer = await ws.contact('Chris Customer');
    const ticket = await ws.ticket(customer, { subject: 'New monitor', body: 'My screen flickers.' });
    await ws.approval(agent, ticket.id, { title: 'Monitor for Chris', approvers: [memberRef(approver)] });
    const email = await env.waitForEmail((m) => m.to.address === approver.email);
    const link = respondLinks(email).find((l) => !l.includes('?'))!;

    const page = await env.newPage();
    const scripts: { url: string; bytes: number }[] = [];
    page.on('response', async (response) => {
      if (response.request().resourceType() !== 'script') return;
      const body = await response.body().catch(() => Buffer.alloc(0));
      scripts.push({ url: new URL(response.url()).pathname, bytes: body.length });
    });
    await page.goto(link);
    await page.getByRole('form', { name: 'Your answer' }).waitFor();
    await page.waitForLoadState('networkidle');
    const total = scripts.reduce((sum, s) => sum + s.bytes, 0);
    for (const s of scripts) console.log(`${s.bytes}\t${s.url}`);
    console.log(`total\t${total} bytes in ${scripts.length} files`);
  } finally {
    await env.close();
  }
}

await main();
