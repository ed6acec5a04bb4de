import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { mintPasswordToken } from '../../../src/auth/password-resets.js';
import { mintSignInLink } from '../../../src/auth/sign-in-links.js';
import { sha256 } from '../../../src/auth/tokens.js';
import { FAST_POLICY, type MailEnv, startMailEnv } from '../../mail/harness.js';
import { contactRef, expectStatus, memberRef } from '../../support/approvals.js';
import type { Client } from '../../support/client.js';
import { attachFile, INBOUND_ENV } from '../../support/inbound.js';
import { login, newWorkspace, PASSWORD, type Person, type Workspace } from '../../support/workspace.js';
import { linkToken, waitForOutbox } from './fuzz-fixture.js';

/** The callers of the authorization matrix, in its column order. */
export const ROLES = [
  'admin',
  'agent',
  'memberApprover',
  'contactApprover',
  'contactWithAccess',
  'contactWithoutAccess',
  'otherAdmin',
  'anonymous',
  'expiredToken',
  'revokedToken',
] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_NOTES: Record<Role, string> = {
  admin: 'admin of the workspace (also the appeal reviewer of its template)',
  agent: 'agent who requested the approvals',
  memberApprover: 'agent asked on the current step',
  contactApprover: 'contact asked on the current step, without access to the ticket',
  contactWithAccess: "the ticket's requester, not an approver",
  contactWithoutAccess: 'a contact of the workspace with nothing to do with the ticket',
  otherAdmin: "admin of another workspace, using this workspace's ids",
  anonymous: 'no credentials',
  expiredToken: "the agent's session, past its expiry",
  revokedToken: "the agent's session, after POST /auth/logout",
};

/**
 * One workspace with approvals, appeals and contact visibility on; a ticket; a template whose
 * only step asks the member approver and the contact approver; a group; another workspace.
 */
export type AuthzFixture = {
  env: MailEnv;
  api: Client;
  ws: Workspace;
  other: Workspace;
  people: Record<Exclude<Role, 'anonymous' | 'expiredToken' | 'revokedToken' | 'otherAdmin'>, Person>;
  tokens: Record<Role, string | null>;
  ticket: { id: string; number: number };
  /** A file on the ticket's first message (public: the requester may download it). */
  attachment: string;
  group: string;
  template: string;
  /** A template PUT rewrites (the same content each time). */
  putTemplate: string;
  templateBody: Record<string, unknown>;
  pending: string;
  activeLink: string;
  /** Link tokens of fresh approvals, for the link decision calls (one each). */
  freshLinks: string[];
  /** Outbox rows already sent, which the retry calls turn into dead letters one at a time. */
  sentOutbox: string[];
};

let counter = 0;
export const unique = () => `${randomBytes(3).toString('hex')}${counter++}`;

export async function buildAuthzFixture(freshLinkCount: number): Promise<AuthzFixture> {
  // The inbound door (SPEC §8.2) open, so the matrix shows how it answers sessions (it takes only its secret).
  const env = await startMailEnv({ policy: FAST_POLICY, serverEnv: INBOUND_ENV });
  const api = env.api;
  const ws = await newWorkspace(api, {
    approvalsEnabled: true,
    contactsCanViewApprovals: true,
    appealsEnabled: true,
    contactApprovalEmails: true,
  });
  const [agent, memberApprover, contactApprover, contactWithAccess, contactWithoutAccess] = await Promise.all(
    [
      ws.member('agent', 'Authz Agent'),
      ws.member('agent', 'Authz Member Approver'),
      ws.contact('Authz Contact Approver'),
      ws.contact('Authz Requester'),
      ws.contact('Authz Stranger'),
    ],
  );
  const ticket = await ws.ticket(contactWithAccess, { assigneeId: agent.id });
  const admin = ws.admin.token;
  const group = expectStatus(
    await api.post(
      '/approval-groups',
      { name: 'Authz group', memberIds: [memberApprover.id], contactIds: [contactApprover.id] },
      { token: admin },
    ),
    201,
  ).id;
  const templateBody = {
    name: 'Authz template',
    allowAppeals: true,
    appealReviewers: [memberRef(ws.admin)],
    steps: [
      {
        name: 'Review',
        approvers: [memberRef(memberApprover), contactRef(contactApprover)],
        rule: { type: 'any' },
      },
    ],
  };
  const template = expectStatus(
    await api.post('/approval-templates', templateBody, { token: admin }),
    201,
  ).id;
  const putTemplate = expectStatus(
    await api.post('/approval-templates', { ...templateBody, name: 'Authz PUT target' }, { token: admin }),
    201,
  ).id;

  const other = await newWorkspace(api, { approvalsEnabled: true });

  // Sessions that must not work: the agent's, expired and logged out.
  const expiredToken = await login(api, ws.id, agent.email);
  await env.db
    .updateTable('sessions')
    .set({ expires_at: new Date(Date.now() - 1000) })
    .where('token_hash', '=', sha256(expiredToken))
    .execute();
  const revokedToken = await login(api, ws.id, agent.email);
  expect((await api.post('/auth/logout', undefined, { token: revokedToken })).status).toBe(204);

  const fx: AuthzFixture = {
    env,
    api,
    ws,
    other,
    people: {
      admin: ws.admin,
      agent,
      memberApprover,
      contactApprover,
      contactWithAccess,
      contactWithoutAccess,
    },
    tokens: {
      admin,
      agent: agent.token,
      memberApprover: memberApprover.token,
      contactApprover: contactApprover.token,
      contactWithAccess: contactWithAccess.token,
      contactWithoutAccess: contactWithoutAccess.token,
      otherAdmin: other.admin.token,
      anonymous: null,
      expiredToken,
      revokedToken,
    },
    ticket,
    attachment: await attachFile(env.db, ws.id, ticket.id),
    group,
    template,
    putTemplate,
    templateBody,
    pending: '',
    activeLink: '',
    freshLinks: [],
    sentOutbox: [],
  };

  // The shared pending approval, its member approver's link, and fresh ones for the link decisions.
  const pending = await freshPending(fx, 'Authz pending');
  fx.pending = pending.id;
  const fresh = await Promise.all(
    Array.from({ length: freshLinkCount }, (_, i) => freshPending(fx, `Authz link ${i} ${unique()}`)),
  );
  [fx.activeLink, ...fx.freshLinks] = await Promise.all([
    linkToken(env, memberApprover, pending.title),
    ...fresh.map((a) => linkToken(env, memberApprover, a.title)),
  ]);
  // Nothing moves on its own from here: the calls alone change the database.
  await waitForOutbox(env);
  await env.stopWorkers();
  fx.sentOutbox = (
    await env.db
      .selectFrom('outbox')
      .select('id')
      .where('workspace_id', '=', ws.id)
      .where('status', '=', 'sent')
      .execute()
  ).map((r) => r.id);
  return fx;
}

/** A new approval from the template, requested by the agent: pending, its step asking both approvers. */
export async function freshPending(fx: AuthzFixture, title = `Authz ${unique()}`) {
  const res = await fx.api.post(
    `/tickets/${fx.ticket.id}/approvals`,
    { templateId: fx.template, title },
    { token: fx.tokens.agent! },
  );
  return { id: expectStatus(res, 201).id as string, title };
}

/** A new approval denied by the member approver (appeals allowed). */
export async function freshDenied(fx: AuthzFixture): Promise<string> {
  const { id } = await freshPending(fx);
  expectStatus(
    await fx.api.post(
      `/approvals/${id}/decisions`,
      { decision: 'deny' },
      { token: fx.tokens.memberApprover! },
    ),
    200,
  );
  return id;
}

/** A new approval whose denial the agent appealed: the admin reviews it. */
export async function freshAppeal(fx: AuthzFixture): Promise<string> {
  const id = await freshDenied(fx);
  const res = await fx.api.post(
    `/approvals/${id}/appeal`,
    { reason: 'Please look again' },
    { token: fx.tokens.agent! },
  );
  expect(expectStatus(res, 200).status).toBe('appeal_pending');
  return id;
}

/** A new approval waiting for information, asked by the agent who requested it (SPEC §8.1). */
export async function freshNeedsInfo(fx: AuthzFixture): Promise<string> {
  const { id } = await freshPending(fx);
  const res = await fx.api.post(
    `/approvals/${id}/needs-info`,
    { question: 'Which cost centre?' },
    { token: fx.tokens.agent! },
  );
  expect(expectStatus(res, 200).status).toBe('needs_info');
  return id;
}

export async function freshGroup(fx: AuthzFixture): Promise<string> {
  const res = await fx.api.post(
    '/approval-groups',
    { name: `Doomed ${unique()}` },
    { token: fx.tokens.admin! },
  );
  return expectStatus(res, 201).id;
}

export async function freshTemplate(fx: AuthzFixture): Promise<string> {
  const res = await fx.api.post(
    '/approval-templates',
    { ...fx.templateBody, name: `Doomed ${unique()}` },
    { token: fx.tokens.admin! },
  );
  return expectStatus(res, 201).id;
}

/** A sent email of the workspace turned into a dead letter, for POST /outbox/{id}/retry. */
export async function freshDeadLetter(fx: AuthzFixture): Promise<string> {
  const id = fx.sentOutbox.pop();
  if (!id) throw new Error('no sent outbox row left to turn into a dead letter');
  await fx.env.db
    .updateTable('outbox')
    .set({ status: 'dead', last_error: 'authz matrix' })
    .where('id', '=', id)
    .execute();
  return id;
}

/** A sign-in link of the ticket's requester, as the email would carry it. */
export async function freshSignInLink(fx: AuthzFixture): Promise<string> {
  const { token } = await mintSignInLink(fx.env.db, {
    workspaceId: fx.ws.id,
    person: { type: 'contact', id: fx.people.contactWithAccess.id },
    nextPath: null,
  });
  return token;
}

/**
 * A password reset link of a contact made for it: redeeming ends that person's sessions, so
 * it must not be one of the roles.
 */
export async function freshResetToken(fx: AuthzFixture): Promise<string> {
  const created = await fx.api.post(
    '/contacts',
    { name: 'Reset Target', email: `reset-${unique()}@example.test` },
    { token: fx.ws.admin.token },
  );
  expectStatus(created, 201);
  const { token } = await mintPasswordToken(fx.env.db, {
    workspaceId: fx.ws.id,
    person: { type: 'contact', id: created.body.id },
    purpose: 'password_reset',
  });
  return token;
}

/** A session of its own for the role, for POST /auth/logout to end. */
export async function freshSession(fx: AuthzFixture, role: Role): Promise<string | null> {
  if (role === 'anonymous' || role === 'expiredToken' || role === 'revokedToken') return fx.tokens[role];
  if (role === 'otherAdmin') return login(fx.api, fx.other.id, fx.other.admin.email);
  return login(fx.api, fx.ws.id, fx.people[role].email);
}

export { PASSWORD };
