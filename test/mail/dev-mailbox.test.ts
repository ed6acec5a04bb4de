import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Background, createTransport, startBackground } from '../../src/background.js';
import { expectStatus, memberRef } from '../support/approvals.js';
import { type Client, client } from '../support/client.js';
import { engine } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink.js';
import { newWorkspace } from '../support/workspace.js';
import { addMember, FAST_POLICY, LINK, mailConfig, recordingLog, sleep } from './harness.js';

/**
 * SPEC §4 / §7: with no SMTP_URL, emails are kept in a local dev mailbox
 * (GET /api/v1/dev/mailbox, no sign-in); with SMTP configured the route does
 * not exist.
 */

/** startServer reads its configuration from process.env: run `fn` with these variables set. */
async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved: Record<string, string | undefined> = {};
  for (const k of Object.keys(vars)) {
    saved[k] = process.env[k];
    if (vars[k] === undefined) delete process.env[k];
    else process.env[k] = vars[k];
  }
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe(`SPEC §4 dev mailbox without SMTP_URL (${engine})`, () => {
  let dataDir: string;
  let server: TestServer;
  let api: Client;
  let background: Background;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'signoff-devmail-'));
    server = await withEnv({ DATA_DIR: dataDir, SMTP_URL: undefined }, () => startServer());
    api = client(server.url);
    const config = mailConfig({ publicUrl: server.url, smtpUrl: null, dataDir });
    expect(config.smtpUrl).toBeNull();
    const transport = createTransport(config);
    expect(transport.kind).toBe('dev-mailbox');
    background = startBackground({
      db: server.database.handle.db,
      config,
      log: recordingLog(),
      transport,
      policy: FAST_POLICY,
      scheduleEveryMs: 3_600_000,
    });
  });

  afterAll(async () => {
    await background?.stop();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('§4 GET /api/v1/dev/mailbox lists the delivered emails, without sign-in, with working links', async () => {
    const empty = await api.get('/dev/mailbox');
    expect(empty.status).toBe(200);
    expect(empty.body.items).toEqual([]);

    // This is about the mailbox, so the ticket sends none of its own emails (SPEC §8.2): no acknowledgement,
    // and it is assigned to its author, so no member is told of it.
    const ws = await newWorkspace(api, {
      approvalsEnabled: true,
      requireSignInForEmailResponses: false,
      acknowledgeNewTickets: false,
    });
    const a = await addMember(api, ws, { name: 'Mia Mailbox' });
    const b = await addMember(api, ws, { name: 'Noah Mailbox', locale: 'fr' });
    const customer = expectStatus(
      await api.post(
        '/contacts',
        { name: 'Dev Customer', email: 'dev-customer@example.test' },
        { token: ws.admin.token },
      ),
      201,
    );
    const ticket = await ws.ticket(customer, { assigneeId: ws.admin.id });
    const approval = expectStatus(
      await api.post(
        `/tickets/${ticket.id}/approvals`,
        { title: 'Try the flow locally', approvers: [memberRef(a), memberRef(b)] },
        { token: ws.admin.token },
      ),
      201,
    );

    let items: any[] = [];
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      items = (await api.get('/dev/mailbox')).body.items;
      if (items.length >= 2) break;
      await sleep(100);
    }
    expect(items).toHaveLength(2);
    const toA = items.find((i) => i.to.address === a.email)!;
    const toB = items.find((i) => i.to.address === b.email)!;
    expect(toA.to.name).toBe('Mia Mailbox');
    expect(toA.subject).toBe(
      `[Approval #${approval.number}] Try the flow locally — your approval is requested`,
    );
    expect(toB.subject).toContain("[Demande d'approbation n");
    for (const item of [toA, toB]) {
      expect(item.messageId).toMatch(/^<[0-9a-f-]+\.member\.[0-9a-f-]+@127\.0\.0\.1>$/);
      expect(item.text).toContain('Try the flow locally');
      expect(item.html).toContain('Try the flow locally');
      expect(typeof item.receivedAt).toBe('string');
    }
    // The outbox recorded them as sent, under the same Message-IDs. The worker records an email after
    // delivering it, so the mailbox may show it a moment before its row says so.
    const outboxRows = () =>
      server.database.handle.db
        .selectFrom('outbox')
        .select(['status', 'message_id'])
        .where('approval_id', '=', approval.id)
        .execute();
    let rows = await outboxRows();
    const deadline1 = Date.now() + 5_000;
    while (rows.some((r) => r.status !== 'sent') && Date.now() < deadline1) {
      await sleep(50);
      rows = await outboxRows();
    }
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent']);
    expect(rows.map((r) => r.message_id).sort()).toEqual([toA.messageId, toB.messageId].sort());

    // A new user clicks through the whole flow from the mailbox.
    const token = [...toA.text.matchAll(LINK)][0]![1];
    const page = expectStatus(await api.get(`/approval-links/${token}`), 200);
    expect(page.approval.title).toBe('Try the flow locally');
    const decided = expectStatus(
      await api.post(`/approval-links/${token}/decisions`, { decision: 'approve' }),
      200,
    );
    expect(decided.approval.status).toBe('approved');
    // The approval email was followed by the requester's one, newest first: the decision that finished the
    // request is told in the completion email, not in a second one (SPEC §8.1, one email per event).
    const deadline2 = Date.now() + 10_000;
    while (Date.now() < deadline2) {
      items = (await api.get('/dev/mailbox')).body.items;
      if (items.length >= 3) break;
      await sleep(100);
    }
    await sleep(500); // nothing else follows
    items = (await api.get('/dev/mailbox')).body.items;
    expect(items).toHaveLength(3);
    expect(items[0]!.to.address).toBe(ws.admin.email);
    expect(items[0]!.subject).toBe(`[Approval #${approval.number}] Try the flow locally — approved`);
  });
});

describe(`SPEC §7 with SMTP_URL set there is no dev mailbox (${engine})`, () => {
  let sink: SmtpSink;
  let server: TestServer;

  beforeAll(async () => {
    sink = await startSmtpSink();
    server = await withEnv({ SMTP_URL: sink.url }, () => startServer());
  });
  afterAll(async () => {
    await server?.close();
    await sink?.stop();
  });

  it('§7 GET /api/v1/dev/mailbox answers 404, signed in or not', async () => {
    const api = client(server.url);
    expect((await api.get('/dev/mailbox')).status).toBe(404);
    const ws = await newWorkspace(api);
    expect((await api.get('/dev/mailbox', { token: ws.admin.token })).status).toBe(404);
  });
});
