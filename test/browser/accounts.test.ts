import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserSuiteHooks } from './suite.js';
import {
  axeCheck,
  type BrowserEnv,
  browserAvailable,
  fillSignInForm,
  type MailboxEntry,
  newWorkspace,
  PASSWORD,
} from './support.js';

/**
 * A support team's first day in the real web app (SPEC §8.3): sign up, invite an agent, the agent sets
 * a password from the emailed link and signs in with email and password only; a forgotten password
 * from the sign-in page; the workspace chooser; the portal at /portal/{slug}. Each new page axe-checked.
 */

let env: BrowserEnv;
const unique = () => randomBytes(4).toString('hex');

async function expectAccessible(page: Page, name: string) {
  const { serious } = await axeCheck(page);
  expect(serious, `${name} (${page.url()})`).toEqual([]);
}

/** The set-password link of an invitation or reset email, as a path of the web app. */
function setPasswordPath(email: MailboxEntry): string {
  const link = /https?:\/\/\S+\/set-password\/[A-Za-z0-9_-]{43}\S*/.exec(email.text)?.[0];
  expect(link, email.text).toBeTruthy();
  const url = new URL(link!);
  return url.pathname + url.search;
}

/** No field anywhere on the page asks for a workspace id. */
async function expectNoWorkspaceField(page: Page) {
  expect(await page.locator('input[autocomplete="organization"]').count()).toBe(0);
  expect(await page.getByLabel(/workspace id/i).count()).toBe(0);
}

describe.skipIf(!browserAvailable())(
  'browser: sign-in, invitations and recovery',
  { timeout: 90_000 },
  () => {
    const browserEnv = browserSuiteHooks();
    beforeAll(() => {
      env = browserEnv();
    });

    it('SPEC §8.3: sign up → invite an agent → the agent sets a password from the email and signs in with email and password only', async () => {
      // Sign-up, from the sign-in page's link.
      const founder = await env.newPage();
      await founder.goto('/signin');
      await expectNoWorkspaceField(founder);
      await founder.getByRole('link', { name: 'Create a workspace' }).click();
      await founder.getByRole('heading', { name: 'Create your workspace', level: 1 }).waitFor();
      await expectAccessible(founder, 'sign-up page');
      const adminEmail = `founder-${unique()}@example.test`;
      await founder.getByLabel('Workspace name').fill(`Journey ${unique()}`);
      await founder.getByLabel('Your name').fill('Fay Founder');
      await founder.getByLabel('Email').fill(adminEmail);
      await founder.getByLabel('Password').fill(PASSWORD);
      await founder.getByRole('button', { name: 'Create workspace' }).click();
      await founder.waitForURL((u) => u.pathname === '/');
      await founder.getByRole('heading', { name: 'Tickets', level: 1 }).waitFor();

      // The admin adds an agent, then sends an invitation.
      await founder.goto('/admin/members');
      await founder.getByRole('heading', { name: 'Members', level: 1 }).waitFor();
      const agentEmail = `agent-${unique()}@example.test`;
      await founder.getByRole('button', { name: 'Add member' }).click();
      const dialog = founder.getByRole('dialog');
      await dialog.getByLabel('Name').fill('Ian Invited');
      await dialog.getByLabel('Email').fill(agentEmail);
      await dialog.getByRole('button', { name: 'Add member' }).click();
      await founder.getByRole('status').filter({ hasText: 'Ian Invited was added' }).waitFor();
      await founder.getByRole('button', { name: 'Send Ian Invited an invitation' }).click();
      await founder
        .getByRole('status')
        .filter({ hasText: 'An invitation is on its way to Ian Invited' })
        .waitFor();
      await expectAccessible(founder, 'members page with invitation buttons');

      // The invitation, in the dev mailbox.
      const invitation = await env.waitForEmail(
        (m) => m.to.address === agentEmail && m.subject.startsWith('You are invited'),
      );
      const agent = await env.newPage();
      await agent.goto(setPasswordPath(invitation));
      await agent.getByRole('heading', { name: 'Welcome: choose your password', level: 1 }).waitFor();
      const agentPassword = 'the invited agent passphrase';
      await agent.getByLabel('New password', { exact: true }).fill(agentPassword);
      await agent.getByLabel('New password again').fill(agentPassword);
      await agent.getByRole('button', { name: 'Set my password' }).click();
      await agent.getByRole('status').filter({ hasText: 'Your password is set' }).waitFor();

      // Sign-in: email and password, no workspace id anywhere (not in the address either).
      await agent.getByRole('link', { name: 'Sign in' }).click();
      await agent.waitForURL((u) => u.pathname === '/signin');
      expect(agent.url()).not.toMatch(/workspace/i);
      await expectNoWorkspaceField(agent);
      expect(await agent.getByLabel('Email').inputValue()).toBe(agentEmail);
      await agent.getByLabel('Password').fill(agentPassword);
      await agent.getByRole('button', { name: 'Sign in' }).click();
      await agent.waitForURL((u) => u.pathname === '/');
      await agent.getByRole('heading', { name: 'Tickets', level: 1 }).waitFor();
      const me = await agent.evaluate(async () => (await fetch('/api/v1/me')).json());
      expect(me).toMatchObject({ type: 'member', email: agentEmail, name: 'Ian Invited', role: 'agent' });
    });

    it('SPEC §8.3: "Forgot your password?" on the sign-in page emails a reset link; the page says the same for an unknown address', async () => {
      const ws = await newWorkspace(env.api, { approvalsEnabled: true });
      const agent = await ws.member('Rae Reset');
      const page = await env.newPage();
      await page.goto('/signin');
      await page.getByLabel('Email').fill(agent.email);
      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      await page.getByRole('heading', { name: 'Forgot your password?', level: 1 }).waitFor();
      await expectNoWorkspaceField(page);
      expect(await page.getByLabel('Email').inputValue()).toBe(agent.email);
      await expectAccessible(page, 'forgot-password page');
      await page.getByRole('button', { name: 'Email me a password reset link' }).click();
      await page.getByRole('status').filter({ hasText: 'If this address has an account' }).waitFor();

      const email = await env.waitForEmail(
        (m) => m.to.address === agent.email && m.subject.startsWith('Reset your password'),
      );
      await page.goto(setPasswordPath(email));
      await page.getByRole('heading', { name: 'Choose a new password', level: 1 }).waitFor();
      await expectAccessible(page, 'set-password page');
      const newPassword = 'a fresh browser passphrase';
      await page.getByLabel('New password', { exact: true }).fill(newPassword);
      await page.getByLabel('New password again').fill(newPassword);
      await page.getByRole('button', { name: 'Set my password' }).click();
      await page.getByRole('status').filter({ hasText: 'Your password is set' }).waitFor();

      // The old password no longer works; the new one does, through the real sign-in form.
      const old = await env.api.post('/auth/login', { email: agent.email, password: PASSWORD });
      expect(old.status).toBe(401);
      await page.getByRole('link', { name: 'Sign in' }).click();
      await page.waitForURL((u) => u.pathname === '/signin');
      await fillSignInForm(page, ws.id, agent.email, newPassword);
      await page.getByRole('link', { name: 'Profile' }).click();
      await page.getByRole('heading', { name: 'Your profile', level: 1 }).waitFor();
      await expectAccessible(page, 'profile page');
      // The agent's session from before the reset is over.
      expect((await env.api.get('/me', { token: agent.token })).status).toBe(401);

      // An address without an account reads the very same answer (no enumeration).
      const stranger = await env.newPage();
      await stranger.goto('/forgot-password');
      await stranger.getByLabel('Email').fill(`nobody-${unique()}@example.test`);
      await stranger.getByRole('button', { name: 'Email me a password reset link' }).click();
      await stranger.getByRole('status').filter({ hasText: 'If this address has an account' }).waitFor();
    });

    it('SPEC §8.3: an email and password that open two workspaces get a chooser with their names, then sign in to the chosen one', async () => {
      const a = await newWorkspace(env.api, {}, { workspace: `Alpha ${unique()}` });
      const b = await newWorkspace(env.api, {}, { workspace: `Beta ${unique()}` });
      const email = `both-${unique()}@example.test`;
      for (const ws of [a, b]) {
        const res = await env.api.post(
          '/members',
          { name: 'Bo Both', email, role: 'agent', password: PASSWORD },
          { token: ws.admin.token },
        );
        expect(res.status, JSON.stringify(res.body)).toBe(201);
      }
      const names = await Promise.all(
        [a, b].map(async (ws) => (await env.api.get(`/workspaces/by-slug/${ws.slug}`)).body.name as string),
      );
      const page = await env.newPage();
      await page.goto('/signin');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      const chooser = page.getByRole('group', { name: 'Choose a workspace' });
      await chooser.waitFor();
      await expectAccessible(page, 'sign-in with the workspace chooser');
      for (const name of names) await chooser.getByRole('radio', { name }).waitFor();
      await chooser.getByRole('radio', { name: names[1] }).check();
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL((u) => u.pathname === '/');
      const me = await page.evaluate(async () => (await fetch('/api/v1/me')).json());
      expect(me).toMatchObject({ email, workspaceId: b.id });
    });

    it('SPEC §8.6: "Email me a sign-in link" on the sign-in page asks for the typed email (none typed: it says so) and the link arrives', async () => {
      const ws = await newWorkspace(env.api);
      const agent = await ws.member('Lin Link');
      const page = await env.newPage();
      await page.goto('/signin');
      await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
      await page.getByRole('alert').filter({ hasText: 'Enter your email first.' }).waitFor();
      await page.getByLabel('Email').fill(agent.email);
      await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
      await page.getByRole('status').filter({ hasText: 'a sign-in link is on its way' }).waitFor();
      const email = await env.waitForEmail(
        (m) => m.to.address === agent.email && m.subject.startsWith('Your sign-in link'),
      );
      expect(email.text).toContain('/sign-in/link/');
    });

    it("SPEC §8.3: the language kept on the profile is the app's after sign-in, whatever the browser's", async () => {
      const ws = await newWorkspace(env.api);
      const agent = await ws.member('Fran Français', 'agent', 'fr');
      const page = await env.newPage({ locale: 'en-US' });
      await page.goto('/signin');
      // English chosen on this browser before: the profile's language still wins once signed in.
      await page.evaluate("localStorage.setItem('signoff.locale', 'en')");
      await page.reload();
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      await fillSignInForm(page, ws.id, agent.email);
      await page.getByRole('button', { name: 'Se déconnecter' }).waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    });

    it('SPEC §8.3: the portal at /portal/{slug} signs a customer in to that workspace with email and password', async () => {
      const ws = await newWorkspace(env.api, {}, { workspace: `Portal ${unique()}` });
      const customer = await ws.contact('Cory Customer');
      const name = (await env.api.get(`/workspaces/by-slug/${ws.slug}`)).body.name as string;
      const page = await env.newPage();
      await page.goto(`/portal/${ws.slug}`);
      await page.getByRole('heading', { name: `Sign in to the ${name} portal`, level: 1 }).waitFor();
      await expectNoWorkspaceField(page);
      await expectAccessible(page, 'portal sign-in by slug');
      await page.getByLabel('Email').fill(customer.email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((u) => u.pathname === '/portal');
      const me = await page.evaluate(async () => (await fetch('/api/v1/me')).json());
      expect(me).toMatchObject({ type: 'contact', id: customer.id, workspaceId: ws.id });

      const unknown = await env.newPage();
      await unknown.goto(`/portal/no-such-${unique()}`);
      await unknown.getByRole('heading', { name: 'There is no portal at this address', level: 1 }).waitFor();
    });
  },
);
