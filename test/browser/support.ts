import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { buildApp } from '../../src/app.js';
import { type Background, startBackground } from '../../src/background.js';
import { type Config, loadConfig } from '../../src/shared/config.js';
import type { Db } from '../../src/shared/db/connect.js';
import type { RateLimits } from '../../src/shared/http/types.js';
import { type Client, client } from '../support/client.js';
import { openTestDatabase } from '../support/database.js';
import { fakeResolver, INBOUND_ENV } from '../support/inbound.js';

/**
 * The browser suites' world: the real server (web app and API) on a fresh test database, the
 * dev mailbox (no SMTP server) with the delivery worker running, and Debian's Chromium driven by
 * playwright-core. Free of vitest, so that `npm run screenshots` can use it too.
 */

export const CHROMIUM = '/usr/bin/chromium';
export const PASSWORD = 'correct horse battery';
const ROOT = resolve(import.meta.dirname, '../..');
const WEB_DIST = join(ROOT, 'web', 'dist');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Whether the browser suites run here. Without Chromium they are skipped with a message,
 * except under CI, where they run and fail (see `startBrowserEnv`).
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) return true;
  console.warn(`[skip] ${CHROMIUM} not found: skipping the browser tests (apt-get install chromium)`);
  return false;
}

// ---------------------------------------------------------------- web app build

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** True when web/dist is missing or older than the web app's sources. */
function webBuildNeeded(): boolean {
  const index = join(WEB_DIST, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const sources = Math.max(
    newestMtime(join(ROOT, 'web', 'src')),
    newestMtime(join(ROOT, 'web', 'index.html')),
    newestMtime(join(ROOT, 'web', 'vite.config.ts')),
  );
  return sources > built;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Builds the web app (`npm run build:web`) when web/dist is missing or stale. Test files run in
 * parallel workers: a lock directory makes one of them build while the others wait.
 */
export async function ensureWebBuilt(): Promise<void> {
  if (!webBuildNeeded()) return;
  const lock = join(tmpdir(), `signoff-web-build-${Buffer.from(ROOT).toString('base64url')}.lock`);
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a killed run is taken over after three minutes.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 180_000)
        rmSync(lock, { force: true, recursive: true });
      if (Date.now() > deadline) throw new Error(`waited too long for the web build lock ${lock}`);
      await sleep(250);
    }
  }
  try {
    if (!webBuildNeeded()) return;
    try {
      execFileSync('npm', ['run', 'build:web'], { cwd: ROOT, stdio: 'pipe', timeout: 170_000 });
    } catch (error) {
      const e = error as { stdout?: Buffer; stderr?: Buffer };
      throw new Error(
        `npm run build:web failed:\n${e.stdout?.toString() ?? ''}\n${e.stderr?.toString() ?? ''}`,
      );
    }
  } finally {
    rmSync(lock, { force: true, recursive: true });
  }
}

// ---------------------------------------------------------------- environment

const GENEROUS: RateLimits = {
  loginFailures: { max: 10_000, windowSeconds: 900 },
  signups: { max: 10_000, windowSeconds: 3600 },
  approvalLinks: { max: 10_000, windowSeconds: 60 },
};

const quiet = { info() {}, warn() {}, error() {} };

export type MailboxEntry = {
  id: string;
  /** Issue 14: `inbound` for an email sent in from the dev mailbox page. */
  direction: 'inbound' | 'outbound';
  messageId: string;
  replyTo: string | null;
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
};

export type Person = { id: string; email: string; name: string; token: string };

export type BrowserEnv = {
  url: string;
  api: Client;
  db: Db;
  config: Config;
  browser: Browser;
  /** A new page in its own browser context (its own cookies and storage), English, desktop-sized. */
  newPage(options?: { viewport?: { width: number; height: number }; locale?: string }): Promise<Page>;
  /** Screenshots of every open page into a temp folder (for a failing test); returns the folder. */
  snapshotPages(label: string): Promise<string | null>;
  /** Closes the pages opened since the last call. */
  closePages(): Promise<void>;
  /** The emails of the dev mailbox (GET /api/v1/dev/mailbox), newest first. */
  mailbox(): Promise<MailboxEntry[]>;
  /** Waits for an email that `match` accepts. */
  waitForEmail(match: (m: MailboxEntry) => boolean, timeoutMs?: number): Promise<MailboxEntry>;
  close(): Promise<void>;
};

/** Fast delivery: the worker polls every 100 ms and retries quickly. */
const FAST_POLICY = { baseDelayMs: 200, maxDelayMs: 1000, pollMs: 100 };

export async function startBrowserEnv(): Promise<BrowserEnv> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing; the browser tests need Debian's Chromium (apt-get install chromium)`,
    );
  }
  await ensureWebBuilt();
  const database = await openTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'signoff-browser-'));
  const env = {
    ...process.env,
    LOG_LEVEL: 'silent',
    PORT: '0',
    DATABASE_URL: '',
    SMTP_URL: '',
    DATA_DIR: dataDir,
    NODE_ENV: 'test',
    // The HTTP door of inbound mail (SPEC §8.2) is open, with the suites' secret and domain.
    ...INBOUND_ENV,
  };
  const app = await buildApp({
    database: database.handle,
    config: loadConfig(env),
    rateLimits: GENEROUS,
    logger: false,
    // The machine has no DNS: SPF/DKIM/DMARC lookups are answered from a table at once.
    dnsResolver: fakeResolver(),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  // Links in emails point at this server.
  const config = loadConfig({ ...env, PUBLIC_URL: url, PORT: String(port) });
  const db = database.handle.db;
  let background: Background | null = null;
  let browser: Browser | null = null;
  const contexts: BrowserContext[] = [];
  const api = client(url);

  async function close() {
    await Promise.allSettled(contexts.map((c) => c.close()));
    await browser?.close().catch(() => undefined);
    await background?.stop().catch(() => undefined);
    await app.close();
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }

  try {
    background = startBackground({ db, config, log: quiet, policy: FAST_POLICY, scheduleEveryMs: 3_600_000 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  } catch (error) {
    await close();
    throw error;
  }
  const theBrowser = browser;

  async function mailbox(): Promise<MailboxEntry[]> {
    const res = await api.get<{ items: MailboxEntry[] }>('/dev/mailbox');
    if (res.status !== 200) throw new Error(`GET /dev/mailbox: ${res.status}`);
    return res.body.items;
  }

  return {
    url,
    api,
    db,
    config,
    browser: theBrowser,
    async newPage(options = {}) {
      const context = await theBrowser.newContext({
        baseURL: url,
        locale: options.locale ?? 'en-US',
        viewport: options.viewport ?? { width: 1280, height: 900 },
        ...(options.viewport && options.viewport.width < 600 ? { isMobile: true, hasTouch: true } : {}),
      });
      context.setDefaultTimeout(10_000);
      contexts.push(context);
      return context.newPage();
    },
    async snapshotPages(label) {
      const pages = contexts.flatMap((c) => c.pages());
      if (pages.length === 0) return null;
      const dir = mkdtempSync(join(tmpdir(), `signoff-failure-${label.replace(/\W+/g, '-').slice(0, 40)}-`));
      await Promise.allSettled(
        pages.map((p, i) => p.screenshot({ path: join(dir, `page-${i}.png`), fullPage: true })),
      );
      return dir;
    },
    async closePages() {
      const open = contexts.splice(0);
      await Promise.allSettled(open.map((c) => c.close()));
    },
    mailbox,
    async waitForEmail(match, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = (await mailbox()).find(match);
        if (found) return found;
        if (Date.now() > deadline) {
          const subjects = (await mailbox()).map((m) => `${m.to.address}: ${m.subject}`);
          throw new Error(`no such email within ${timeoutMs} ms; mailbox has:\n${subjects.join('\n')}`);
        }
        await sleep(100);
      }
    },
    close,
  };
}

// ---------------------------------------------------------------- set-up through the API

function must<T = any>(res: { status: number; body: T }, status: number, what: string): T {
  if (res.status !== status)
    throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const unique = () => randomBytes(4).toString('hex');

export type Workspace = {
  id: string;
  /** Its slug: the portal at /portal/{slug} (SPEC §8.3). */
  slug: string;
  admin: Person;
  member(name: string, role?: 'admin' | 'agent', locale?: 'en' | 'fr'): Promise<Person>;
  contact(name: string, extra?: Record<string, unknown>): Promise<Person>;
  settings(patch: Record<string, unknown>): Promise<void>;
  group(name: string, members: Person[], contacts?: Person[]): Promise<{ id: string; name: string }>;
  template(body: Record<string, unknown>): Promise<{ id: string; name: string }>;
  ticket(
    requester: Person,
    extra?: Record<string, unknown>,
  ): Promise<{ id: string; number: number; subject: string }>;
  /** Requests an approval on a ticket as `by` (an agent). */
  approval(
    by: Person,
    ticketId: string,
    body: Record<string, unknown>,
  ): Promise<{ id: string; number: number; title: string }>;
};

export const memberRef = (p: { id: string }) => ({ type: 'member' as const, id: p.id });
export const contactRef = (p: { id: string }) => ({ type: 'contact' as const, id: p.id });
export const groupRef = (g: { id: string }) => ({ type: 'group' as const, id: g.id });

async function login(api: Client, workspaceId: string, email: string): Promise<string> {
  return must(await api.post('/auth/login', { workspaceId, email, password: PASSWORD }), 200, 'login').token;
}

/** A new workspace (one per journey) with its admin; `settings` are applied when given. */
export async function newWorkspace(
  api: Client,
  settings: Record<string, unknown> = {},
  names: { admin?: string; workspace?: string } = {},
): Promise<Workspace> {
  const adminName = names.admin ?? 'Ada Admin';
  const email = `admin-${unique()}@example.test`;
  const signup = must(
    await api.post('/signup', {
      workspaceName: names.workspace ?? `Acme ${unique()}`,
      name: adminName,
      email,
      password: PASSWORD,
    }),
    201,
    'signup',
  );
  const id: string = signup.workspace.id;
  const admin: Person = { id: signup.member.id, email, name: adminName, token: signup.token };
  const auth = { token: admin.token };
  const ws: Workspace = {
    id,
    slug: signup.workspace.slug,
    admin,
    async member(name, role = 'agent', locale) {
      const email = `m-${unique()}@example.test`;
      const body = { name, email, role, password: PASSWORD, ...(locale ? { locale } : {}) };
      const created = must(await api.post('/members', body, auth), 201, 'member');
      return { id: created.id, email, name, token: await login(api, id, email) };
    },
    async contact(name, extra = {}) {
      const email = `c-${unique()}@example.test`;
      const created = must(
        await api.post('/contacts', { name, email, password: PASSWORD, ...extra }, auth),
        201,
        'contact',
      );
      return { id: created.id, email, name, token: await login(api, id, email) };
    },
    async settings(patch) {
      must(await api.patch('/settings', patch, auth), 200, 'settings');
    },
    async group(name, members, contacts = []) {
      const body = { name, memberIds: members.map((m) => m.id), contactIds: contacts.map((c) => c.id) };
      return must(await api.post('/approval-groups', body, auth), 201, 'group');
    },
    async template(body) {
      return must(await api.post('/approval-templates', body, auth), 201, 'template');
    },
    async ticket(requester, extra = {}) {
      const body = { subject: 'New laptop', body: 'Mine broke.', requesterId: requester.id, ...extra };
      return must(await api.post('/tickets', body, auth), 201, 'ticket');
    },
    async approval(by, ticketId, body) {
      return must(
        await api.post(`/tickets/${ticketId}/approvals`, body, { token: by.token }),
        201,
        'approval',
      );
    },
  };
  if (Object.keys(settings).length > 0) await ws.settings(settings);
  return ws;
}

// ---------------------------------------------------------------- in the browser

/**
 * Signs in through the real sign-in form (`/signin`, or `/portal/signin` for `portal`), and waits
 * until the app has left it. The fields are found by their type, so any interface language works.
 */
export async function signIn(
  page: Page,
  workspaceId: string,
  email: string,
  password = PASSWORD,
  options: { portal?: boolean; next?: string } = {},
): Promise<void> {
  const path = options.portal ? '/portal/signin' : '/signin';
  if (!new URL(page.url(), 'http://x').pathname.endsWith('signin')) {
    await page.goto(options.next ? `${path}?next=${encodeURIComponent(options.next)}` : path);
  }
  await fillSignInForm(page, workspaceId, email, password);
}

/**
 * Fills and submits the sign-in form the page shows now: email and password only (SPEC §8.3). The
 * workspace is kept in the signature for the callers; the journeys' emails are each in one workspace.
 */
export async function fillSignInForm(page: Page, _workspaceId: string, email: string, password = PASSWORD) {
  const form = page.locator('form').filter({ has: page.locator('input[type="password"]') });
  await form.locator('input[type="email"]').fill(email);
  await form.locator('input[type="password"]').fill(password);
  await form.locator('button[type="submit"]').click();
  await page.waitForURL((u) => !u.pathname.endsWith('/signin'));
}

/** The approval link tokens of an email (SPEC §4: `{PUBLIC_URL}/respond/{token}`). */
export function respondLinks(email: Pick<MailboxEntry, 'text'>): string[] {
  return [
    ...email.text.matchAll(/https?:\/\/[^\s"'<>]+\/respond\/[A-Za-z0-9_-]+(\?decision=(approve|deny))?/g),
  ].map((m) => m[0]);
}

export type AxeViolation = { id: string; impact: string | null | undefined; help: string; targets: string[] };

/**
 * axe-core (WCAG 2 A and AA) on the page as it is now: the serious and critical violations, and the
 * ids of the lesser ones (moderate, minor) for the record.
 */
export async function axeCheck(page: Page): Promise<{ serious: AxeViolation[]; lesser: string[] }> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  const all = result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map((n) => n.target.join(' ')),
  }));
  const serious = all.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const lesser = all.filter((v) => !serious.includes(v)).map((v) => `${v.id} (${v.impact})`);
  return { serious, lesser };
}
