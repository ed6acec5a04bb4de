import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  axeCheck,
  type BrowserEnv,
  browserAvailable,
  fillSignInForm,
  newWorkspace,
  PASSWORD,
  startBrowserEnv,
} from './support.js';

/**
 * The forgotten-password journey in the real web app (SPEC §8.3): "Email me a password reset link" on
 * the sign-in page, the link from the dev mailbox, a new password, and signing in with it.
 */

let env: BrowserEnv;

describe.skipIf(!browserAvailable())('browser: password reset', { timeout: 60_000 }, () => {
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

  it('an agent asks for a reset link on the sign-in page, sets a new password from the email, and signs in with it', async () => {
    const ws = await newWorkspace(env.api, { approvalsEnabled: true });
    const agent = await ws.member('Rae Reset');
    const page = await env.newPage();
    await page.goto('/signin');
    await page.getByLabel('Workspace ID').fill(ws.id);
    await page.getByLabel('Email').fill(agent.email);
    await page.getByRole('button', { name: 'Email me a password reset link' }).click();
    await page.getByRole('status').filter({ hasText: 'a reset link is on its way' }).waitFor();

    const email = await env.waitForEmail(
      (m) => m.to.address === agent.email && m.subject.startsWith('Reset your password'),
    );
    const link = /https?:\/\/\S+\/set-password\/[A-Za-z0-9_-]{43}/.exec(email.text)?.[0];
    expect(link, email.text).toBeTruthy();
    await page.goto(new URL(link!).pathname);
    await page.getByRole('heading', { name: 'Choose a new password', level: 1 }).waitFor();
    expect((await axeCheck(page)).serious, 'set-password page').toEqual([]);
    const newPassword = 'a fresh browser passphrase';
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('New password again').fill(newPassword);
    await page.getByRole('button', { name: 'Set my password' }).click();
    await page.getByRole('status').filter({ hasText: 'Your password is set' }).waitFor();

    // The old password no longer works; the new one does, through the real sign-in form.
    const old = await env.api.post('/auth/login', {
      workspaceId: ws.id,
      email: agent.email,
      password: PASSWORD,
    });
    expect(old.status).toBe(401);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.pathname === '/signin');
    await fillSignInForm(page, ws.id, agent.email, newPassword);
    await page.getByRole('link', { name: 'Profile' }).click();
    await page.getByRole('heading', { name: 'Your profile', level: 1 }).waitFor();
    expect((await axeCheck(page)).serious, 'profile page').toEqual([]);
    // The agent's session from before the reset is over.
    expect((await env.api.get('/me', { token: agent.token })).status).toBe(401);
  });
});
