import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApprovalReplyOutcome,
  receiveApprovalReply,
} from '../../src/approvals/email-replies/receive-reply.js';
import { sha256 } from '../../src/auth/tokens.js';
import { type Db, inTransaction } from '../../src/shared/db/connect.js';
import { parseInboundAddress } from '../../src/shared/email/addresses.js';
import type { AuthVerdict, InboundMessage } from '../../src/shared/email/inbound-message.js';
import { activityOf, expectStatus, memberRef } from '../support/approvals.js';
import { engine } from '../support/database.js';
import type { ReceivedEmail } from '../support/smtp-sink.js';
import { newWorkspace, type Person, type Workspace } from '../support/workspace.js';
import { addMember, drain, type MailEnv, mailTo, startMailEnv, tokenOf } from './harness.js';
import { approvalFromTemplate } from './link-support.js';

/**
 * SPEC §8.2 "Reply to approve" (issue 14 item 3), through the real SMTP sink: every approval email with a
 * link carries a per-recipient Reply-To `{slug}+a{token}@{INBOUND_DOMAIN}` whose token is kept only as a
 * hash, with the link's life; a reply through it decides, comments, or (sign-in required and not
 * authenticated as the approver) is kept as a comment while the approver is emailed a fresh link.
 * The replies are handed to receiveApprovalReply as the inbound pipeline does, in a transaction.
 */

let env: MailEnv;
let ws: Workspace;
let slug: string;
let ada: Person; // admin, requests every approval
let amy: Person; // approver, English
let ben: Person; // approver, English
let fanny: Person; // approver, French
let ticket: { id: string };

beforeAll(async () => {
  env = await startMailEnv({ policy: null });
  // Holding the reply address is enough here; the sign-in rule has its own workspace below.
  ws = await newWorkspace(env.api, { approvalsEnabled: true, requireSignInForEmailResponses: false });
  ada = ws.admin;
  slug = await slugOf(ws);
  amy = await addMember(env.api, ws, { name: 'Amy Adams' });
  ben = await addMember(env.api, ws, { name: 'Ben Brown' });
  fanny = await addMember(env.api, ws, { name: 'Fanny Faure', locale: 'fr' });
  ticket = await ws.ticket(await ws.contact());
});
afterAll(() => env?.close());

async function slugOf(w: Workspace): Promise<string> {
  const row = await env.db
    .selectFrom('workspaces')
    .select('slug')
    .where('id', '=', w.id)
    .executeTakeFirstOrThrow();
  return row.slug;
}

/** The Reply-To address of an email, as the sink parsed it. */
function replyToOf(m: ReceivedEmail): string {
  const header = m.headers['reply-to'];
  const address = header?.value?.[0]?.address as string | undefined;
  expect(address, `a Reply-To on "${m.subject}"`).toBeTruthy();
  return address!;
}

/** The reply token of an approval email's Reply-To, checked to be the approver's reply address. */
function replyTokenOf(m: ReceivedEmail, workspaceSlug = slug): string {
  const parsed = parseInboundAddress(replyToOf(m), env.config.inbound.domain);
  expect(parsed).toMatchObject({ kind: 'approval', slug: workspaceSlug });
  return (parsed as { token: string }).token;
}

/** An ad hoc approval of `people` (rule any unless told) and each one's reply token from their email. */
async function ask(people: Person[], body: Record<string, unknown> = {}, w = ws, t = ticket, by = ada) {
  const title = `Reply ${randomBytes(3).toString('hex')}`;
  const approval = expectStatus(
    await env.api.post(
      `/tickets/${t.id}/approvals`,
      { title, approvers: people.map(memberRef), ...body },
      { token: by.token },
    ),
    201,
  );
  const replyTokens = new Map<Person, string>();
  const emails = new Map<Person, ReceivedEmail>();
  for (const p of people) {
    const [m] = await env.sink.waitFor(mailTo(p, title), 10_000);
    emails.set(p, m!);
    replyTokens.set(p, replyTokenOf(m!, w === ws ? slug : await slugOf(w)));
  }
  return { approval: approval as { id: string; number: number }, title, replyTokens, emails };
}

/** A reply as the inbound pipeline hands it on: parsed, stripped of quotes, authenticated. */
function inbound(from: string, reply: string, dmarc: AuthVerdict = 'none'): InboundMessage {
  const fromDomain = from.slice(from.lastIndexOf('@') + 1).toLowerCase();
  return {
    messageId: `${randomUUID()}@mail.example.test`,
    from: { address: from, name: '' },
    subject: 'Re: your approval',
    text: `${reply}\n\nOn Monday, Signoff wrote:\n> Your approval is requested`,
    reply,
    inReplyTo: null,
    references: [],
    autoSubmitted: false,
    auth: { spf: dmarc === 'pass' ? 'pass' : 'none', dkim: dmarc, dmarc, fromDomain },
    attachments: [],
  };
}

async function reply(
  workspaceId: string,
  token: string,
  message: InboundMessage,
  at: Date = new Date(),
): Promise<ApprovalReplyOutcome> {
  return inTransaction(env.db, (tx) =>
    receiveApprovalReply(
      { db: tx, config: env.config, now: () => at },
      { workspaceId, token, message, inboundMessageId: randomUUID() },
    ),
  );
}

async function approvalOf(id: string, token = ada.token) {
  return expectStatus(await env.api.get(`/approvals/${id}`, { token }), 200);
}

async function replyActivity(approvalId: string) {
  return (await activityOf(env.api, ada.token, ticket.id, approvalId)).filter(
    (a) => a.channel === 'email_reply',
  );
}

type Column = { table_name: string; column_name: string };

/** Every text-like column of every table holding `needle`. */
async function whereIs(db: Db, needle: string): Promise<string[]> {
  const { rows: columns } = await sql<Column>`
    SELECT c.table_name, c.column_name
    FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
      AND c.data_type IN ('text', 'character varying', 'character', 'jsonb', 'json', 'ARRAY')`.execute(db);
  const hits: string[] = [];
  for (const c of columns) {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM ${sql.table(c.table_name)}
      WHERE strpos(${sql.ref(c.column_name)}::text, ${needle}) > 0`.execute(db);
    if (Number(rows[0]!.n) > 0) hits.push(`${c.table_name}.${c.column_name}`);
  }
  return hits;
}

describe(`SPEC §8.2 reply to approve (${engine})`, () => {
  it('SPEC §8.2 every approval email with a link has its own Reply-To token, stored only as a hash on the row of its link', async () => {
    const { approval, replyTokens, emails } = await ask([amy, ben]);
    const [a, b] = [replyTokens.get(amy)!, replyTokens.get(ben)!];
    expect(a).not.toBe(b);
    for (const [person, token] of replyTokens) {
      const row = await env.db
        .selectFrom('approval_links')
        .select(['token_hash', 'person_id', 'approval_id'])
        .where('reply_token_hash', '=', sha256(token))
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ person_id: person.id, approval_id: approval.id });
      // The same row as the email's link: same life, same death.
      expect(row.token_hash).toBe(sha256(tokenOf(emails.get(person)!)));
      expect(await whereIs(env.db, token), 'the reply token in clear').toEqual([]);
    }
  });

  it('SPEC §8.6 an approval email without a link answers to the ticket’s reply address', async () => {
    const { approval, replyTokens } = await ask([amy]);
    expect(await reply(ws.id, replyTokens.get(amy)!, inbound(amy.email, 'Approved'))).toMatchObject({
      outcome: 'decided',
    });
    const [done] = await env.sink.waitFor(mailTo(ada, `#${approval.number}`), 10_000);
    const parsed = parseInboundAddress(replyToOf(done!), env.config.inbound.domain);
    const { reply_token } = await env.db
      .selectFrom('tickets')
      .select('reply_token')
      .where('id', '=', ticket.id)
      .executeTakeFirstOrThrow();
    expect(parsed).toEqual({ kind: 'ticket', slug, token: reply_token });
  });

  it('SPEC §8.2 "Approved, thanks" decides in English with the rest of the first paragraph as the comment, channel email_reply, and uses up the link', async () => {
    const { approval, replyTokens } = await ask([amy]);
    const outcome = await reply(
      ws.id,
      replyTokens.get(amy)!,
      inbound(amy.email, 'Approved, thanks.\nBudget checked.\n\nAmy\nHead of IT'),
    );
    expect(outcome).toEqual({ outcome: 'decided', approvalId: approval.id, ticketId: ticket.id });
    const view = await approvalOf(approval.id);
    expect(view.status).toBe('approved');
    const decision = (await replyActivity(approval.id)).find((a) => a.type === 'decision');
    expect(decision?.data).toMatchObject({ decision: 'approve', comment: 'thanks.\nBudget checked.' });
    const link = await env.db
      .selectFrom('approval_links')
      .select('used_at')
      .where('reply_token_hash', '=', sha256(replyTokens.get(amy)!))
      .executeTakeFirstOrThrow();
    expect(link.used_at).not.toBeNull();
  });

  it('SPEC §8.2 "Approuvé, merci" decides in French with the comment "merci"; "REFUSÉ" denies', async () => {
    const first = await ask([fanny]);
    expect(
      await reply(ws.id, first.replyTokens.get(fanny)!, inbound(fanny.email, 'Approuvé, merci')),
    ).toMatchObject({ outcome: 'decided' });
    expect((await approvalOf(first.approval.id)).status).toBe('approved');
    const decision = (await replyActivity(first.approval.id)).find((a) => a.type === 'decision');
    expect(decision?.data).toMatchObject({ decision: 'approve', comment: 'merci' });

    const second = await ask([fanny]);
    expect(await reply(ws.id, second.replyTokens.get(fanny)!, inbound(fanny.email, 'REFUSÉ'))).toMatchObject({
      outcome: 'decided',
    });
    expect((await approvalOf(second.approval.id)).status).toBe('denied');
  });

  it('SPEC §8.2 "No." denies', async () => {
    const { approval, replyTokens } = await ask([ben]);
    expect(await reply(ws.id, replyTokens.get(ben)!, inbound(ben.email, 'No.'))).toMatchObject({
      outcome: 'decided',
    });
    expect((await approvalOf(approval.id)).status).toBe('denied');
  });

  it('SPEC §8.2 §8.1 "Looks good" is a comment by the approver, emailed to the requester, and the link stays alive', async () => {
    const { approval, replyTokens } = await ask([amy, ben]);
    const body = `Looks good ${randomBytes(2).toString('hex')}, but ask finance`;
    expect(await reply(ws.id, replyTokens.get(amy)!, inbound(amy.email, body))).toEqual({
      outcome: 'commented',
      approvalId: approval.id,
      ticketId: ticket.id,
    });
    const view = await approvalOf(approval.id);
    expect(view.status).toBe('pending');
    expect(view.comments).toEqual([
      expect.objectContaining({ body, author: expect.objectContaining({ id: amy.id }) }),
    ]);
    const [comment] = (await replyActivity(approval.id)).filter((a) => a.type === 'comment');
    expect(comment).toBeDefined();
    // SPEC §8.1: a comment reaches the requesting member and the approvers who have not answered.
    await env.sink.waitFor((m) => mailTo(ada, `#${approval.number}`)(m) && m.text.includes(body), 10_000);
    await env.sink.waitFor((m) => mailTo(ben, `#${approval.number}`)(m) && m.text.includes(body), 10_000);
    // Still alive: a later "yes" decides.
    expect(await reply(ws.id, replyTokens.get(amy)!, inbound(amy.email, 'yes'))).toMatchObject({
      outcome: 'decided',
    });
  });

  it('SPEC §8.2 a second reply after the decision is a comment, not a second decision', async () => {
    const { approval, replyTokens } = await ask([amy, ben], { rule: { type: 'all' } });
    const token = replyTokens.get(amy)!;
    expect(await reply(ws.id, token, inbound(amy.email, 'Approve'))).toMatchObject({ outcome: 'decided' });
    expect(await reply(ws.id, token, inbound(amy.email, 'Deny — changed my mind'))).toMatchObject({
      outcome: 'commented',
    });
    const view = await approvalOf(approval.id);
    expect(view.displayStatus).toBe('partially_approved');
    expect(view.comments.map((c: { body: string }) => c.body)).toEqual(['Deny — changed my mind']);
  });

  it('SPEC §8.2 a reply after the step moved on is a comment', async () => {
    const created = await approvalFromTemplate(
      env.api,
      ws,
      ticket.id,
      {
        steps: [
          { name: 'First', approvers: [memberRef(amy), memberRef(ben)], rule: { type: 'any' } },
          { name: 'Second', approvers: [memberRef(fanny)], rule: { type: 'any' } },
        ],
      },
      `Moved ${randomBytes(2).toString('hex')}`,
    );
    const [m] = await env.sink.waitFor(mailTo(amy, `#${created.number}`), 10_000);
    const token = replyTokenOf(m!);
    expectStatus(
      await env.api.post(`/approvals/${created.id}/decisions`, { decision: 'approve' }, { token: ben.token }),
      200,
    );
    expect(await reply(ws.id, token, inbound(amy.email, 'Deny'))).toMatchObject({ outcome: 'commented' });
    const view = await approvalOf(created.id);
    expect(view.currentStepIndex).toBe(1);
    expect(view.status).toBe('pending');
    expect(view.comments.map((c: { body: string }) => c.body)).toEqual(['Deny']);
  });

  it('SPEC §8.2 a reply once the link has expired is a comment: the reply address dies with the link', async () => {
    const { approval, replyTokens } = await ask([amy]);
    const { expires_at } = await env.db
      .selectFrom('approval_links')
      .select('expires_at')
      .where('reply_token_hash', '=', sha256(replyTokens.get(amy)!))
      .executeTakeFirstOrThrow();
    const later = new Date(new Date(expires_at).getTime() + 60_000);
    expect(await reply(ws.id, replyTokens.get(amy)!, inbound(amy.email, 'Approve'), later)).toMatchObject({
      outcome: 'commented',
    });
    const view = await approvalOf(approval.id);
    expect(view.status).toBe('pending');
    expect(view.comments.map((c: { body: string }) => c.body)).toEqual(['Approve']);
  });

  it('SPEC §8.1 §8.2 a denial without the comment the template requires is kept as a comment, and the link is emailed', async () => {
    const created = await approvalFromTemplate(
      env.api,
      ws,
      ticket.id,
      {
        requireCommentOnDeny: true,
        steps: [{ name: 'Only', approvers: [memberRef(ben)], rule: { type: 'any' } }],
      },
      `Needs comment ${randomBytes(2).toString('hex')}`,
    );
    const [m] = await env.sink.waitFor(mailTo(ben, `#${created.number}`), 10_000);
    expect(await reply(ws.id, replyTokenOf(m!), inbound(ben.email, 'Deny'))).toMatchObject({
      outcome: 'link_sent',
    });
    expect((await approvalOf(created.id)).status).toBe('pending');
    const [resent] = await env.sink.waitFor(mailTo(ben, 'use this link'), 10_000);
    expect(tokenOf(resent!)).toBeTruthy();
  });

  it('SPEC §8.2 an unknown token, or one of another workspace, is ignored; an empty reply too', async () => {
    expect(await reply(ws.id, randomBytes(32).toString('base64url'), inbound(amy.email, 'Approve'))).toEqual({
      outcome: 'ignored',
      approvalId: null,
      ticketId: null,
    });
    const { replyTokens } = await ask([amy]);
    const other = await newWorkspace(env.api, { approvalsEnabled: true });
    expect(await reply(other.id, replyTokens.get(amy)!, inbound(amy.email, 'Approve'))).toMatchObject({
      outcome: 'ignored',
    });
    expect(await reply(ws.id, replyTokens.get(amy)!, inbound(amy.email, '  \n '))).toMatchObject({
      outcome: 'ignored',
    });
  });
});

describe(`SPEC §8.2 reply to approve with requireSignInForEmailResponses (${engine})`, () => {
  let signed: Workspace;
  let signedTicket: { id: string };
  let sam: Person;

  beforeAll(async () => {
    signed = await newWorkspace(env.api, { approvalsEnabled: true, requireSignInForEmailResponses: true });
    sam = await addMember(env.api, signed, { name: 'Sam Signed' });
    signedTicket = await signed.ticket(await signed.contact());
  });

  const askSam = () => ask([sam], {}, signed, signedTicket, signed.admin);

  /** The fresh-link emails (approval_link_resent) sent to `person` so far. */
  const resentTo = (person: Person) => env.sink.messages.filter(mailTo(person, 'use this link'));

  it('SPEC §8.2 DMARC failing: the reply is kept as a comment, and the approver is emailed a fresh link at their own address', async () => {
    const { approval, replyTokens } = await askSam();
    const before = resentTo(sam).length;
    expect(
      await reply(signed.id, replyTokens.get(sam)!, inbound(sam.email, 'Approve', 'fail')),
    ).toMatchObject({
      outcome: 'link_sent',
    });
    const view = await approvalOf(approval.id, signed.admin.token);
    expect(view.status).toBe('pending');
    expect(view.comments.map((c: { body: string }) => c.body)).toEqual(['Approve']);
    const fresh = await env.sink.waitFor(mailTo(sam, 'use this link'), 10_000, before + 1);
    const email = fresh.at(-1)!;
    // A fresh link that works, with its own reply address; not a reminder (rule 8 counts none).
    const link = tokenOf(email);
    expectStatus(await env.api.get(`/approval-links/${link}`, { token: sam.token }), 200);
    expect(replyTokenOf(email, await slugOf(signed))).not.toBe(replyTokens.get(sam));
    // Rule 8 (one reminder per approver per step every 5 minutes) did not count it: a reminder still goes.
    expectStatus(
      await env.api.post(`/approvals/${approval.id}/reminders`, {}, { token: signed.admin.token }),
      200,
    );
  });

  it('SPEC §8.2 DMARC passing and From the approver’s own address (any case): the reply decides', async () => {
    const { approval, replyTokens } = await askSam();
    expect(
      await reply(signed.id, replyTokens.get(sam)!, inbound(sam.email.toUpperCase(), 'Yes', 'pass')),
    ).toMatchObject({ outcome: 'decided' });
    expect((await approvalOf(approval.id, signed.admin.token)).status).toBe('approved');
  });

  it('SPEC §8.2 From another address, even with DMARC passing: a comment, and the link goes to the approver, never to the sender', async () => {
    const { approval, replyTokens } = await askSam();
    const stranger = 'mallory@elsewhere.example.test';
    const before = resentTo(sam).length;
    expect(await reply(signed.id, replyTokens.get(sam)!, inbound(stranger, 'Approve', 'pass'))).toMatchObject(
      {
        outcome: 'link_sent',
      },
    );
    expect((await approvalOf(approval.id, signed.admin.token)).status).toBe('pending');
    await env.sink.waitFor(mailTo(sam, 'use this link'), 10_000, before + 1);
    await drain(env.db, env.sink);
    expect(env.sink.messages.filter((m) => m.to.includes(stranger))).toEqual([]);
  });

  it('SPEC §8.2 a reply that is not a decision is a comment, and sends no link', async () => {
    const { approval, replyTokens } = await askSam();
    const before = resentTo(sam).length;
    expect(
      await reply(signed.id, replyTokens.get(sam)!, inbound(sam.email, 'Which budget line?', 'fail')),
    ).toMatchObject({ outcome: 'commented' });
    await drain(env.db, env.sink);
    expect(resentTo(sam).length).toBe(before);
    expect((await approvalOf(approval.id, signed.admin.token)).comments).toHaveLength(1);
  });
});
