import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine } from '../support/database.js';
import type { ReceivedEmail } from '../support/smtp-sink.js';
import { login, newWorkspace, PASSWORD, type Workspace } from '../support/workspace.js';
import { addContact, addMember, drain, FAST_POLICY, type MailEnv, sleep, startMailEnv } from './harness.js';

/**
 * Account emails (issue 10 items 1, 4, 10; issue 11 item 8; SPEC §8.1, §8.3, §8.6): password
 * resets, invitations, and sign-in links for members and contacts, through the outbox to a real
 * SMTP server.
 */

let env: MailEnv;
let ws: Workspace;

beforeAll(async () => {
  env = await startMailEnv({ policy: FAST_POLICY });
  ws = await newWorkspace(env.api);
});
afterAll(() => env?.close());

const RESET = /\/set-password\/([A-Za-z0-9_-]{43})/;
const MEMBER_SIGN_IN = /\/sign-in\/link\/([A-Za-z0-9_-]{43})/;

/** The requests answer before they look anything up: wait for the email itself. */
async function waitForEmail(
  match: (m: ReceivedEmail) => boolean,
  timeoutMs = 10_000,
): Promise<ReceivedEmail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = env.sink.messages.find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error('no such email arrived');
    await sleep(50);
  }
}

/** Lets the work done after a 202 finish, then the outbox drain. */
async function settle(): Promise<void> {
  await sleep(300);
  await drain(env.db, env.sink);
}

const toAddress = (email: string, subject: string) => (m: ReceivedEmail) =>
  m.to.includes(email.toLowerCase()) && m.subject.includes(subject);

const NEW_PASSWORD = 'a brand new passphrase';

describe(`password resets (SPEC §8.3, ${engine})`, () => {
  it('a member resets their password with a single-use link: other sessions end, the old password stops working', async () => {
    const agent = await addMember(env.api, ws, { name: 'Robin Reset' });
    const asked = await env.api.post('/auth/password-resets', {
      email: agent.email.toUpperCase(),
      workspaceId: ws.id,
    });
    expect(asked.status).toBe(202);
    const email = await waitForEmail(toAddress(agent.email, 'Reset your password'));
    expect(email.text).toContain('Hello Robin Reset,');
    const token = RESET.exec(email.text)![1]!;
    expect(email.html).toContain(token);
    const stored = await env.db
      .selectFrom('password_tokens')
      .selectAll()
      .where('principal_id', '=', agent.id)
      .execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.token_hash).not.toContain(token);
    const life = new Date(stored[0]!.expires_at).getTime() - new Date(stored[0]!.created_at).getTime();
    expect(Math.abs(life - 3600_000)).toBeLessThan(60_000);

    const redeemed = await env.api.post('/auth/password-resets/redeem', { token, password: NEW_PASSWORD });
    expect(redeemed.status, JSON.stringify(redeemed.body)).toBe(200);
    expect(redeemed.body).toMatchObject({ workspaceId: ws.id, principal: { type: 'member', id: agent.id } });
    expect((await env.api.get('/me', { token: agent.token })).status).toBe(401);
    expect(
      (await env.api.post('/auth/login', { workspaceId: ws.id, email: agent.email, password: PASSWORD }))
        .status,
    ).toBe(401);
    expect(
      (await env.api.post('/auth/login', { workspaceId: ws.id, email: agent.email, password: NEW_PASSWORD }))
        .status,
    ).toBe(200);

    const again = await env.api.post('/auth/password-resets/redeem', { token, password: 'yet another one' });
    expect(again.status).toBe(410);
    expect(again.body.code).toBe('link_inactive');
    const audit = await env.api.get('/audit-events', { token: ws.admin.token });
    const kinds = audit.body.items.filter((e: any) => e.subject.id === agent.id).map((e: any) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['password_reset', 'sessions_ended']));
  });

  it('a contact gets the email in their language; an expired link is 410; a short password is 400 and uses nothing', async () => {
    const contact = await addContact(env.api, ws, { name: 'Camille', locale: 'fr' });
    await env.api.post('/auth/password-resets', { email: contact.email, workspaceId: ws.id });
    const email = await waitForEmail(toAddress(contact.email, 'Réinitialisez votre mot de passe'));
    const token = RESET.exec(email.text)![1]!;
    expect((await env.api.post('/auth/password-resets/redeem', { token, password: 'short' })).status).toBe(
      400,
    );
    await env.db
      .updateTable('password_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('principal_id', '=', contact.id)
      .execute();
    expect(
      (await env.api.post('/auth/password-resets/redeem', { token, password: NEW_PASSWORD })).status,
    ).toBe(410);
    expect((await env.api.get('/me', { token: contact.token })).status).toBe(200);
  });

  it('always 202: an unknown address gets nothing; without workspaceId every account of the address gets a link', async () => {
    const before = env.sink.messages.length;
    const unknown = await env.api.post('/auth/password-resets', {
      email: `nobody-${randomUUID()}@example.test`,
    });
    expect(unknown.status).toBe(202);
    expect(unknown.body).toEqual({ sent: true });
    await settle();
    expect(env.sink.messages.length).toBe(before);

    const other = await newWorkspace(env.api);
    const shared = `shared-${randomUUID()}@example.test`;
    for (const w of [ws, other]) {
      const res = await env.api.post(
        '/contacts',
        { name: 'Sasha', email: shared, password: PASSWORD },
        { token: w.admin.token },
      );
      expect(res.status).toBe(201);
    }
    expect((await env.api.post('/auth/password-resets', { email: shared })).status).toBe(202);
    await settle();
    const emails = env.sink.messages.filter(toAddress(shared, 'Reset your password'));
    expect(emails).toHaveLength(2);
    const owners = await env.db
      .selectFrom('password_tokens')
      .select('workspace_id')
      .where('purpose', '=', 'password_reset')
      .execute();
    const ids = owners.map((o) => o.workspace_id);
    expect(ids).toContain(ws.id);
    expect(ids).toContain(other.id);
  });

  it('a deactivated member gets no reset email, and a link sent before deactivation no longer works', async () => {
    const agent = await addMember(env.api, ws, { name: 'Dee Activated' });
    await env.api.post('/auth/password-resets', { email: agent.email, workspaceId: ws.id });
    const email = await waitForEmail(toAddress(agent.email, 'Reset your password'));
    const token = RESET.exec(email.text)![1]!;
    expect(
      (await env.api.patch(`/members/${agent.id}`, { active: false }, { token: ws.admin.token })).status,
    ).toBe(200);
    expect(
      (await env.api.post('/auth/password-resets/redeem', { token, password: NEW_PASSWORD })).status,
    ).toBe(410);
    const before = env.sink.messages.filter(toAddress(agent.email, 'Reset')).length;
    await env.api.post('/auth/password-resets', { email: agent.email, workspaceId: ws.id });
    await settle();
    expect(env.sink.messages.filter(toAddress(agent.email, 'Reset')).length).toBe(before);
  });
});

describe(`invitations (issue 11 item 8, SPEC §8.1, ${engine})`, () => {
  it('a member created without a password is emailed an invitation valid 7 days; redeeming it lets them sign in', async () => {
    const email = `invited-${randomUUID()}@example.test`;
    const created = await env.api.post(
      '/members',
      { name: 'Ivy Invited', email, role: 'agent', locale: 'fr' },
      { token: ws.admin.token },
    );
    expect(created.status).toBe(201);
    const invitation = await waitForEmail(toAddress(email, 'Vous êtes invité'));
    const token = RESET.exec(invitation.text)![1]!;
    const stored = await env.db
      .selectFrom('password_tokens')
      .selectAll()
      .where('principal_id', '=', created.body.id)
      .executeTakeFirstOrThrow();
    expect(stored.purpose).toBe('invitation');
    const life = new Date(stored.expires_at).getTime() - new Date(stored.created_at).getTime();
    expect(Math.abs(life - 7 * 24 * 3600_000)).toBeLessThan(60_000);
    const redeemed = await env.api.post('/auth/password-resets/redeem', { token, password: NEW_PASSWORD });
    expect(redeemed.status, JSON.stringify(redeemed.body)).toBe(200);
    expect(redeemed.body.purpose).toBe('invitation');
    const signedIn = await env.api.post('/auth/login', { workspaceId: ws.id, email, password: NEW_PASSWORD });
    expect(signedIn.status).toBe(200);
    const audit = await env.api.get('/audit-events', { token: ws.admin.token });
    const kinds = audit.body.items
      .filter((e: any) => e.subject.id === created.body.id)
      .map((e: any) => e.kind);
    expect(kinds).toEqual(['invitation_redeemed', 'invitation_sent']);
  });

  it('POST /members/{id}/invite: admins only, 202, a fresh link; 409 for a deactivated member; a member with a password is not invited on creation', async () => {
    const agent = await addMember(env.api, ws, { name: 'Has Password' });
    await settle();
    expect(env.sink.messages.filter(toAddress(agent.email, 'invited'))).toEqual([]);
    expect(
      (await env.api.post(`/members/${agent.id}/invite`, undefined, { token: agent.token })).status,
    ).toBe(403);
    const sent = await env.api.post(`/members/${agent.id}/invite`, undefined, { token: ws.admin.token });
    expect(sent.status).toBe(202);
    await waitForEmail(toAddress(agent.email, 'You are invited'));
    expect(
      (await env.api.patch(`/members/${agent.id}`, { active: false }, { token: ws.admin.token })).status,
    ).toBe(200);
    const refused = await env.api.post(`/members/${agent.id}/invite`, undefined, { token: ws.admin.token });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('member_inactive');
    expect(
      (await env.api.post(`/members/${randomUUID()}/invite`, undefined, { token: ws.admin.token })).status,
    ).toBe(404);
  });
});

describe(`sign-in links for members too (issue 11 item 8, ${engine})`, () => {
  it('a member asks for a sign-in link, which opens the agent workspace once', async () => {
    const agent = await addMember(env.api, ws, { name: 'Lee Link' });
    const asked = await env.api.post('/auth/sign-in-links', {
      workspaceId: ws.id.toUpperCase(),
      email: agent.email,
      next: '/tasks',
    });
    expect(asked.status).toBe(202);
    const email = await waitForEmail(toAddress(agent.email, 'Your sign-in link'));
    expect(email.text).toContain('agent workspace');
    const token = MEMBER_SIGN_IN.exec(email.text)![1]!;
    const redeemed = await env.api.post('/auth/sign-in-links/redeem', { token });
    expect(redeemed.status, JSON.stringify(redeemed.body)).toBe(200);
    expect(redeemed.body).toMatchObject({ principal: { type: 'member', id: agent.id }, next: '/tasks' });
    expect((await env.api.post('/auth/sign-in-links/redeem', { token })).status).toBe(410);
  });

  it('without workspaceId, every workspace where the address has an account gets a link', async () => {
    const other = await newWorkspace(env.api);
    const email = `both-${randomUUID()}@example.test`;
    for (const w of [ws, other]) {
      const res = await env.api.post(
        '/members',
        { name: 'Twin', email, role: 'agent', password: PASSWORD },
        { token: w.admin.token },
      );
      expect(res.status).toBe(201);
    }
    expect((await env.api.post('/auth/sign-in-links', { email })).status).toBe(202);
    await settle();
    expect(env.sink.messages.filter(toAddress(email, 'Your sign-in link'))).toHaveLength(2);
  });
});

describe(`no mailbox flooding, no lockout (issue 10 item 4, ${engine})`, () => {
  it('21 requests in a minute for one contact, with the workspace id in any case, send at most 5 emails, all answered 202', async () => {
    const contact = await addContact(env.api, ws, { name: 'Flo Oded' });
    const variants = [
      ws.id,
      ws.id.toUpperCase(),
      ` ${ws.id} `.trim(),
      ws.id.replace(/[a-f]/g, (c) => c.toUpperCase()),
    ];
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const res = await env.api.post('/auth/sign-in-links', {
        workspaceId: variants[i % variants.length],
        email: i % 2 ? contact.email.toUpperCase() : ` ${contact.email}`,
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual(Array(21).fill(202));
    await settle();
    const sent = env.sink.messages.filter(toAddress(contact.email, 'sign-in link'));
    expect(sent.length).toBe(5);
    // The owner can still sign in with any of them: the flood handed them links, not a lockout.
    const token = /\/portal\/sign-in\/([A-Za-z0-9_-]{43})/.exec(sent[0]!.text)![1]!;
    expect((await env.api.post('/auth/sign-in-links/redeem', { token })).status).toBe(200);
  });
});

describe(`names in account emails are one line (issue 10 item 10, ${engine})`, () => {
  it('a name stored before the limit shows on one line, cut at 100 characters, in the text and HTML parts', async () => {
    const contact = await addContact(env.api, ws, { name: 'Plain' });
    const stored = `Mallory\r\nClick here: http://evil.example\n${'x'.repeat(200)}`;
    await env.db.updateTable('contacts').set({ name: stored }).where('id', '=', contact.id).execute();
    await env.api.post('/auth/sign-in-links', { workspaceId: ws.id, email: contact.email });
    const email = await waitForEmail(toAddress(contact.email, 'sign-in link'));
    const hello = email.text.split('\n')[0]!;
    expect(hello).toMatch(/^Hello Mallory Click here: http:\/\/evil\.example x+…,$/);
    expect(hello.length).toBeLessThanOrEqual('Hello ,'.length + 101);
    expect(email.text.split('\n')[1]).toBe('');
    expect(email.html).not.toMatch(/Mallory[\r\n]/);
    await login(env.api, ws.id, contact.email);
  });
});
