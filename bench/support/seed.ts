/**
 * Seeding for the benchmarks (and the index test): the first approval of a
 * kind is made through the real API (in-process, `inject`), so its rows are
 * exactly what the product writes; the thousands after it are SQL copies of
 * that prototype (`generate_series`), each on its own new ticket. Approvers
 * and their sessions are inserted directly: account creation is not what is
 * measured, and argon2 would dominate the seeding time.
 */

import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { buildApp } from '../../src/app.js';
import { newSessionToken } from '../../src/auth/tokens.js';
import { loadConfig } from '../../src/shared/config.js';
import type { DatabaseHandle, Db } from '../../src/shared/db/connect.js';

export type Api = {
  call(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown, token?: string): Promise<any>;
  close(): Promise<void>;
};

/** The real app in this process, on the seeding connection; loopback-free and without rate limits. */
export async function inProcessApi(handle: DatabaseHandle): Promise<Api> {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: '', SMTP_URL: '' });
  const app = await buildApp({
    database: handle,
    config,
    logger: false,
    rateLimits: { signups: { max: 1_000_000, windowSeconds: 60 } },
  });
  await app.ready();
  return {
    async call(method, path, body, token) {
      const res = await app.inject({
        method,
        url: `/api/v1${path}`,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
      });
      const parsed = res.body ? JSON.parse(res.body) : null;
      if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${res.body}`);
      return parsed;
    },
    close: () => app.close(),
  };
}

export type SeededWorkspace = {
  id: string;
  admin: { id: string; token: string };
  requester: { id: string };
};

let counter = 0;

export async function seedWorkspace(api: Api, name: string): Promise<SeededWorkspace> {
  const n = ++counter;
  const signup = await api.call('POST', '/signup', {
    workspaceName: name,
    name: 'Bench Admin',
    email: `admin${n}-${randomUUID().slice(0, 8)}@bench.test`,
    password: 'bench password 1',
  });
  const token: string = signup.token;
  await api.call('PATCH', '/settings', { approvalsEnabled: true }, token);
  const requester = await api.call(
    'POST',
    '/contacts',
    { name: 'Casey Customer', email: `customer${n}@bench.test` },
    token,
  );
  return { id: signup.workspace.id, admin: { id: signup.member.id, token }, requester: { id: requester.id } };
}

/** `count` agents inserted directly, each with a live session token. */
export async function seedMembers(
  db: Db,
  workspaceId: string,
  count: number,
  prefix = 'approver',
): Promise<{ id: string; token: string }[]> {
  const people = Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    session: newSessionToken(workspaceId),
    i,
  }));
  for (let i = 0; i < people.length; i += 1000) {
    const chunk = people.slice(i, i + 1000);
    await db
      .insertInto('members')
      .values(
        chunk.map((p) => ({
          workspace_id: workspaceId,
          id: p.id,
          name: `${prefix} ${p.i}`,
          email: `${prefix}${p.i}-${p.id.slice(0, 8)}@bench.test`,
          role: 'agent' as const,
          locale: 'en' as const,
          password_hash: null,
        })),
      )
      .execute();
    await db
      .insertInto('sessions')
      .values(
        chunk.map((p) => ({
          workspace_id: workspaceId,
          token_hash: p.session.hash,
          principal_type: 'member' as const,
          principal_id: p.id,
          expires_at: new Date(Date.now() + 7 * 24 * 3600 * 1000),
        })),
      )
      .execute();
  }
  return people.map((p) => ({ id: p.id, token: p.session.token }));
}

export async function createTicket(api: Api, ws: SeededWorkspace, subject = 'Laptop request') {
  return api.call(
    'POST',
    '/tickets',
    { subject, body: 'My laptop broke; may I have a new one?', requesterId: ws.requester.id },
    ws.admin.token,
  );
}

/** Reserves `count` consecutive ticket and approval numbers; returns the first of each. */
async function reserveNumbers(db: Db, workspaceId: string, tickets: number, approvals: number) {
  const { rows } = await sql<{ t0: number; a0: number }>`
    UPDATE workspaces
    SET next_ticket_number = next_ticket_number + ${tickets},
        next_approval_number = next_approval_number + ${approvals}
    WHERE id = ${workspaceId}
    RETURNING next_ticket_number - ${tickets} AS t0, next_approval_number - ${approvals} AS a0`.execute(db);
  return { t0: Number(rows[0]!.t0), a0: Number(rows[0]!.a0) };
}

/**
 * Words the copies' subjects are made of (issue 15's search bench): each noun is in about 1 in 40 subjects and
 * each problem in about 1 in 31, so a one-word search matches hundreds of a workspace's tickets and must rank
 * them; "kerberos" is in 1 subject in 2,000 (a rare word).
 */
export const SUBJECT_NOUNS = [
  'printer',
  'laptop',
  'invoice',
  'refund',
  'password',
  'vpn',
  'email',
  'calendar',
  'monitor',
  'keyboard',
  'badge',
  'parking',
  'license',
  'subscription',
  'shipment',
  'order',
  'account',
  'router',
  'phone',
  'headset',
  'database',
  'backup',
  'website',
  'checkout',
  'coupon',
  'payroll',
  'expense',
  'contract',
  'onboarding',
  'desk',
  'projector',
  'wifi',
  'server',
  'firewall',
  'mailbox',
  'tablet',
  'charger',
  'scanner',
  'webcam',
  'dock',
];
export const SUBJECT_PROBLEMS = [
  'is broken',
  'does not start',
  'keeps crashing',
  'needs approval',
  'was charged twice',
  'is missing',
  'cannot connect',
  'is very slow',
  'shows an error',
  'needs replacing',
  'arrived damaged',
  'was cancelled',
  'needs an upgrade',
  'is locked',
  'was not delivered',
  'needs a refund',
  'is out of stock',
  'stopped syncing',
  'is overheating',
  'makes a noise',
  'lost its settings',
  'expired yesterday',
  'needs a second key',
  'is on backorder',
  'reports a timeout',
  'is flickering',
  'will not print',
  'dropped the call',
  'needs a new battery',
  'is blocked',
  'needs a manager',
];
const sqlTextArray = (words: string[]) => sql`ARRAY[${sql.join(words.map((w) => sql.lit(w)))}]::text[]`;

/**
 * `count` copies of a ticket, with no approvals on them. With `variedSubjects`, each copy's subject is made of
 * SUBJECT_NOUNS and SUBJECT_PROBLEMS (so that a search has something to tell apart), and the copies' times
 * are spread one minute apart.
 */
export async function cloneTickets(
  db: Db,
  workspaceId: string,
  ticketId: string,
  count: number,
  options: { variedSubjects?: boolean } = {},
) {
  if (count <= 0) return;
  const { t0 } = await reserveNumbers(db, workspaceId, count, 0);
  const subject = options.variedSubjects
    ? sql`initcap((${sqlTextArray(SUBJECT_NOUNS)})[1 + (g * 7) % ${SUBJECT_NOUNS.length}]) || ' '
        || (${sqlTextArray(SUBJECT_PROBLEMS)})[1 + (g * 13) % ${SUBJECT_PROBLEMS.length}]
        || CASE WHEN g % 2000 = 0 THEN ' (kerberos)' ELSE '' END`
    : sql`t.subject`;
  const shift = options.variedSubjects ? sql`make_interval(mins => g)` : sql`interval '0'`;
  await sql`
    INSERT INTO tickets (workspace_id, id, number, subject, status, requester_id, assignee_id, approval_status,
      created_by_type, created_by_id, created_at, updated_at)
    SELECT t.workspace_id, gen_random_uuid(), ${t0} + g - 1, ${subject}, t.status, t.requester_id, t.assignee_id,
      NULL, t.created_by_type, t.created_by_id, t.created_at - ${shift}, t.updated_at - ${shift}
    FROM tickets t CROSS JOIN generate_series(1, ${count}) g
    WHERE t.workspace_id = ${workspaceId} AND t.id = ${ticketId}`.execute(db);
}

/**
 * `count` copies of an approval, each on a new copy of its ticket, with the
 * same status, steps and assignments (so the same people are waiting on
 * each). Returns the new approvals' ids in number order.
 */
export async function cloneApprovals(
  db: Db,
  workspaceId: string,
  approvalId: string,
  count: number,
  options: { returnIds?: boolean } = {},
): Promise<string[]> {
  if (count <= 0) return [];
  const { t0, a0 } = await reserveNumbers(db, workspaceId, count, count);
  await sql`
    INSERT INTO tickets (workspace_id, id, number, subject, status, requester_id, assignee_id, approval_status,
      approvals_unfinished, approvals_total, created_by_type, created_by_id, created_at, updated_at)
    SELECT t.workspace_id, gen_random_uuid(), ${t0} + g - 1, t.subject, t.status, t.requester_id, t.assignee_id,
      t.approval_status, t.approvals_unfinished, t.approvals_total, t.created_by_type, t.created_by_id,
      t.created_at, t.updated_at
    FROM approvals a
    JOIN tickets t ON t.workspace_id = a.workspace_id AND t.id = a.ticket_id
    CROSS JOIN generate_series(1, ${count}) g
    WHERE a.workspace_id = ${workspaceId} AND a.id = ${approvalId}`.execute(db);
  await sql`
    INSERT INTO approvals (workspace_id, id, number, ticket_id, template_id, title, description, status,
      display_status, current_step_index, steps, step_states, requested_by, on_behalf_of, form_data,
      allow_appeals, appeal_reviewers, appeal, expires_at, completed_at, version, created_at, updated_at)
    SELECT a.workspace_id, gen_random_uuid(), ${a0} + g - 1, nt.id, a.template_id, a.title, a.description,
      a.status, a.display_status, a.current_step_index, a.steps, a.step_states, a.requested_by, a.on_behalf_of,
      a.form_data, a.allow_appeals, a.appeal_reviewers, a.appeal, a.expires_at, a.completed_at, a.version,
      a.created_at, a.updated_at
    FROM approvals a
    CROSS JOIN generate_series(1, ${count}) g
    JOIN tickets nt ON nt.workspace_id = a.workspace_id AND nt.number = ${t0} + g - 1
    WHERE a.workspace_id = ${workspaceId} AND a.id = ${approvalId}`.execute(db);
  await sql`
    INSERT INTO approval_assignments (workspace_id, approval_id, ordinal, step_index, person_type, person_id,
      decision, decision_comment, decided_at, channel, added_at, removed_at, last_reminder_at, reminder_count,
      awaiting)
    SELECT na.workspace_id, na.id, x.ordinal, x.step_index, x.person_type, x.person_id, x.decision,
      x.decision_comment, x.decided_at, x.channel, x.added_at, x.removed_at, x.last_reminder_at,
      x.reminder_count, x.awaiting
    FROM approval_assignments x
    JOIN approvals na ON na.workspace_id = x.workspace_id AND na.number BETWEEN ${a0} AND ${a0 + count - 1}
    WHERE x.workspace_id = ${workspaceId} AND x.approval_id = ${approvalId}`.execute(db);
  if (!options.returnIds) return [];
  const rows = await db
    .selectFrom('approvals')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('number', '>=', a0)
    .where('number', '<=', a0 + count - 1)
    .orderBy('number')
    .execute();
  return rows.map((r) => r.id);
}

/** An ad hoc approval with one step: these people, this rule. */
export async function requestApproval(
  api: Api,
  ws: SeededWorkspace,
  ticketId: string,
  approvers: { type: 'member' | 'contact' | 'group'; id: string }[],
  rule: { type: 'any' } | { type: 'all' } | { type: 'min'; count: number } = { type: 'any' },
  title = 'Approve a new laptop',
) {
  return api.call(
    'POST',
    `/tickets/${ticketId}/approvals`,
    { title, description: 'A 14-inch laptop, about 1,400 EUR.', approvers, rule },
    ws.admin.token,
  );
}
