import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Background, startBackground } from '../../src/background.js';
import { loadConfig } from '../../src/shared/config.js';
import { parseInboundAddress } from '../../src/shared/email/addresses.js';
import { activityOf, expectStatus, memberRef } from '../support/approvals.js';
import { type Client, client } from '../support/client.js';
import { engine } from '../support/database.js';
import {
  fakeResolver,
  INBOUND_DOMAIN,
  INBOUND_ENV,
  postInbound,
  rawMessage,
  TEST_MAIL_DOMAIN,
} from '../support/inbound.js';
import { startServer, type TestServer } from '../support/server.js';
import { type ReceivedEmail, type SmtpSink, startSmtpSink } from '../support/smtp-sink.js';
import { newWorkspace, PASSWORD, type Workspace } from '../support/workspace.js';
import { mailTo, recordingLog, tokenOf } from './harness.js';

/**
 * SPEC §8.2 reply to approve, end to end: the approval email goes out through the real SMTP sink with its
 * Reply-To, the approver's answer comes back as a raw, DKIM-signed message through
 * `POST /api/v1/inbound/email`, and the pipeline hands it to receiveApprovalReply. The workspace requires
 * sign-in for email responses, so only the signed message (DMARC pass for the approver's own address)
 * decides; an unsigned one is kept as a comment and the approver gets a fresh link.
 */

let server: TestServer;
let api: Client;
let sink: SmtpSink;
let background: Background;
let dataDir: string;
let ws: Workspace;
let sam: { id: string; email: string };
let ticket: { id: string };

beforeAll(async () => {
  sink = await startSmtpSink();
  server = await startServer({ env: INBOUND_ENV, dnsResolver: fakeResolver() });
  api = client(server.url);
  dataDir = mkdtempSync(join(tmpdir(), 'signoff-reply-door-'));
  // The worker writes the same inbound domain into Reply-To as the door receives at.
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
    scheduleEveryMs: 3_600_000,
  });
  ws = await newWorkspace(api, { approvalsEnabled: true, requireSignInForEmailResponses: true });
  // The approver's address is at the domain the fake DNS publishes DKIM and DMARC records for.
  const email = `sam-${randomBytes(3).toString('hex')}@${TEST_MAIL_DOMAIN}`;
  const created = expectStatus(
    await api.post(
      '/members',
      { name: 'Sam Signed', email, role: 'agent', password: PASSWORD },
      { token: ws.admin.token },
    ),
    201,
  );
  sam = { id: created.id, email };
  ticket = await ws.ticket(await ws.contact());
});
afterAll(async () => {
  await background?.stop();
  await server?.close();
  await sink?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function askSam() {
  const title = `Door ${randomBytes(3).toString('hex')}`;
  const approval = expectStatus(
    await api.post(
      `/tickets/${ticket.id}/approvals`,
      { title, approvers: [memberRef(sam)] },
      { token: ws.admin.token },
    ),
    201,
  );
  const [email] = await sink.waitFor(mailTo(sam, title), 10_000);
  const replyTo = email!.headers['reply-to']?.value?.[0]?.address as string;
  expect(parseInboundAddress(replyTo, INBOUND_DOMAIN)).toMatchObject({ kind: 'approval' });
  return { approval: approval as { id: string; number: number }, email: email!, replyTo };
}

/** The approver's answer as their mail client would send it: quoted history below the reply. */
function answer(email: ReceivedEmail, replyTo: string, text: string, dkim: boolean) {
  return rawMessage({
    from: { name: 'Sam Signed', address: sam.email },
    to: replyTo,
    subject: `Re: ${email.subject}`,
    inReplyTo: email.messageId,
    references: [email.messageId],
    text: `${text}\n\nOn Monday, Signoff wrote:\n> ${email.subject}\n> Your approval is requested`,
    dkim,
  });
}

const approvalOf = async (id: string) =>
  expectStatus(await api.get(`/approvals/${id}`, { token: ws.admin.token }), 200);

describe(`SPEC §8.2 reply to approve through POST /inbound/email (${engine})`, () => {
  it('SPEC §8.2 a DKIM-signed "Approved, go ahead" from the approver decides, channel email_reply; the same message again changes nothing', async () => {
    const { approval, email, replyTo } = await askSam();
    const raw = await answer(email, replyTo, 'Approved, go ahead.', true);
    const res = await postInbound(server.url, raw);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toMatchObject({
      outcome: 'approval_reply',
      ticketId: ticket.id,
    });
    const view = await approvalOf(approval.id);
    expect(view.status).toBe('approved');
    const activity = await activityOf(api, ws.admin.token, ticket.id, approval.id);
    expect(activity.find((a) => a.type === 'decision')).toMatchObject({
      channel: 'email_reply',
      data: { decision: 'approve', comment: 'go ahead.' },
    });
    // A second delivery of the same Message-ID is a duplicate: no comment, no second anything.
    const again = await postInbound(server.url, raw);
    expect(again.status).toBe(202);
    expect(again.body.outcome).toBe('duplicate');
    expect((await approvalOf(approval.id)).comments).toEqual([]);
  });

  it('SPEC §8.2 the same reply unsigned (DMARC fails) is kept as a comment, and the approver is emailed a fresh link', async () => {
    const { approval, email, replyTo } = await askSam();
    const res = await postInbound(server.url, await answer(email, replyTo, 'Approved', false));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.outcome).toBe('approval_reply');
    const view = await approvalOf(approval.id);
    expect(view.status).toBe('pending');
    expect(view.comments.map((c: { body: string }) => c.body)).toEqual(['Approved']);
    const [fresh] = await sink.waitFor(
      (m) => mailTo(sam, 'use this link')(m) && m.subject.includes(`#${approval.number}`),
      10_000,
    );
    expect(tokenOf(fresh!)).not.toBe(tokenOf(email));
  });
});
