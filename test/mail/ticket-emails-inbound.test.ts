import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Background, startBackground } from '../../src/background.js';
import { loadConfig } from '../../src/shared/config.js';
import { client } from '../support/client.js';
import { fakeResolver, INBOUND_DOMAIN, INBOUND_ENV, postInbound, rawMessage } from '../support/inbound.js';
import { startServer, type TestServer } from '../support/server.js';
import { type ReceivedEmail, type SmtpSink, startSmtpSink } from '../support/smtp-sink.js';
import { newWorkspace, type Workspace } from '../support/workspace.js';
import { drain, FAST_POLICY, recordingLog } from './harness.js';

/**
 * SPEC §8.2 end to end through the inbound HTTP door: an emailed ticket is acknowledged `auto-replied` in
 * its thread; a reply to that acknowledgement (by In-Reply-To) is a customer reply the agents are told of,
 * with References chaining both emails; an automatic email makes a ticket but gets no acknowledgement.
 */

let sink: SmtpSink;
let server: TestServer;
let background: Background;
let ws: Workspace;
let address: string;
let dataDir: string;

beforeAll(async () => {
  sink = await startSmtpSink();
  server = await startServer({ env: INBOUND_ENV, dnsResolver: fakeResolver() });
  dataDir = mkdtempSync(join(tmpdir(), 'signoff-notify-'));
  const config = loadConfig({
    ...process.env,
    LOG_LEVEL: 'silent',
    PORT: '0',
    DATABASE_URL: '',
    PUBLIC_URL: server.url,
    SMTP_URL: sink.url,
    DATA_DIR: dataDir,
    ...INBOUND_ENV,
  });
  background = startBackground({
    db: server.database.handle.db,
    database: server.database.handle,
    config,
    log: recordingLog(),
    policy: FAST_POLICY,
    scheduleEveryMs: 3_600_000,
  });
  ws = await newWorkspace(client(server.url), {});
  address = (await client(server.url).get('/settings', { token: ws.admin.token })).body.inboundAddress;
});
afterAll(async () => {
  await background?.stop();
  await server?.close();
  await sink?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const refs = (m: ReceivedEmail): string[] => {
  const v = m.headers.references;
  return (Array.isArray(v) ? v : typeof v === 'string' ? v.split(/\s+/) : []).filter(Boolean);
};

describe('SPEC §8.2 ticket emails through the inbound door', () => {
  it('SPEC §8.2: an emailed ticket is acknowledged auto-replied in its thread; a reply to it reaches the agents, References chaining both', async () => {
    const first = '<first-1@sender.example.test>';
    const res = await postInbound(
      server.url,
      await rawMessage({
        from: 'Nina New <nina@sender.example.test>',
        to: address,
        subject: 'Broken laptop',
        text: 'It does not boot.',
        messageId: first,
      }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.outcome).toBe('ticket_created');
    await drain(server.database.handle.db, sink);
    const ack = sink.messages.find((m) => m.to.includes('nina@sender.example.test'))!;
    expect(ack, JSON.stringify(sink.messages.map((m) => [m.to, m.subject]))).toBeDefined();
    expect(ack.subject).toMatch(/^Re: \[#\d+\] Broken laptop$/);
    expect(ack.headers['auto-submitted']).toBe('auto-replied');
    expect(ack.headers['in-reply-to']).toBe(first);
    expect(ack.headers['reply-to'].value[0].address).toMatch(
      new RegExp(`^${address.split('@')[0]}\\+t[A-Za-z0-9_-]+@${INBOUND_DOMAIN.replace(/\./g, '\\.')}$`),
    );
    // The admin (the only member) is told of the new ticket.
    expect(sink.messages.filter((m) => m.to.includes(ws.admin.email.toLowerCase()))).toHaveLength(1);

    const reply = '<reply-1@sender.example.test>';
    const answered = await postInbound(
      server.url,
      await rawMessage({
        from: 'Nina New <nina@sender.example.test>',
        to: address,
        subject: ack.subject,
        text: 'Still broken.',
        messageId: reply,
        inReplyTo: ack.messageId,
        references: [first, ack.messageId],
      }),
    );
    expect(answered.body.outcome, JSON.stringify(answered.body)).toBe('reply_added');
    await drain(server.database.handle.db, sink);
    const told = sink.messages.filter(
      (m) => m.to.includes(ws.admin.email.toLowerCase()) && m.text.includes('Still broken.'),
    );
    expect(told).toHaveLength(1);
    expect(told[0]!.headers['in-reply-to']).toBe(first);
    expect(refs(told[0]!)).toEqual([first, reply]);
    expect(told[0]!.headers['auto-submitted']).toBe('auto-generated');
  });

  it('SPEC §8.2 RFC 3834: an automatic email makes a ticket but is never acknowledged', async () => {
    const before = sink.messages.length;
    const res = await postInbound(
      server.url,
      await rawMessage({
        from: 'Robot <robot@sender.example.test>',
        to: address,
        subject: 'Out of office',
        text: 'I am away.',
        headers: { 'Auto-Submitted': 'auto-replied' },
      }),
    );
    expect(res.body.outcome, JSON.stringify(res.body)).toBe('ticket_created');
    await drain(server.database.handle.db, sink);
    const after = sink.messages.slice(before);
    expect(after.filter((m) => m.to.includes('robot@sender.example.test'))).toEqual([]);
    expect(after.filter((m) => m.to.includes(ws.admin.email.toLowerCase()))).toHaveLength(1);
  });
});
