import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactRef, expectProblem, expectStatus, memberRef } from '../support/approvals.js';
import { engine } from '../support/database.js';
import type { ReceivedEmail } from '../support/smtp-sink.js';
import { newWorkspace, type Person, type Workspace } from '../support/workspace.js';
import { addContact, addMember, drain, type MailEnv, nonTicketTo, startMailEnv } from './harness.js';

/**
 * SPEC §8.1 (issue 11 items 2 and 3), through a real SMTP server: a comment is
 * emailed (kind comment_added) to the requesting member, the on-behalf-of
 * person, every current-step approver who has not answered and everyone who
 * commented before, never to its author; contacts only with
 * contactApprovalEmails; an internal note reaches members only. A contact
 * approver without access to the ticket is linked to /portal/approvals/{id}.
 */

let env: MailEnv;
let ws: Workspace;
let ada: Person; // admin, the requesting member
let otto: Person; // member on whose behalf it is asked
let amy: Person; // approver (member), answers with a comment
let ben: Person; // approver (member), has not answered
let cora: Person; // approver (contact), no access to the ticket
let mia: Person; // agent, comments first
let nick: Person; // agent, never involved
let eve: Person; // the ticket's requester (contact), not involved in the approval
let approval: { id: string; number: number };
let ticket: { id: string };

beforeAll(async () => {
  env = await startMailEnv({ policy: null });
  const { api } = env;
  ws = await newWorkspace(api, { approvalsEnabled: true, contactApprovalEmails: true });
  ada = ws.admin;
  const named = await Promise.all(
    ['Otto Owner', 'Amy Adams', 'Ben Brown', 'Mia Moore', 'Nick Noone'].map((name) =>
      addMember(api, ws, { name }),
    ),
  );
  [otto, amy, ben, mia, nick] = named as [Person, Person, Person, Person, Person];
  cora = await addContact(api, ws, { name: 'Cora Client' });
  eve = await addContact(api, ws, { name: 'Eve Evans' });
  ticket = await ws.ticket(eve);
  approval = expectStatus(
    await api.post(
      `/tickets/${ticket.id}/approvals`,
      {
        title: 'New server',
        approvers: [memberRef(amy), memberRef(ben), contactRef(cora)],
        rule: { type: 'all' },
        onBehalfOf: memberRef(otto),
      },
      { token: ada.token },
    ),
    201,
  );
  expectStatus(
    await api.post(
      `/approvals/${approval.id}/decisions`,
      { decision: 'approve', comment: 'Fine by me.' },
      { token: amy.token },
    ),
    200,
  );
  await drain(env.db, env.sink);
});
afterAll(() => env?.close());

/** The comment_added emails of one comment (found by its body), by recipient name. */
async function commentEmails(body: string): Promise<Map<string, ReceivedEmail>> {
  await drain(env.db, env.sink);
  const people = [ada, otto, amy, ben, cora, mia, nick, eve];
  const found = env.sink.messages.filter((m) => m.subject.includes('comment') || m.subject.includes('note'));
  const withBody = found.filter((m) => m.text.includes(body));
  const byName = new Map<string, ReceivedEmail>();
  for (const m of withBody) {
    const who = people.find((p) => m.to.includes(p.email.toLowerCase()));
    expect(who, `email to ${m.to}`).toBeDefined();
    expect(byName.has(who!.name), `a second email to ${who!.name}`).toBe(false);
    byName.set(who!.name, m);
  }
  return byName;
}

const comment = (by: Person, body: string, internal?: boolean) =>
  env.api.post(`/approvals/${approval.id}/comments`, internal === undefined ? { body } : { body, internal }, {
    token: by.token,
  });

describe(`SPEC §8.1 comments reach people (${engine})`, () => {
  it('§8.1: a contact approver without ticket access is linked to /portal/approvals/{id} in the request email', async () => {
    const asked = env.sink.messages.find(
      (m) => m.to.includes(cora.email.toLowerCase()) && m.subject.includes('your approval is requested'),
    );
    expect(asked, 'approval email to the contact approver').toBeDefined();
    expect(asked!.text).toContain(`/portal/approvals/${approval.id}`);
    expect(asked!.text).not.toContain(`/portal/tickets/${ticket.id}`);
  });

  it('§8.1: a first comment goes to the requester, the on-behalf-of member, unanswered approvers (a contact too) and decision commenters, never the author', async () => {
    expectStatus(await comment(mia, 'Which rack does it go in?'), 201);
    const sent = await commentEmails('Which rack does it go in?');
    expect([...sent.keys()].sort()).toEqual([ada, otto, ben, cora, amy].map((p) => p.name).sort());
    const m = sent.get('Ada Admin')!;
    expect(m.subject).toBe(`[Approval #${approval.number}] New server — new comment from Mia Moore`);
    expect(m.text).toContain(`Mia Moore commented on request #${approval.number}, “New server”.`);
    expect(m.text).toContain('Comment from Mia Moore');
    // The contact without ticket access is sent to the approval's portal page.
    expect(sent.get('Cora Client')!.text).toContain(`/portal/approvals/${approval.id}`);
    expect(sent.get('Ada Admin')!.text).toContain(`/tickets/${ticket.id}?approval=${approval.id}`);
  });

  it('§8.1: a contact approver comments: everyone who commented before hears of it, not the contact', async () => {
    expectStatus(await comment(cora, 'Rack B, next to the old one.'), 201);
    const sent = await commentEmails('Rack B, next to the old one.');
    expect([...sent.keys()].sort()).toEqual([ada, otto, ben, mia, amy].map((p) => p.name).sort());
  });

  it('§8.1: an internal note is seen and emailed only to members; a contact asking for one gets 400', async () => {
    expectStatus(await comment(ben, 'INTERNAL budget is tight', true), 201);
    const sent = await commentEmails('INTERNAL budget is tight');
    expect([...sent.keys()].sort()).toEqual([ada, otto, mia, amy].map((p) => p.name).sort());
    const m = sent.get('Mia Moore')!;
    expect(m.subject).toBe(`[Approval #${approval.number}] New server — internal note from Ben Brown`);
    expect(m.text).toContain('Internal note from Ben Brown');
    const asContact = expectStatus(
      await env.api.get(`/approvals/${approval.id}`, { token: cora.token }),
      200,
    );
    expect(JSON.stringify(asContact)).not.toContain('INTERNAL budget');
    expectProblem(await comment(cora, 'Secret?', true), 400, 'invalid_request');
  });

  it('§8.6: with contactApprovalEmails off, comments reach members only', async () => {
    await ws.settings({ contactApprovalEmails: false });
    try {
      expectStatus(await comment(nick, 'Any update on the quote?'), 201);
      const sent = await commentEmails('Any update on the quote?');
      expect([...sent.keys()].sort()).toEqual([ada, otto, ben, mia, amy].map((p) => p.name).sort());
    } finally {
      await ws.settings({ contactApprovalEmails: true });
    }
  });

  it('§8.1: an internal decision comment is hidden from contacts (view and emails) and kept for members', async () => {
    const decided = expectStatus(
      await env.api.post(
        `/approvals/${approval.id}/decisions`,
        { decision: 'approve', comment: 'INTERNAL-DECISION margin ok', internal: true },
        { token: ben.token },
      ),
      200,
    );
    const benRow = decided.steps[0].approvers.find((a: any) => a.id === ben.id);
    expect([benRow.comment, benRow.commentInternal]).toEqual(['INTERNAL-DECISION margin ok', true]);
    const asContact = expectStatus(
      await env.api.get(`/approvals/${approval.id}`, { token: cora.token }),
      200,
    );
    expect(JSON.stringify(asContact)).not.toContain('INTERNAL-DECISION');
    expect(asContact.steps[0].approvers.find((a: any) => a.id === ben.id).decision).toBe('approve');
    expectProblem(
      await env.api.post(
        `/approvals/${approval.id}/decisions`,
        { decision: 'approve', comment: 'x', internal: true },
        { token: cora.token },
      ),
      400,
      'invalid_request',
    );
    await drain(env.db, env.sink);
    const toContacts = env.sink.messages.filter(
      (m) => m.to.includes(cora.email.toLowerCase()) || m.to.includes(eve.email.toLowerCase()),
    );
    expect(toContacts.some((m) => m.text.includes('INTERNAL'))).toBe(false);
  });

  it('§8.1: nobody outside the approval is emailed a comment', async () => {
    await drain(env.db, env.sink);
    // Her ticket's acknowledgement is not about the approval (SPEC §8.2).
    const toEve = env.sink.messages.filter(nonTicketTo(eve));
    expect(toEve).toEqual([]);
  });
});
