import { expect } from 'vitest';
import type { Db } from '../../src/shared/db/connect.js';
import type { Client, Response } from './client.js';
import type { Person, Workspace } from './workspace.js';

/** Helpers shared by the approval API tests: refs, expectations on problems, outbox and activity rows. */

export const memberRef = (p: { id: string }) => ({ type: 'member' as const, id: p.id });
export const contactRef = (p: { id: string }) => ({ type: 'contact' as const, id: p.id });
export const groupRef = (g: { id: string }) => ({ type: 'group' as const, id: g.id });

/** Asserts a problem+json answer with this status and code. */
export function expectProblem(res: Response, status: number, code: string): void {
  const detail = JSON.stringify(res.body);
  expect(res.status, detail).toBe(status);
  expect(res.headers.get('content-type'), detail).toMatch(/^application\/problem\+json/);
  expect(res.body.code, detail).toBe(code);
}

export function expectStatus(res: Response, status: number): any {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
}

/** The outbox rows of one approval in insertion order, optionally of one kind. */
export async function outboxRows(db: Db, approvalId: string, kind?: string) {
  let q = db
    .selectFrom('outbox')
    .select(['seq', 'event_id', 'kind', 'recipient_type', 'recipient_id', 'payload'])
    .where('approval_id', '=', approvalId);
  if (kind) q = q.where('kind', '=', kind);
  return q.orderBy('seq').execute();
}

/** `type:id` of each outbox row's recipient, sorted, for comparing sets of people. */
export const recipientsOf = (rows: { recipient_type: string; recipient_id: string }[]) =>
  rows.map((r) => `${r.recipient_type}:${r.recipient_id}`).sort();

export const keys = (people: { type: string; id: string }[]) => people.map((p) => `${p.type}:${p.id}`).sort();

export async function createTemplate(api: Client, admin: Person, body: Record<string, unknown>) {
  const res = await api.post('/approval-templates', body, { token: admin.token });
  return expectStatus(res, 201);
}

export async function createGroup(api: Client, admin: Person, body: Record<string, unknown>) {
  const res = await api.post('/approval-groups', body, { token: admin.token });
  return expectStatus(res, 201);
}

export async function requestApproval(
  api: Client,
  by: Person,
  ticketId: string,
  body: Record<string, unknown>,
) {
  const res = await api.post(`/tickets/${ticketId}/approvals`, body, { token: by.token });
  return expectStatus(res, 201);
}

export async function decide(
  api: Client,
  by: Person,
  approvalId: string,
  decision: 'approve' | 'deny',
  comment?: string,
) {
  const res = await api.post(
    `/approvals/${approvalId}/decisions`,
    comment === undefined ? { decision } : { decision, comment },
    { token: by.token },
  );
  return expectStatus(res, 200);
}

export async function activityOf(api: Client, token: string, ticketId: string, approvalId?: string) {
  const res = await api.get(`/tickets/${ticketId}/activity?limit=200`, { token });
  const items: any[] = expectStatus(res, 200).items;
  return approvalId ? items.filter((a) => a.approvalId === approvalId) : items;
}

type Tuple<N extends number, T, R extends T[] = []> = R['length'] extends N ? R : Tuple<N, T, [...R, T]>;

/** `n` signed-in agents, created in parallel (each sign-up hashes a password, which is slow). */
export function agents<N extends number>(ws: Workspace, n: N): Promise<Tuple<N, Person>> {
  return Promise.all(Array.from({ length: n }, () => ws.member())) as Promise<any>;
}
