import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { Client } from './client.js';

export const PASSWORD = 'correct horse battery';

export type Person = { id: string; token: string; email: string; name: string };

export type Workspace = {
  id: string;
  /** Its slug (SPEC §8.6): the portal at /portal/{slug}. */
  slug: string;
  admin: Person;
  /** Signs up a member and returns them signed in. */
  member(role?: 'admin' | 'agent', name?: string): Promise<Person>;
  /** Creates a contact with a password and returns them signed in. */
  contact(name?: string): Promise<Person>;
  settings(patch: Record<string, unknown>): Promise<void>;
  ticket(requester: Person, extra?: Record<string, unknown>): Promise<{ id: string; number: number }>;
};

const unique = () => randomBytes(4).toString('hex');

export async function login(api: Client, workspaceId: string, email: string): Promise<string> {
  const res = await api.post('/auth/login', { workspaceId, email, password: PASSWORD });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.token;
}

/** A new workspace with its admin signed in; approvals on unless told otherwise. */
export async function newWorkspace(
  api: Client,
  settings: Record<string, unknown> = { approvalsEnabled: true },
): Promise<Workspace> {
  const email = `admin-${unique()}@example.test`;
  const signup = await api.post('/signup', {
    workspaceName: `WS ${unique()}`,
    name: 'Ada Admin',
    email,
    password: PASSWORD,
  });
  expect(signup.status, JSON.stringify(signup.body)).toBe(201);
  const id: string = signup.body.workspace.id;
  const admin: Person = { id: signup.body.member.id, token: signup.body.token, email, name: 'Ada Admin' };
  const ws: Workspace = {
    id,
    slug: signup.body.workspace.slug,
    admin,
    async member(role = 'agent', name = `Agent ${unique()}`) {
      const email = `m-${unique()}@example.test`;
      const res = await api.post(
        '/members',
        { name, email, role, password: PASSWORD },
        { token: admin.token },
      );
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return { id: res.body.id, email, name, token: await login(api, id, email) };
    },
    async contact(name = `Contact ${unique()}`) {
      const email = `c-${unique()}@example.test`;
      const res = await api.post('/contacts', { name, email, password: PASSWORD }, { token: admin.token });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return { id: res.body.id, email, name, token: await login(api, id, email) };
    },
    async settings(patch) {
      const res = await api.patch('/settings', patch, { token: admin.token });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    },
    async ticket(requester, extra = {}) {
      const res = await api.post(
        '/tickets',
        { subject: 'Need a laptop', body: 'Mine broke.', requesterId: requester.id, ...extra },
        { token: admin.token },
      );
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body;
    },
  };
  if (Object.keys(settings).length > 0) await ws.settings(settings);
  return ws;
}
