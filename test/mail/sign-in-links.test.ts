import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine } from '../support/database.js';
import { newWorkspace, type Workspace } from '../support/workspace.js';
import { addContact, drain, FAST_POLICY, type MailEnv, mailTo, sleep, startMailEnv } from './harness.js';

/** The customer portal's passwordless sign-in: a link by email, used once, within 15 minutes. */

let env: MailEnv;
let ws: Workspace;

beforeAll(async () => {
  env = await startMailEnv({ policy: FAST_POLICY });
  ws = await newWorkspace(env.api);
});
afterAll(() => env?.close());

const TOKEN = /\/portal\/sign-in\/([A-Za-z0-9_-]{43})/;

describe(`portal sign-in links (${engine})`, () => {
  it('emails a contact a link that signs them in once, with a session cookie', async () => {
    const contact = await addContact(env.api, ws, { name: 'Camille', locale: 'fr' });
    const asked = await env.api.post('/auth/sign-in-links', {
      workspaceId: ws.id,
      email: contact.email,
      next: '/portal/tickets/abc',
    });
    expect(asked.status).toBe(202);
    // The request is answered before the email is queued (same timing for known and unknown addresses).
    await sleep(300);
    await drain(env.db, env.sink);
    const email = env.sink.messages.find(mailTo(contact, 'connexion'));
    expect(email?.subject).toContain('Votre lien de connexion');
    const token = TOKEN.exec(email!.text)![1]!;

    const redeemed = await env.api.post('/auth/sign-in-links/redeem', { token });
    expect(redeemed.status).toBe(200);
    expect(redeemed.body.principal).toEqual({ type: 'contact', id: contact.id });
    expect(redeemed.body.next).toBe('/portal/tickets/abc');
    const cookie = redeemed.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/signoff_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    const session = /signoff_session=([^;]+)/.exec(cookie)![1]!;
    const me = await env.api.get('/me', { headers: { cookie: `signoff_session=${session}` } });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(contact.id);

    const again = await env.api.post('/auth/sign-in-links/redeem', { token });
    expect(again.status).toBe(410);
    expect(again.body.code).toBe('link_inactive');
  });

  it('answers 202 for an unknown address and sends nothing, so it tells nobody who is a customer', async () => {
    const before = env.sink.messages.length;
    const asked = await env.api.post('/auth/sign-in-links', {
      workspaceId: ws.id,
      email: 'nobody@example.test',
    });
    expect(asked.status).toBe(202);
    // The request is answered before the email is queued (same timing for known and unknown addresses).
    await sleep(300);
    await drain(env.db, env.sink);
    expect(env.sink.messages.length).toBe(before);
  });

  it('refuses a next path that leaves the site, and unknown tokens', async () => {
    const bad = await env.api.post('/auth/sign-in-links', {
      workspaceId: ws.id,
      email: 'x@example.test',
      next: '//evil.example/',
    });
    expect(bad.status).toBe(400);
    const unknown = await env.api.post('/auth/sign-in-links/redeem', { token: 'a'.repeat(43) });
    expect(unknown.status).toBe(410);
  });

  it('a cookie session must send the CSRF token to change anything', async () => {
    const contact = await addContact(env.api, ws, { name: 'Dana' });
    const login = await env.api.post('/auth/login', {
      workspaceId: ws.id,
      email: contact.email,
      password: 'correct horse battery',
      session: 'cookie',
    });
    expect(login.status).toBe(200);
    expect(login.body.token).toBeUndefined();
    const cookies = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const ticket = { subject: 'From the portal', body: 'Hello' };
    const without = await env.api.post('/tickets', ticket, { headers: { cookie: cookies } });
    expect(without.status).toBe(403);
    expect(without.body.code).toBe('csrf_failed');
    const withToken = await env.api.post('/tickets', ticket, {
      headers: { cookie: cookies, 'x-csrf-token': login.body.csrfToken },
    });
    expect(withToken.status).toBe(201);
    const activity = await env.api.get(`/tickets/${withToken.body.id}`, { headers: { cookie: cookies } });
    expect(activity.status).toBe(200);
  });
});
