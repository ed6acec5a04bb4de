import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS_FILE, ensureDemoWorkspace, startBlock } from '../../src/demo.js';
import { loadConfig } from '../../src/shared/config.js';
import { openAndMigrate } from '../../src/shared/db/connect.js';
import { client } from '../support/client.js';
import { createPostgresDatabase, reachablePostgres } from '../support/database.js';
import { type ServerProcess, spawnServer } from '../support/processes.js';
import { startServer } from '../support/server.js';

/**
 * Issue 12 item 2: the demo password is printed once, on the first start, and
 * stored nowhere in plain text after; SIGNOFF_DEMO=0 is honoured on both engines.
 */
const folders: string[] = [];
/** A server process starts in seconds; on a machine busy with other work, give it longer before failing. */
const READY_MS = 90_000;
const folder = () => {
  const dir = mkdtempSync(join(tmpdir(), 'signoff-demo-'));
  folders.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** The start block is printed once the server listens, so it may reach us just after `/readyz` answers. */
async function printedBlock(server: ServerProcess): Promise<string> {
  for (let i = 0; i < 100 && !/Signoff is running[\s\S]*──/.test(server.output()); i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  return server.output();
}

describe('issue 12 item 2: SIGNOFF_DEMO decides on both engines', () => {
  it('on by default on the embedded database, off by default on PostgreSQL, 0 or 1 decides on both', () => {
    const postgres = 'postgres://postgres@127.0.0.1:5432/x';
    expect(loadConfig({}).demo).toBe(true);
    expect(loadConfig({ SIGNOFF_DEMO: '0' }).demo).toBe(false);
    expect(loadConfig({ SIGNOFF_DEMO: '' }).demo).toBe(true);
    expect(loadConfig({ DATABASE_URL: postgres }).demo).toBe(false);
    expect(loadConfig({ DATABASE_URL: postgres, SIGNOFF_DEMO: '1' }).demo).toBe(true);
    expect(loadConfig({ DATABASE_URL: postgres, SIGNOFF_DEMO: '0' }).demo).toBe(false);
    expect(() => loadConfig({ SIGNOFF_DEMO: 'no' })).toThrow(/SIGNOFF_DEMO/);
  });

  it(
    'SIGNOFF_DEMO=0 on the embedded database: the server starts without a demo workspace',
    async () => {
      const dataDir = folder();
      const server = await spawnServer('', {
        env: { SIGNOFF_DEMO: '0', DATA_DIR: dataDir },
        readyTimeoutMs: READY_MS,
      });
      try {
        // Issue 15 item 5: the start block is printed without the demo too, with no login in it.
        const output = await printedBlock(server);
        expect(output).toContain('Signoff is running');
        expect(output).not.toContain('Signoff demo workspace');
        expect(output).not.toContain('password:');
        expect(existsSync(join(dataDir, DEMO_CREDENTIALS_FILE))).toBe(false);
      } finally {
        await server.stop();
      }
      // The embedded database itself, opened once the server is gone: no workspace at all.
      const database = await openAndMigrate(loadConfig({ DATA_DIR: dataDir, DATABASE_URL: '' }).database);
      try {
        const workspaces = await database.db.selectFrom('workspaces').select('id').execute();
        expect(workspaces).toEqual([]);
      } finally {
        await database.close();
      }
    },
    2 * READY_MS,
  );
});

describe('issue 12 item 2: SIGNOFF_DEMO on PostgreSQL', () => {
  it(
    'SIGNOFF_DEMO=1 on an empty PostgreSQL database with a DATA_DIR not made yet: the demo is made and the start goes on',
    async (context) => {
      // Skipped (reported, not a silent pass) without a server; a failure under CI.
      const base = await reachablePostgres();
      if (!base) return context.skip();
      const created = await createPostgresDatabase(base);
      const dataDir = join(folder(), 'a', 'b');
      try {
        const server = await spawnServer(created.url, {
          env: { SIGNOFF_DEMO: '1', DATA_DIR: dataDir },
          readyTimeoutMs: READY_MS,
        });
        try {
          expect(await printedBlock(server)).toMatch(/password: +\S+ +\(the same for every login/);
          const stored = JSON.parse(readFileSync(join(dataDir, DEMO_CREDENTIALS_FILE), 'utf8'));
          expect(stored).not.toHaveProperty('password');
        } finally {
          await server.stop();
        }
        // SIGNOFF_DEMO=0 on a database that has it already: nothing printed either.
        const again = await spawnServer(created.url, {
          env: { SIGNOFF_DEMO: '0', DATA_DIR: dataDir },
          readyTimeoutMs: READY_MS,
        });
        try {
          const output = await printedBlock(again);
          expect(output).toContain('Signoff is running');
          expect(output).not.toContain('Signoff demo workspace');
        } finally {
          await again.stop();
        }
      } finally {
        await created.drop();
      }
    },
    3 * READY_MS,
  );
});

describe('issue 12 item 2: the demo password is shown once and never stored in plain text', () => {
  it(
    'the first start prints it and the file keeps the accounts only; later starts say how to reset it',
    async () => {
      const dataDir = join(folder(), 'not-made-yet');
      const first = await spawnServer('', { env: { DATA_DIR: dataDir }, readyTimeoutMs: READY_MS });
      let password: string;
      try {
        const printed = /password: +(\S+)/.exec(await printedBlock(first));
        expect(printed, first.output()).not.toBeNull();
        password = printed![1]!;
        const file = join(dataDir, DEMO_CREDENTIALS_FILE);
        const stored = readFileSync(file, 'utf8');
        expect(stored).not.toContain(password);
        expect(JSON.parse(stored)).not.toHaveProperty('password');
        expect(statSync(file).mode & 0o777).toBe(0o600);
        // The printed password is the accounts' own.
        const { workspaceId, admin } = JSON.parse(stored);
        const login = await client(first.url).post('/auth/login', { workspaceId, email: admin, password });
        expect(login.status).toBe(200);
      } finally {
        await first.stop();
      }

      const second = await spawnServer('', { env: { DATA_DIR: dataDir }, readyTimeoutMs: READY_MS });
      try {
        const output = await printedBlock(second);
        expect(output).toContain('Signoff demo workspace');
        // SPEC §8.2 (issue 14): the demo has an inbound address, printed with the dev mailbox's way in.
        expect(output).toMatch(/inbound: +demo@\S+/);
        expect(output).toContain('the mailbox sends mail in too');
        // Issue 15 item 5: later starts still list every login, without the password.
        expect(output).toContain('tom@globex.signoff.test');
        expect(output).not.toContain(password);
        expect(output).toContain('printed on the first start only');
        expect(output).toContain('/api/v1/auth/password-resets');
      } finally {
        await second.stop();
      }
    },
    3 * READY_MS,
  );

  it(
    'a credentials file written by an older version loses its password on the next start',
    async () => {
      const server = await startServer();
      try {
        const dataDir = folder();
        const created = await ensureDemoWorkspace(server.database.handle.db, dataDir);
        expect(created?.created).toBe(true);
        const file = join(dataDir, DEMO_CREDENTIALS_FILE);
        const legacy = { ...JSON.parse(readFileSync(file, 'utf8')), password: 'old-plain-password' };
        writeFileSync(file, JSON.stringify(legacy));
        const again = await ensureDemoWorkspace(server.database.handle.db, dataDir);
        expect(again).toEqual({ created: false, ...JSON.parse(readFileSync(file, 'utf8')) });
        expect(readFileSync(file, 'utf8')).not.toContain('old-plain-password');
      } finally {
        await server.close();
      }
    },
    2 * READY_MS,
  );
});

/**
 * Issue 15 item 5 (SPEC §8.3, "a support team's first day"): the demo tells a
 * story, made through the use cases the API calls, so the API answers it.
 */
describe('issue 15 item 5: the demo tells a story', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let demo: NonNullable<Awaited<ReturnType<typeof ensureDemoWorkspace>>>;
  let admin: string;
  const api = () => client(server.url);
  const signIn = async (email: string) => {
    if (!demo.created) throw new Error('the demo was made by an earlier start');
    const res = await api().post('/auth/login', {
      workspaceId: demo.workspaceId,
      email,
      password: demo.password,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.token as string;
  };
  type Ticket = {
    id: string;
    number: number;
    subject: string;
    status: string;
    priority: string;
    tags: string[];
  };
  let tickets: Ticket[];
  const approvalsOf = async (ticketId: string) => {
    const res = await api().get(`/tickets/${ticketId}/approvals`, { token: admin });
    expect(res.status).toBe(200);
    return (res.body.items ?? res.body) as {
      id: string;
      status: string;
      displayStatus: string;
      steps: { approvers: { type: string; decision: string | null; channel: string | null }[] }[];
      appeal: { status: string } | null;
    }[];
  };

  beforeAll(async () => {
    server = await startServer();
    const made = await ensureDemoWorkspace(server.database.handle.db, folder());
    expect(made?.created).toBe(true);
    demo = made!;
    admin = await signIn(demo.admin);
    const res = await api().get('/tickets?limit=100', { token: admin });
    expect(res.status).toBe(200);
    tickets = res.body.items;
  }, READY_MS);
  afterAll(async () => server?.close());

  it('a dozen tickets across every status and priority, with tags', () => {
    expect(tickets.length).toBeGreaterThanOrEqual(12);
    expect(new Set(tickets.map((t) => t.status))).toEqual(
      new Set(['open', 'pending', 'on_hold', 'solved', 'closed']),
    );
    expect(new Set(tickets.map((t) => t.priority))).toEqual(new Set(['low', 'normal', 'high', 'urgent']));
    expect(tickets.every((t) => t.tags.length > 0)).toBe(true);
  });

  it('an approval at each step: pending, partially approved, needs_info, appeal_pending, approved, canceled', async () => {
    const all = (await Promise.all(tickets.map((t) => approvalsOf(t.id)))).flat();
    const shown = all.map((a) => a.displayStatus);
    for (const status of ['pending', 'partially_approved', 'needs_info', 'appeal_pending', 'approved'])
      expect(shown, status).toContain(status);
    // A canceled approval leaves the ticket (SPEC rule 7); its activity keeps it.
    const training = tickets.find((t) => t.subject === 'Training course budget')!;
    const activity = await api().get(`/tickets/${training.id}/activity`, { token: admin });
    expect(activity.body.items.map((e: { type: string }) => e.type)).toContain('canceled');
    expect(all.find((a) => a.status === 'appeal_pending')?.appeal?.status).toBe('pending');
    // The ticket list filters by each of them (SPEC §8.6 `?approvalStatus=`).
    for (const status of ['partially_approved', 'needs_info', 'appeal_pending']) {
      const res = await api().get(`/tickets?approvalStatus=${status}`, { token: admin });
      expect(res.body.items.length, status).toBeGreaterThanOrEqual(1);
    }
  });

  it('one approval was approved through an email link: its decision and its activity say email_link', async () => {
    const byLink = [];
    for (const t of tickets) {
      for (const a of await approvalsOf(t.id)) {
        const decided = a.steps.flatMap((s) => s.approvers).filter((p) => p.channel === 'email_link');
        if (a.status === 'approved' && decided.some((p) => p.decision === 'approve')) byLink.push({ t, a });
      }
    }
    expect(byLink).toHaveLength(1);
    const activity = await api().get(`/tickets/${byLink[0]!.t.id}/activity`, { token: admin });
    const decisions = activity.body.items.filter((e: { type: string }) => e.type === 'decision');
    expect(decisions.map((e: { channel: string }) => e.channel)).toContain('email_link');
  });

  it("each ticket's first message is written by its customer, not an agent", async () => {
    for (const t of tickets) {
      const res = await api().get(`/tickets/${t.id}/messages?limit=100`, { token: admin });
      expect(res.status).toBe(200);
      // Newest first: the first message is the last one.
      const oldest = res.body.items.at(-1);
      expect(res.body.nextCursor).toBeNull();
      const ticket = await api().get(`/tickets/${t.id}`, { token: admin });
      expect(oldest.author.type, t.subject).toBe('contact');
      expect(oldest.author.id, t.subject).toBe(ticket.body.requesterId);
    }
  });

  it('every printed login signs in with the password, agents and customers alike', async () => {
    expect(demo.logins?.map((l) => l.kind)).toEqual(expect.arrayContaining(['admin', 'agent', 'customer']));
    expect(demo.logins!.length).toBeGreaterThanOrEqual(6);
    for (const login of demo.logins!) await signIn(login.email);
    // A customer sees their own tickets in the portal, written by them.
    const camille = await signIn(demo.contact);
    const mine = await api().get('/tickets', { token: camille });
    expect(mine.body.items.length).toBeGreaterThanOrEqual(3);
  });

  it('the demo is made once: a second call finds it and makes nothing', async () => {
    const dataDir = folder();
    const again = await ensureDemoWorkspace(server.database.handle.db, dataDir);
    expect(again).toBeNull();
    const res = await api().get('/tickets?limit=100', { token: admin });
    expect(res.body.items).toHaveLength(tickets.length);
  });
});

describe('issue 15 item 5: one block at start with the addresses and every login', () => {
  const demo = {
    created: true as const,
    password: 'pw-shown-once',
    workspaceId: 'w',
    slug: 'demo',
    admin: 'admin@x.test',
    agent: 'agent@x.test',
    contact: 'customer@x.test',
    logins: [
      { kind: 'admin' as const, name: 'Ada', email: 'admin@x.test' },
      { kind: 'agent' as const, name: 'Alex', email: 'agent@x.test' },
      { kind: 'customer' as const, name: 'Camille', email: 'customer@x.test' },
    ],
  };

  it('web app, portal /portal/{slug}, dev mailbox, every login and the password', () => {
    const text = startBlock({ publicUrl: 'http://h:3000', devMailbox: true, inboundDomain: 'h' }, demo).join(
      '\n',
    );
    expect(text).toContain('web app:     http://h:3000/');
    expect(text).toContain('portal:      http://h:3000/portal/demo');
    expect(text).toContain('mailbox:     http://h:3000/dev/mailbox');
    for (const login of demo.logins) expect(text).toContain(login.email);
    expect(text).toMatch(/password: +pw-shown-once/);
  });

  it('with SMTP_URL there is no dev mailbox to point at; without the demo, no logins', () => {
    const text = startBlock({ publicUrl: 'http://h:3000', devMailbox: false }, null).join('\n');
    expect(text).not.toContain('/dev/mailbox');
    expect(text).not.toContain('password');
    expect(text).toContain('web app:');
  });

  it(
    'the server process prints it once it listens: portal, mailbox and logins',
    async () => {
      const dataDir = folder();
      const server = await spawnServer('', { env: { DATA_DIR: dataDir }, readyTimeoutMs: READY_MS });
      try {
        const output = await printedBlock(server);
        expect(output.match(/Signoff is running/g)).toHaveLength(1);
        expect(output).toContain(`portal:      ${server.url}/portal/demo`);
        expect(output).toContain(`mailbox:     ${server.url}/dev/mailbox`);
        for (const email of [
          'admin@demo.signoff.test',
          'agent@demo.signoff.test',
          'customer@demo.signoff.test',
        ])
          expect(output).toContain(email);
        // Not a terminal: the logs stay JSON.
        const logLines = output.split('\n').filter((l) => l.startsWith('{'));
        for (const line of logLines) expect(() => JSON.parse(line)).not.toThrow();
      } finally {
        await server.stop();
      }
    },
    3 * READY_MS,
  );
});
