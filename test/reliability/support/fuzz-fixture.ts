import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { sha256 } from '../../../src/auth/tokens.js';
import { FAST_POLICY, type MailEnv, mailTo, startMailEnv, tokenOf } from '../../mail/harness.js';
import { contactRef, expectStatus, groupRef, memberRef } from '../../support/approvals.js';
import type { Client } from '../../support/client.js';
import { attachFile, INBOUND_ENV } from '../../support/inbound.js';
import { login, newWorkspace, type Person, type Workspace } from '../../support/workspace.js';

/**
 * Two workspaces with something of everything, and link tokens in every state, taken from
 * the emails that really arrived at an SMTP sink.
 */

export type Ids = {
  member: string;
  contact: string;
  ticket: string;
  approval: string;
  group: string;
  template: string;
  outbox: string;
};

export type FuzzFixture = {
  env: MailEnv;
  api: Client;
  mine: {
    ws: Workspace;
    agent: Person;
    approver: Person;
    contactApprover: Person;
    requester: Person;
    stranger: Person;
    /** Harmless targets for PATCH /members/{id} and PATCH /contacts/{id}. */
    targetMember: Person;
    targetContact: Person;
    /** A session of its own for POST /auth/logout to end. */
    throwaway: string;
    ticket: { id: string; number: number };
    /** A file on the ticket's first message (GET /tickets/{id}/attachments/{attachmentId}). */
    attachment: string;
    group: string;
    /** A group and a template that PUT/DELETE requests aim at. */
    targetGroup: string;
    template: string;
    targetTemplate: string;
    pending: string;
    denied: string;
    outbox: string;
  };
  theirs: { ws: Workspace; ids: Ids };
  /** Bearer tokens that must all be refused. */
  badTokens: Record<string, string>;
  /** Approval-link tokens: one still active, the others dead in every way a link dies. */
  links: { active: string; dead: Record<string, string> };
};

const unique = () => randomBytes(3).toString('hex');

/** The link token that `person` received for the approval titled `title`. */
export async function linkToken(env: MailEnv, person: { email: string }, title: string): Promise<string> {
  const [mail] = await env.sink.waitFor(mailTo(person, title), 15_000);
  return tokenOf(mail!);
}

async function adHoc(
  api: Client,
  by: Person,
  ticketId: string,
  approvers: object[],
  title = `Fuzz ${unique()}`,
) {
  const body = await expectStatus(
    await api.post(`/tickets/${ticketId}/approvals`, { title, approvers }, { token: by.token }),
    201,
  );
  return { id: body.id as string, title };
}

export async function buildFuzzFixture(): Promise<FuzzFixture> {
  // The inbound door (SPEC §8.2) is open only with a secret: the fuzzer reaches it with INBOUND_SECRET.
  const env = await startMailEnv({ policy: FAST_POLICY, serverEnv: INBOUND_ENV });
  const api = env.api;
  const ws = await newWorkspace(api, {
    approvalsEnabled: true,
    contactsCanViewApprovals: true,
    appealsEnabled: true,
    contactApprovalEmails: true,
  });
  const [agent, approver, targetMember, contactApprover, requester, stranger, targetContact] =
    await Promise.all([
      ws.member('agent', 'Fuzz Agent'),
      ws.member('agent', 'Fuzz Approver'),
      ws.member('agent', 'Fuzz Target'),
      ws.contact('Fuzz Contact Approver'),
      ws.contact('Fuzz Requester'),
      ws.contact('Fuzz Stranger'),
      ws.contact('Fuzz Target Contact'),
    ]);
  const ticket = await ws.ticket(requester, { contactIds: [contactApprover.id], assigneeId: agent.id });
  const admin = ws.admin.token;
  const group = expectStatus(
    await api.post(
      '/approval-groups',
      { name: 'Fuzz group', memberIds: [approver.id], contactIds: [contactApprover.id] },
      { token: admin },
    ),
    201,
  ).id;
  const targetGroup = expectStatus(
    await api.post(
      '/approval-groups',
      { name: 'Fuzz target group', memberIds: [agent.id] },
      { token: admin },
    ),
    201,
  ).id;
  const templateBody = {
    name: 'Fuzz template',
    description: 'For the fuzzer',
    allowAppeals: true,
    appealReviewers: [memberRef(ws.admin)],
    steps: [
      {
        name: 'Review',
        approvers: [memberRef(approver), contactRef(contactApprover)],
        rule: { type: 'any' },
      },
    ],
  };
  const template = expectStatus(
    await api.post('/approval-templates', templateBody, { token: admin }),
    201,
  ).id;
  const targetTemplate = expectStatus(
    await api.post(
      '/approval-templates',
      { ...templateBody, name: 'Fuzz target template' },
      { token: admin },
    ),
    201,
  ).id;

  const pending = expectStatus(
    await api.post(
      `/tickets/${ticket.id}/approvals`,
      { templateId: template, title: 'Fuzz pending' },
      { token: agent.token },
    ),
    201,
  ).id;
  const denied = expectStatus(
    await api.post(
      `/tickets/${ticket.id}/approvals`,
      { templateId: template, title: 'Fuzz denied' },
      { token: agent.token },
    ),
    201,
  ).id;
  expectStatus(
    await api.post(`/approvals/${denied}/decisions`, { decision: 'deny' }, { token: approver.token }),
    200,
  );

  // Links in every state.
  const approverRef = memberRef(approver);
  const used = await adHoc(api, agent, ticket.id, [approverRef]);
  const revoked = await adHoc(api, agent, ticket.id, [approverRef, memberRef(agent)]);
  const expired = await adHoc(api, agent, ticket.id, [approverRef]);
  const canceled = await adHoc(api, agent, ticket.id, [approverRef]);
  const answered = await adHoc(api, agent, ticket.id, [approverRef, groupRef({ id: group })]);
  const [active, usedT, revokedT, expiredT, canceledT, answeredT] = await Promise.all([
    linkToken(env, approver, 'Fuzz pending'),
    linkToken(env, approver, used.title),
    linkToken(env, approver, revoked.title),
    linkToken(env, approver, expired.title),
    linkToken(env, approver, canceled.title),
    linkToken(env, approver, answered.title),
  ]);
  expectStatus(
    await api.post(`/approval-links/${usedT}/decisions`, { decision: 'approve' }, { token: approver.token }),
    200,
  );
  expectStatus(
    await api.patch(`/approvals/${revoked.id}/recipients`, { remove: [approverRef] }, { token: agent.token }),
    200,
  );
  await env.db
    .updateTable('approval_links')
    .set({ expires_at: new Date(Date.now() - 60_000) })
    .where('token_hash', '=', sha256(expiredT))
    .execute();
  expectStatus(await api.post(`/approvals/${canceled.id}/cancel`, undefined, { token: agent.token }), 200);
  expectStatus(
    await api.post(`/approvals/${answered.id}/decisions`, { decision: 'approve' }, { token: approver.token }),
    200,
  );
  const flip = (t: string) => `${t.slice(0, 20)}${t[20] === 'A' ? 'B' : 'A'}${t.slice(21)}`;

  // The other workspace, with one of everything.
  const other = await newWorkspace(api, { approvalsEnabled: true });
  const [otherMember, otherContact] = await Promise.all([other.member(), other.contact()]);
  const otherTicket = await other.ticket(otherContact);
  const otherGroup = expectStatus(
    await api.post(
      '/approval-groups',
      { name: 'Theirs', memberIds: [otherMember.id] },
      { token: other.admin.token },
    ),
    201,
  ).id;
  const otherTemplate = expectStatus(
    await api.post(
      '/approval-templates',
      { name: 'Theirs', steps: [{ name: 'S', approvers: [memberRef(otherMember)], rule: { type: 'any' } }] },
      { token: other.admin.token },
    ),
    201,
  ).id;
  const otherApproval = (await adHoc(api, other.admin, otherTicket.id, [memberRef(otherMember)])).id;

  // Bearer tokens that must not work.
  const expiredSession = await login(api, ws.id, agent.email);
  await env.db
    .updateTable('sessions')
    .set({ expires_at: new Date(Date.now() - 1000) })
    .where('token_hash', '=', sha256(expiredSession))
    .execute();
  const revokedSession = await login(api, ws.id, agent.email);
  expect((await api.post('/auth/logout', undefined, { token: revokedSession })).status).toBe(204);
  const leaver = await ws.member('agent', 'Fuzz Leaver');
  expectStatus(await api.patch(`/members/${leaver.id}`, { active: false }, { token: admin }), 200);
  const secret = ws.admin.token.split('.')[1]!;

  // Everything is delivered; then the worker stops, so that nothing changes the database on its own.
  await waitForOutbox(env);
  await env.stopWorkers();
  const outboxOf = async (workspaceId: string) =>
    (
      await env.db
        .selectFrom('outbox')
        .select('id')
        .where('workspace_id', '=', workspaceId)
        .orderBy('seq')
        .executeTakeFirstOrThrow()
    ).id;

  // Dead link tokens; none may be the live one, or its case would rightly be accepted.
  const dead: Record<string, string> = {
    used: usedT,
    revoked: revokedT,
    expired: expiredT,
    canceled: canceledT,
    'step-answered': answeredT,
    'one-char-changed': flip(active),
    'random-43': randomBytes(32).toString('base64url'),
    'too-short': active.slice(0, 42),
    'too-long': `${active}A`,
    padded: `${active}=`,
    // The same 32 bytes in standard base64 (RFC 4648 §4): padded, so never the live token itself.
    'standard-base64': Buffer.from(active, 'base64url').toString('base64'),
    // The standard alphabet without padding only differs when the token holds a '-' or '_'
    // (about 3 tokens in 4); otherwise it would be the live token, not a dead one.
    ...(/[-_]/.test(active) ? { 'standard-alphabet': active.replace(/-/g, '+').replace(/_/g, '/') } : {}),
    'session-token': ws.admin.token,
  };
  for (const [name, token] of Object.entries(dead)) expect(token, `dead link ${name}`).not.toBe(active);

  return {
    env,
    api,
    mine: {
      ws,
      agent,
      approver,
      contactApprover,
      requester,
      stranger,
      targetMember,
      targetContact,
      throwaway: await login(api, ws.id, targetMember.email),
      ticket,
      attachment: await attachFile(env.db, ws.id, ticket.id),
      group,
      targetGroup,
      template,
      targetTemplate,
      pending,
      denied,
      outbox: await outboxOf(ws.id),
    },
    theirs: {
      ws: other,
      ids: {
        member: otherMember.id,
        contact: otherContact.id,
        ticket: otherTicket.id,
        approval: otherApproval,
        group: otherGroup,
        template: otherTemplate,
        outbox: await outboxOf(other.id),
      },
    },
    badTokens: {
      expired: expiredSession,
      revoked: revokedSession,
      deactivated: leaver.token,
      tampered: flip(ws.admin.token.split('.')[1]!).replace(/^/, `${ws.id}.`),
      'other-workspace-id': `${other.id}.${secret}`,
      'random-uuid-workspace': `${crypto.randomUUID()}.${secret}`,
      'no-workspace': secret,
      garbage: 'not-a-token',
      'too-long': `${ws.admin.token}${'A'.repeat(4000)}`,
      'lower-cased': ws.admin.token.toLowerCase(),
    },
    links: { active, dead },
  };
}

/** Waits until the worker has nothing left to send. */
export async function waitForOutbox(env: MailEnv, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = await env.db.selectFrom('outbox').select('id').where('status', '=', 'pending').execute();
    if (pending.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(`${pending.length} emails still pending after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
