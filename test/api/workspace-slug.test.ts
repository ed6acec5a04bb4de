import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slugFromName } from '../../src/shared/email/addresses.js';
import { type Client, client } from '../support/client.js';
import { engine } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { newWorkspace, PASSWORD } from '../support/workspace.js';

/** SPEC §8.2/§8.6: each workspace receives mail at `{slug}@{INBOUND_DOMAIN}`; the slug is unique ignoring case. */

let server: TestServer;
let api: Client;

beforeAll(async () => {
  server = await startServer({ env: { INBOUND_DOMAIN: 'mail.signoff.test' } });
  api = client(server.url);
});
afterAll(() => server?.close());

const unique = () => randomBytes(4).toString('hex');

const signUp = (workspaceName: string, slug?: string) =>
  api.post('/signup', {
    workspaceName,
    ...(slug ? { slug } : {}),
    name: 'Ada',
    email: `ada-${unique()}@example.test`,
    password: PASSWORD,
  });

describe(`workspace slugs (${engine})`, () => {
  it('SPEC §8.6: a slug is 3–40 of [a-z0-9-] made from the name', () => {
    expect(slugFromName('Acme Support')).toBe('acme-support');
    expect(slugFromName('Café Crème!')).toBe('cafe-creme');
    expect(slugFromName('X')).toBe('x00');
    expect(slugFromName('日本')).toBe('workspace');
    expect(slugFromName('a'.repeat(80))).toHaveLength(34);
    for (const name of ['Acme', '  --  ', 'Ünïcödé Ltd.', 'a'.repeat(200)]) {
      expect(slugFromName(name)).toMatch(/^[a-z0-9-]{3,40}$/);
    }
  });

  it('SPEC §8.2: sign-up makes the slug from the name; settings answer it with the inbound address', async () => {
    const name = `Slug Co ${unique()}`;
    const res = await signUp(name);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.workspace.slug).toBe(slugFromName(name));
    const settings = await api.get('/settings', { token: res.body.token });
    expect(settings.status).toBe(200);
    expect(settings.body.slug).toBe(slugFromName(name));
    expect(settings.body.inboundAddress).toBe(`${slugFromName(name)}@mail.signoff.test`);
    expect(settings.body.acceptMailFromUnknownSenders).toBe(true);
    expect(settings.body.acknowledgeNewTickets).toBe(true);
  });

  it('SPEC §8.6: two workspaces of one name both sign up; the second gets a numbered slug', async () => {
    const name = `Twin ${unique()}`;
    const first = await signUp(name);
    const second = await signUp(name);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.workspace.slug).toBe(`${first.body.workspace.slug}-2`);
  });

  it('SPEC §8.6: a slug asked for at sign-up that another workspace has (any case) is 409 slug_taken, nothing made', async () => {
    const slug = `chosen-${unique()}`;
    expect((await signUp('One', slug)).status).toBe(201);
    for (const asked of [slug, slug.toUpperCase()]) {
      const workspaceName = `Two ${unique()}`;
      const clash = await signUp(workspaceName, asked);
      expect(clash.status, JSON.stringify(clash.body)).toBe(409);
      expect(clash.body.code).toBe('slug_taken');
      expect(clash.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const made = await server.database.handle.db
        .selectFrom('workspaces')
        .select('id')
        .where('name', '=', workspaceName)
        .execute();
      expect(made).toEqual([]);
    }
  });

  it('SPEC §8.2: PATCH /settings {slug} moves the address; 409 slug_taken when taken; 400 when not a slug; admins only', async () => {
    const a = await newWorkspace(api);
    const b = await newWorkspace(api);
    const slug = `moved-${unique()}`;
    const moved = await api.patch('/settings', { slug }, { token: a.admin.token });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toMatchObject({ slug, inboundAddress: `${slug}@mail.signoff.test` });
    // The same slug again for the same workspace is fine.
    expect((await api.patch('/settings', { slug }, { token: a.admin.token })).status).toBe(200);
    const taken = await api.patch('/settings', { slug, appealsEnabled: true }, { token: b.admin.token });
    expect(taken.status, JSON.stringify(taken.body)).toBe(409);
    expect(taken.body.code).toBe('slug_taken');
    // Nothing half-written: the other setting of the refused request did not change either.
    expect((await api.get('/settings', { token: b.admin.token })).body.appealsEnabled).toBe(false);
    for (const bad of ['ab', 'a'.repeat(41), 'has space', 'under_score', 'émile']) {
      const res = await api.patch('/settings', { slug: bad }, { token: b.admin.token });
      expect(res.status, bad).toBe(400);
    }
    const agent = await a.member('agent');
    const refused = await api.patch('/settings', { slug: `agent-${unique()}` }, { token: agent.token });
    expect(refused.status).toBe(403);
    expect((await api.get('/settings', { token: agent.token })).body.slug).toBe(slug);
  });
});
