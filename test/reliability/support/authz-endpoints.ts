import { memberRef } from '../../support/approvals.js';
import {
  type AuthzFixture,
  freshAppeal,
  freshDeadLetter,
  freshDenied,
  freshGroup,
  freshNeedsInfo,
  freshPending,
  freshResetToken,
  freshSession,
  freshSignInLink,
  freshTemplate,
  PASSWORD,
  type Role,
  unique,
} from './authz-fixture.js';

/** One call of the matrix: a valid request for the endpoint, made as a role. */
export type Call = {
  method: string;
  /** Under /api/v1. */
  path: string;
  body?: unknown;
  /** Overrides the role's bearer (POST /auth/logout ends a session of its own). */
  token?: string | null;
};

type Prepare = (fx: AuthzFixture, role: Role) => Promise<Call>;

const call = (method: string, path: string, body?: unknown): Call => ({
  method,
  path,
  ...(body === undefined ? {} : { body }),
});

/**
 * A valid request per endpoint (keyed as in the OpenAPI document). Where a call uses up
 * state (a decision, a cancel, a delete), each role gets fresh state of its own.
 */
export const ENDPOINTS: Record<string, Prepare> = {
  'POST /api/v1/signup': async () =>
    call('POST', '/signup', {
      workspaceName: `Authz ${unique()}`,
      name: 'New Founder',
      email: `founder-${unique()}@example.test`,
      password: PASSWORD,
    }),
  'POST /api/v1/auth/login': async (fx) =>
    call('POST', '/auth/login', { workspaceId: fx.ws.id, email: fx.people.agent.email, password: PASSWORD }),
  'POST /api/v1/auth/logout': async (fx, role) => ({
    ...call('POST', '/auth/logout'),
    token: await freshSession(fx, role),
  }),
  'GET /api/v1/auth/csrf': async () => call('GET', '/auth/csrf'),
  'GET /api/v1/me': async () => call('GET', '/me'),
  'POST /api/v1/auth/sign-in-links': async (fx) =>
    call('POST', '/auth/sign-in-links', { workspaceId: fx.ws.id, email: fx.people.contactWithAccess.email }),
  'POST /api/v1/auth/sign-in-links/redeem': async (fx) =>
    call('POST', '/auth/sign-in-links/redeem', { token: await freshSignInLink(fx) }),
  'PATCH /api/v1/me': async () => call('PATCH', '/me', {}),
  'POST /api/v1/auth/password-resets': async (fx) =>
    call('POST', '/auth/password-resets', {
      workspaceId: fx.ws.id,
      email: fx.people.contactWithAccess.email,
    }),
  'POST /api/v1/auth/password-resets/redeem': async (fx) =>
    call('POST', '/auth/password-resets/redeem', { token: await freshResetToken(fx), password: PASSWORD }),
  'GET /api/v1/audit-events': async () => call('GET', '/audit-events'),
  'POST /api/v1/members/{id}/invite': async (fx) =>
    call('POST', `/members/${fx.people.memberApprover.id}/invite`),
  'GET /api/v1/settings': async () => call('GET', '/settings'),
  'PATCH /api/v1/settings': async () => call('PATCH', '/settings', { defaultLocale: 'en' }),
  'POST /api/v1/members': async () =>
    call('POST', '/members', { name: 'New Agent', email: `agent-${unique()}@example.test`, role: 'agent' }),
  'GET /api/v1/members': async () => call('GET', '/members'),
  'GET /api/v1/members/{id}': async (fx) => call('GET', `/members/${fx.people.memberApprover.id}`),
  'PATCH /api/v1/members/{id}': async (fx) =>
    call('PATCH', `/members/${fx.people.memberApprover.id}`, { locale: 'en' }),
  'POST /api/v1/contacts': async () =>
    call('POST', '/contacts', { name: 'New Customer', email: `customer-${unique()}@example.test` }),
  'GET /api/v1/contacts': async () => call('GET', '/contacts'),
  'GET /api/v1/contacts/{id}': async (fx) => call('GET', `/contacts/${fx.people.contactApprover.id}`),
  'PATCH /api/v1/contacts/{id}': async (fx) =>
    call('PATCH', `/contacts/${fx.people.contactApprover.id}`, { organization: 'Acme' }),
  'POST /api/v1/tickets': async (fx) =>
    call('POST', '/tickets', {
      subject: 'Printer',
      body: 'It jams.',
      requesterId: fx.people.contactWithAccess.id,
    }),
  'GET /api/v1/tickets': async () => call('GET', '/tickets'),
  'GET /api/v1/tickets/views': async () => call('GET', '/tickets/views'),
  'POST /api/v1/tickets/bulk': async (fx) =>
    call('POST', '/tickets/bulk', { ids: [fx.ticket.id], set: { priority: 'high' } }),
  'GET /api/v1/tickets/{id}': async (fx) => call('GET', `/tickets/${fx.ticket.id}`),
  'PATCH /api/v1/tickets/{id}': async (fx) => call('PATCH', `/tickets/${fx.ticket.id}`, { status: 'open' }),
  'POST /api/v1/tickets/{id}/messages': async (fx) =>
    call('POST', `/tickets/${fx.ticket.id}/messages`, { body: 'Any news?', public: true }),
  'GET /api/v1/tickets/{id}/activity': async (fx) => call('GET', `/tickets/${fx.ticket.id}/activity`),
  'GET /api/v1/tickets/{id}/messages': async (fx) => call('GET', `/tickets/${fx.ticket.id}/messages`),
  'POST /api/v1/approval-groups': async (fx) =>
    call('POST', '/approval-groups', { name: `Group ${unique()}`, memberIds: [fx.people.memberApprover.id] }),
  'GET /api/v1/approval-groups': async () => call('GET', '/approval-groups'),
  'GET /api/v1/approval-groups/{id}': async (fx) => call('GET', `/approval-groups/${fx.group}`),
  'PATCH /api/v1/approval-groups/{id}': async (fx) =>
    call('PATCH', `/approval-groups/${fx.group}`, { name: 'Authz group' }),
  'DELETE /api/v1/approval-groups/{id}': async (fx) =>
    call('DELETE', `/approval-groups/${await freshGroup(fx)}`),
  'POST /api/v1/approval-templates': async (fx) =>
    call('POST', '/approval-templates', {
      name: `Template ${unique()}`,
      steps: [{ name: 'Only', approvers: [memberRef(fx.people.memberApprover)], rule: { type: 'any' } }],
    }),
  'GET /api/v1/approval-templates': async () => call('GET', '/approval-templates'),
  'GET /api/v1/approval-templates/{id}': async (fx) => call('GET', `/approval-templates/${fx.template}`),
  'PUT /api/v1/approval-templates/{id}': async (fx) =>
    call('PUT', `/approval-templates/${fx.putTemplate}`, { ...fx.templateBody, name: 'Authz PUT target' }),
  'PATCH /api/v1/approval-templates/{id}': async (fx) =>
    call('PATCH', `/approval-templates/${fx.putTemplate}`, { description: 'Authz PATCH target' }),
  'POST /api/v1/approval-templates/preview': async (fx) =>
    call('POST', '/approval-templates/preview', fx.templateBody),
  'POST /api/v1/tickets/{id}/approvals/preview': async (fx) =>
    call('POST', `/tickets/${fx.ticket.id}/approvals/preview`, { templateId: fx.template }),
  'DELETE /api/v1/approval-templates/{id}': async (fx) =>
    call('DELETE', `/approval-templates/${await freshTemplate(fx)}`),
  'POST /api/v1/tickets/{id}/approvals': async (fx) =>
    call('POST', `/tickets/${fx.ticket.id}/approvals`, {
      title: `Ad hoc ${unique()}`,
      approvers: [memberRef(fx.people.memberApprover)],
    }),
  'GET /api/v1/tickets/{id}/approvals': async (fx) => call('GET', `/tickets/${fx.ticket.id}/approvals`),
  'GET /api/v1/approvals/{id}': async (fx) => call('GET', `/approvals/${fx.pending}`),
  'POST /api/v1/approvals/{id}/decisions': async (fx) =>
    call('POST', `/approvals/${(await freshPending(fx)).id}/decisions`, { decision: 'approve' }),
  'POST /api/v1/approvals/{id}/comments': async (fx) =>
    call('POST', `/approvals/${fx.pending}/comments`, { body: 'What is the budget?' }),
  'PATCH /api/v1/approvals/{id}/recipients': async (fx) =>
    call('PATCH', `/approvals/${(await freshPending(fx)).id}/recipients`, {
      add: [memberRef(fx.people.admin)],
    }),
  'POST /api/v1/approvals/{id}/reminders': async (fx) =>
    call('POST', `/approvals/${(await freshPending(fx)).id}/reminders`, {}),
  'POST /api/v1/approvals/{id}/cancel': async (fx) =>
    call('POST', `/approvals/${(await freshPending(fx)).id}/cancel`),
  'POST /api/v1/approvals/{id}/appeal': async (fx) =>
    call('POST', `/approvals/${await freshDenied(fx)}/appeal`, {
      reason: 'The budget was approved last week',
    }),
  'POST /api/v1/approvals/{id}/appeal/decisions': async (fx) =>
    call('POST', `/approvals/${await freshAppeal(fx)}/appeal/decisions`, { decision: 'approve' }),
  'POST /api/v1/approvals/{id}/needs-info': async (fx) =>
    call('POST', `/approvals/${(await freshPending(fx)).id}/needs-info`, { question: 'Which cost centre?' }),
  'POST /api/v1/approvals/{id}/info': async (fx) =>
    call('POST', `/approvals/${await freshNeedsInfo(fx)}/info`, { answer: 'Cost centre 42' }),
  'GET /api/v1/me/approval-tasks': async () => call('GET', '/me/approval-tasks'),
  'GET /api/v1/approval-links/{token}': async (fx) => call('GET', `/approval-links/${fx.activeLink}`),
  'POST /api/v1/approval-links/{token}/decisions': async (fx) => {
    const token = fx.freshLinks.pop();
    if (!token) throw new Error('no fresh link token left');
    return call('POST', `/approval-links/${token}/decisions`, { decision: 'approve' });
  },
  // A comment does not use up the link (SPEC §8.1): the shared active link serves every role.
  'POST /api/v1/approval-links/{token}/comments': async (fx) =>
    call('POST', `/approval-links/${fx.activeLink}/comments`, { body: 'A question before I answer' }),
  'POST /api/v1/approval-links/{token}/needs-info': async (fx) => {
    const token = fx.freshLinks.pop();
    if (!token) throw new Error('no fresh link token left');
    return call('POST', `/approval-links/${token}/needs-info`, { question: 'Which cost centre?' });
  },
  'GET /api/v1/outbox/dead': async () => call('GET', '/outbox/dead'),
  'POST /api/v1/outbox/{id}/retry': async (fx) => call('POST', `/outbox/${await freshDeadLetter(fx)}/retry`),
  'GET /api/v1/dev/mailbox': async () => call('GET', '/dev/mailbox'),
  // The dev mailbox's door answers this machine, whoever calls (issue 14): each role sends a new email in.
  'POST /api/v1/dev/mailbox/inbound': async (fx) => {
    const settings = await fx.api.get<{ inboundAddress: string }>('/settings', { token: fx.ws.admin.token });
    return call('POST', '/dev/mailbox/inbound', {
      from: `sender-${unique()}@example.test`,
      to: settings.body.inboundAddress,
      subject: 'Printer on fire',
      text: 'It is on fire.',
    });
  },
  // The inbound door takes only INBOUND_SECRET (SPEC §8.2): every session, and no session, is 401.
  'POST /api/v1/inbound/email': async () => call('POST', '/inbound/email', {}),
  'GET /api/v1/tickets/{id}/attachments/{attachmentId}': async (fx) =>
    call('GET', `/tickets/${fx.ticket.id}/attachments/${fx.attachment}`),
};
