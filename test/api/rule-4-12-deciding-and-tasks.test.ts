import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, client, type Response } from '../support/client.js';
import { engine } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { newWorkspace, type Person, type Workspace } from '../support/workspace.js';

/**
 * SPEC rule 4 (who may approve or deny), rule 12 (approval tasks), the
 * canRespond / canAppeal fields, and the partially_approved display status
 * with the tickets' approvalStatus and its filter.
 */

let server: TestServer;
let api: Client;
let ws: Workspace;
let agent: Person;
let agent2: Person;
let m1: Person;
let m2: Person;
let m3: Person;
let outsider: Person;
let reviewer: Person;
/** A contact with access to the ticket (its requester), not an approver. */
let requester: Person;
/** A contact named as an approver, without access to the ticket. */
let contactApprover: Person;
let ticket: { id: string; number: number };
/** Step "First" [m1, m2] rule all, then "Second" [m3]. */
let allThenOne: string;
/** Step "First" [m1, m2] rule any, then "Second" [m3]. */
let anyThenOne: string;
/** One step [m1], appeals allowed, reviewed by `reviewer`. */
let appealable: string;
/** One step [m1, contactApprover] rule all, appeals allowed, reviewed by `reviewer`. */
let appealableWithContact: string;

function expectProblem(res: Response, status: number, code: string) {
  const detail = `${res.status} ${JSON.stringify(res.body)}`;
  expect(res.status, detail).toBe(status);
  expect(res.headers.get('content-type'), detail).toMatch(/^application\/problem\+json/);
  expect(res.body.code, detail).toBe(code);
}

async function ok(res: Promise<Response>, status = 200): Promise<Response> {
  const r = await res;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r;
}

const ids = (items: any[]) => items.map((i) => i.id);
const member = (p: Person) => ({ type: 'member', id: p.id });

async function template(body: Record<string, unknown>): Promise<string> {
  return (await ok(api.post('/approval-templates', body, { token: ws.admin.token }), 201)).body.id;
}

async function fromTemplate(templateId: string, on = ticket, by = agent): Promise<any> {
  return (await ok(api.post(`/tickets/${on.id}/approvals`, { templateId }, { token: by.token }), 201)).body;
}

async function adHoc(body: Record<string, unknown>, on = ticket, by = agent): Promise<any> {
  return (
    await ok(api.post(`/tickets/${on.id}/approvals`, { title: 'Ad hoc', ...body }, { token: by.token }), 201)
  ).body;
}

const decide = (id: string, who: Person, decision: 'approve' | 'deny', comment?: string) =>
  api.post(`/approvals/${id}/decisions`, comment ? { decision, comment } : { decision }, {
    token: who.token,
  });

const get = async (id: string, who: Person) =>
  (await ok(api.get(`/approvals/${id}`, { token: who.token }))).body;

async function tasks(who: Person) {
  return (await ok(api.get('/me/approval-tasks', { token: who.token }))).body as {
    awaitingMe: any[];
    requestedByMe: any[];
  };
}

beforeAll(async () => {
  server = await startServer();
  api = client(server.url);
  ws = await newWorkspace(api, {
    approvalsEnabled: true,
    appealsEnabled: true,
    contactsCanViewApprovals: true,
  });
  agent = await ws.member('agent', 'Agent Smith');
  agent2 = await ws.member('agent', 'Agent Jones');
  m1 = await ws.member('agent', 'Mia One');
  m2 = await ws.member('agent', 'Max Two');
  m3 = await ws.member('agent', 'Mo Three');
  outsider = await ws.member('agent', 'Olly Outsider');
  reviewer = await ws.member('agent', 'Rita Reviewer');
  requester = await ws.contact('Rae Requester');
  contactApprover = await ws.contact('Cal Approver');
  ticket = await ws.ticket(requester);
  const second = { name: 'Second', approvers: [member(m3)], rule: { type: 'any' } };
  allThenOne = await template({
    name: 'All then one',
    steps: [{ name: 'First', approvers: [member(m1), member(m2)], rule: { type: 'all' } }, second],
  });
  anyThenOne = await template({
    name: 'Any then one',
    steps: [{ name: 'First', approvers: [member(m1), member(m2)], rule: { type: 'any' } }, second],
  });
  appealable = await template({
    name: 'Appealable',
    allowAppeals: true,
    appealReviewers: [member(reviewer)],
    steps: [{ name: 'Only', approvers: [member(m1)], rule: { type: 'any' } }],
  });
  appealableWithContact = await template({
    name: 'Appealable with a contact',
    allowAppeals: true,
    appealReviewers: [member(reviewer)],
    steps: [
      {
        name: 'Only',
        approvers: [member(m1), { type: 'contact', id: contactApprover.id }],
        rule: { type: 'all' },
      },
    ],
  });
});
afterAll(() => server?.close());

describe(`rule 4: who may approve or deny (${engine})`, () => {
  it('rule 4: a member who is not an approver gets 403 not_an_approver, and nothing is recorded', async () => {
    const a = await fromTemplate(allThenOne);
    for (const who of [outsider, agent, ws.admin as Person, reviewer]) {
      expectProblem(await decide(a.id, who, 'approve'), 403, 'not_an_approver');
      expectProblem(await decide(a.id, who, 'deny', 'No'), 403, 'not_an_approver');
    }
    // A contact with access to the ticket is not an approver either.
    expectProblem(await decide(a.id, requester, 'approve'), 403, 'not_an_approver');
    const after = await get(a.id, agent);
    expect(after.status).toBe('pending');
    expect(after.steps[0].approvers.map((p: any) => p.decision)).toEqual([null, null]);
    await ok(api.post(`/approvals/${a.id}/cancel`, undefined, { token: agent.token }));
  });

  it('rule 4: an approver of a later step gets 403 until their step is current; a second answer is 409 already_decided; a finished approval is 409 not_pending', async () => {
    const a = await fromTemplate(allThenOne);
    expectProblem(await decide(a.id, m3, 'approve'), 403, 'not_an_approver');
    expectProblem(await decide(a.id, m3, 'deny'), 403, 'not_an_approver');

    const first = await ok(decide(a.id, m1, 'approve'));
    expect(first.body.status).toBe('pending');
    expect(first.body.currentStepIndex).toBe(0);
    expectProblem(await decide(a.id, m1, 'approve'), 409, 'already_decided');
    expectProblem(await decide(a.id, m1, 'deny', 'Changed my mind'), 409, 'already_decided');
    expect((await get(a.id, agent)).steps[0].approvers.map((p: any) => [p.id, p.decision])).toEqual([
      [m1.id, 'approve'],
      [m2.id, null],
    ]);

    const advanced = await ok(decide(a.id, m2, 'approve'));
    expect(advanced.body.status).toBe('pending');
    expect(advanced.body.currentStepIndex).toBe(1);
    // Step "First" is no longer current: its approvers may not answer on "Second".
    expectProblem(await decide(a.id, m1, 'deny'), 403, 'not_an_approver');
    expectProblem(await decide(a.id, m2, 'approve'), 403, 'not_an_approver');

    const done = await ok(decide(a.id, m3, 'approve'));
    expect(done.body.status).toBe('approved');
    for (const who of [m3, m1, outsider]) {
      expectProblem(await decide(a.id, who, 'approve'), 409, 'not_pending');
    }
    expectProblem(await decide(a.id, m3, 'deny'), 409, 'not_pending');
    expect((await get(a.id, agent)).status).toBe('approved');
  });

  it('rule 4: denied and canceled approvals are finished: 409 not_pending', async () => {
    const denied = await fromTemplate(anyThenOne);
    expect((await ok(decide(denied.id, m1, 'deny'))).body.status).toBe('denied');
    expectProblem(await decide(denied.id, m2, 'approve'), 409, 'not_pending');
    expectProblem(await decide(denied.id, m1, 'approve'), 409, 'not_pending');
    expectProblem(await decide(denied.id, m3, 'approve'), 409, 'not_pending');

    const canceled = await fromTemplate(anyThenOne);
    expect(
      (await ok(api.post(`/approvals/${canceled.id}/cancel`, undefined, { token: agent.token }))).body.status,
    ).toBe('canceled');
    expectProblem(await decide(canceled.id, m1, 'approve'), 409, 'not_pending');
    expectProblem(await decide(canceled.id, m2, 'deny'), 409, 'not_pending');
  });

  it('rule 4: a contact approver answers once; a second answer is 409 already_decided', async () => {
    const a = await fromTemplate(appealableWithContact);
    const first = await ok(decide(a.id, contactApprover, 'approve', 'Fine by me'));
    expect(first.body.status).toBe('pending');
    expectProblem(await decide(a.id, contactApprover, 'approve'), 409, 'already_decided');
    expectProblem(await decide(a.id, contactApprover, 'deny'), 409, 'already_decided');
    expect((await ok(decide(a.id, m1, 'approve'))).body.status).toBe('approved');
    expectProblem(await decide(a.id, contactApprover, 'deny'), 409, 'not_pending');
  });

  it('rule 4: during an appeal only the appeal reviewers decide; others get 403 not_an_approver', async () => {
    const a = await fromTemplate(appealable);
    expect((await ok(decide(a.id, m1, 'deny', 'Too expensive'))).body.status).toBe('denied');
    // Before any appeal there is nothing for the reviewer to decide.
    expectProblem(
      await api.post(
        `/approvals/${a.id}/appeal/decisions`,
        { decision: 'approve' },
        { token: reviewer.token },
      ),
      409,
      'not_pending',
    );
    const appealed = await ok(
      api.post(`/approvals/${a.id}/appeal`, { reason: 'It is needed' }, { token: agent.token }),
    );
    expect(appealed.body.status).toBe('appeal_pending');

    for (const who of [m1, agent, outsider, ws.admin as Person]) {
      expectProblem(await decide(a.id, who, 'approve'), 403, 'not_an_approver');
      expectProblem(
        await api.post(`/approvals/${a.id}/appeal/decisions`, { decision: 'approve' }, { token: who.token }),
        403,
        'not_an_approver',
      );
    }
    expectProblem(await decide(a.id, requester, 'approve'), 403, 'not_an_approver');
    expect((await get(a.id, agent)).status).toBe('appeal_pending');

    // The reviewer posting to /decisions decides the appeal (docs/decisions.md).
    const decided = await ok(decide(a.id, reviewer, 'deny', 'Still no'));
    expect(decided.body.status).toBe('denied');
    expect(decided.body.appeal.status).toBe('denied');
    expect(decided.body.appeal.decision).toMatchObject({ value: 'deny', comment: 'Still no' });
    expectProblem(await decide(a.id, reviewer, 'approve'), 409, 'not_pending');
    expectProblem(
      await api.post(
        `/approvals/${a.id}/appeal/decisions`,
        { decision: 'approve' },
        { token: reviewer.token },
      ),
      409,
      'not_pending',
    );
    expectProblem(
      await api.post(`/approvals/${a.id}/appeal`, { reason: 'Once more' }, { token: agent.token }),
      409,
      'appeal_exists',
    );
  });

  it('rule 4: an appeal reviewer approves through /appeal/decisions', async () => {
    const a = await fromTemplate(appealable);
    await ok(decide(a.id, m1, 'deny'));
    await ok(api.post(`/approvals/${a.id}/appeal`, { reason: 'Please' }, { token: requester.token }));
    const res = await ok(
      api.post(
        `/approvals/${a.id}/appeal/decisions`,
        { decision: 'approve', comment: 'OK' },
        { token: reviewer.token },
      ),
    );
    expect(res.body.status).toBe('approved');
    expect(res.body.appeal.status).toBe('approved');
    expectProblem(
      await api.post(`/approvals/${a.id}/appeal/decisions`, { decision: 'deny' }, { token: reviewer.token }),
      409,
      'not_pending',
    );
  });
});

describe(`rule 12: approval tasks (${engine})`, () => {
  /** Ids in the caller's awaitingMe on one ticket (other tests of this file leave approvals elsewhere). */
  const awaiting = async (who: Person, t: { id: string }) =>
    ids((await tasks(who)).awaitingMe.filter((x: any) => x.ticketId === t.id));

  it('rule 12: awaitingMe lists only approvals where the caller is a current approver who has not answered', async () => {
    const t = await ws.ticket(requester);
    const x1 = await fromTemplate(allThenOne, t);
    const x2 = await adHoc({ title: 'Second thing', approvers: [member(m1), member(m2)] }, t, agent2);

    const mine = await tasks(m1);
    expect(await awaiting(m1, t)).toEqual([x2.id, x1.id]);
    expect(mine.requestedByMe).toEqual([]);
    const task = mine.awaitingMe.find((x) => x.id === x1.id);
    expect(task).toMatchObject({
      id: x1.id,
      number: x1.number,
      ticketId: t.id,
      title: 'All then one',
      status: 'pending',
      displayStatus: 'pending',
      currentStepIndex: 0,
    });
    expect(await awaiting(m2, t)).toEqual([x2.id, x1.id]);
    // On a later step only: not awaited yet.
    expect(await awaiting(m3, t)).toEqual([]);
    expect(await awaiting(outsider, t)).toEqual([]);

    // Answering removes it from the list of the one who answered only.
    await ok(decide(x1.id, m1, 'approve'));
    expect(await awaiting(m1, t)).toEqual([x2.id]);
    expect(await awaiting(m2, t)).toEqual([x2.id, x1.id]);

    // x2 (rule any) completes with m1's answer: it leaves m2's list though m2 never answered.
    await ok(decide(x2.id, m1, 'approve'));
    expect(await awaiting(m1, t)).toEqual([]);
    expect(await awaiting(m2, t)).toEqual([x1.id]);

    // Step "Second" starts: m3 now awaits it, m2 no longer.
    await ok(decide(x1.id, m2, 'approve'));
    expect(await awaiting(m2, t)).toEqual([]);
    expect(await awaiting(m3, t)).toEqual([x1.id]);
    const third = (await tasks(m3)).awaitingMe.find((x: any) => x.id === x1.id);
    expect(third).toMatchObject({ currentStepIndex: 1, currentStepName: 'Second' });
    await ok(decide(x1.id, m3, 'approve'));
    expect(await awaiting(m3, t)).toEqual([]);
  });

  it('rule 12: an approver who had not answered disappears when the step advances to one they are not on', async () => {
    const t = await ws.ticket(requester);
    const a = await fromTemplate(anyThenOne, t);
    expect(await awaiting(m1, t)).toEqual([a.id]);
    expect(await awaiting(m2, t)).toEqual([a.id]);
    await ok(decide(a.id, m2, 'approve'));
    expect(await awaiting(m1, t)).toEqual([]);
    expect(await awaiting(m2, t)).toEqual([]);
    expect(await awaiting(m3, t)).toEqual([a.id]);
    await ok(api.post(`/approvals/${a.id}/cancel`, undefined, { token: agent.token }));
    expect(await awaiting(m3, t)).toEqual([]);
  });

  it('rule 12: a canceled approval leaves awaitingMe; edited recipients come and go', async () => {
    const t = await ws.ticket(requester);
    const a = await adHoc({ title: 'Cancel me', approvers: [member(m1), member(m2)] }, t);
    expect(await awaiting(m1, t)).toEqual([a.id]);
    await ok(
      api.patch(
        `/approvals/${a.id}/recipients`,
        { add: [member(outsider)], remove: [member(m2)] },
        { token: agent.token },
      ),
    );
    expect(await awaiting(outsider, t)).toEqual([a.id]);
    expect(await awaiting(m2, t)).toEqual([]);
    await ok(api.post(`/approvals/${a.id}/cancel`, undefined, { token: agent.token }));
    expect(await awaiting(m1, t)).toEqual([]);
    expect(await awaiting(outsider, t)).toEqual([]);
  });

  it('rule 12: requestedByMe lists what the caller requested, newest first, and nothing requested by others', async () => {
    const t = await ws.ticket(requester);
    const mine1 = await adHoc({ title: 'Mine 1', approvers: [member(m1)] }, t, agent2);
    const theirs = await adHoc({ title: 'Theirs', approvers: [member(m1)] }, t, outsider);
    const mine2 = await adHoc({ title: 'Mine 2', approvers: [member(m2)] }, t, agent2);
    await ok(decide(mine1.id, m1, 'approve'));

    const list = await tasks(agent2);
    // Requested earlier in this file too (x2 of the first rule 12 test); newest first.
    expect(ids(list.requestedByMe).slice(0, 2)).toEqual([mine2.id, mine1.id]);
    expect(ids(list.requestedByMe)).not.toContain(theirs.id);
    expect(list.requestedByMe.every((x: any) => x.requestedBy.id === agent2.id)).toBe(true);
    expect(list.requestedByMe.find((x: any) => x.id === mine1.id)).toMatchObject({
      status: 'approved',
      title: 'Mine 1',
    });
    expect(list.requestedByMe.find((x: any) => x.id === mine2.id)).toMatchObject({
      status: 'pending',
      title: 'Mine 2',
    });
    expect(list.awaitingMe).toEqual([]);
    expect(ids((await tasks(outsider)).requestedByMe)).toEqual([theirs.id]);
    expect((await tasks(m1)).requestedByMe).toEqual([]);
    await ok(api.post(`/approvals/${theirs.id}/cancel`, undefined, { token: outsider.token }));
    await ok(api.post(`/approvals/${mine2.id}/cancel`, undefined, { token: agent2.token }));
  });

  it('rule 12: a contact approver has the same list in the portal (contactsCanViewApprovals on)', async () => {
    const t = await ws.ticket(requester);
    const a = await fromTemplate(appealableWithContact, t);
    const list = await tasks(contactApprover);
    expect(await awaiting(contactApprover, t)).toEqual([a.id]);
    expect(list.awaitingMe.find((x: any) => x.id === a.id)).toMatchObject({
      title: 'Appealable with a contact',
      status: 'pending',
      ticketId: t.id,
    });
    expect(list.requestedByMe).toEqual([]);
    // The ticket's requester is not an approver.
    expect(await tasks(requester)).toEqual({ awaitingMe: [], requestedByMe: [] });

    // With the switch off the approver still has it: they answer it in the portal (SPEC §8.6).
    await ws.settings({ contactsCanViewApprovals: false });
    try {
      expect(await awaiting(contactApprover, t)).toEqual([a.id]);
    } finally {
      await ws.settings({ contactsCanViewApprovals: true });
    }

    await ok(decide(a.id, contactApprover, 'approve'));
    expect(await awaiting(contactApprover, t)).toEqual([]);
    expect(await awaiting(m1, t)).toEqual([a.id]);
    await ok(decide(a.id, m1, 'approve'));
    expect(await awaiting(m1, t)).toEqual([]);
  });

  it('rule 12: a pending appeal is awaited by its reviewers until decided', async () => {
    const t = await ws.ticket(requester);
    const a = await fromTemplate(appealable, t);
    await ok(decide(a.id, m1, 'deny'));
    expect(await awaiting(reviewer, t)).toEqual([]);
    await ok(api.post(`/approvals/${a.id}/appeal`, { reason: 'Needed' }, { token: agent.token }));
    expect(await awaiting(reviewer, t)).toEqual([a.id]);
    const list = await tasks(reviewer);
    expect(list.awaitingMe.find((x: any) => x.id === a.id).status).toBe('appeal_pending');
    expect(await awaiting(m1, t)).toEqual([]);
    await ok(
      api.post(`/approvals/${a.id}/appeal/decisions`, { decision: 'approve' }, { token: reviewer.token }),
    );
    expect(await awaiting(reviewer, t)).toEqual([]);
  });
});

describe(`canRespond and canAppeal on GET /approvals/{id} (${engine})`, () => {
  const flags = async (id: string, who: Person) => {
    const a = await get(id, who);
    return [a.canRespond, a.canAppeal];
  };

  it('canRespond / canAppeal follow the approval through pending, denied and appealed', async () => {
    const t = await ws.ticket(requester);
    const a = await fromTemplate(appealableWithContact, t);
    // Pending: only the approvers may respond, nobody may appeal.
    expect(await flags(a.id, m1)).toEqual([true, false]);
    expect(await flags(a.id, contactApprover)).toEqual([true, false]);
    expect(await flags(a.id, outsider)).toEqual([false, false]);
    expect(await flags(a.id, agent)).toEqual([false, false]);
    expect(await flags(a.id, requester)).toEqual([false, false]);
    expect(await flags(a.id, reviewer)).toEqual([false, false]);

    await ok(decide(a.id, m1, 'approve'));
    expect(await flags(a.id, m1)).toEqual([false, false]);
    expect(await flags(a.id, contactApprover)).toEqual([true, false]);

    await ok(decide(a.id, contactApprover, 'deny', 'No'));
    // Denied: nobody responds; members and contacts with ticket access may appeal.
    expect(await flags(a.id, m1)).toEqual([false, true]);
    expect(await flags(a.id, outsider)).toEqual([false, true]);
    expect(await flags(a.id, agent)).toEqual([false, true]);
    expect(await flags(a.id, reviewer)).toEqual([false, true]);
    expect(await flags(a.id, requester)).toEqual([false, true]);
    // A contact approver without access to the ticket may not appeal.
    expect(await flags(a.id, contactApprover)).toEqual([false, false]);
    expectProblem(
      await api.post(`/approvals/${a.id}/appeal`, { reason: 'Please' }, { token: contactApprover.token }),
      403,
      'not_allowed',
    );

    // With the workspace switch off, nobody may appeal.
    await ws.settings({ appealsEnabled: false });
    try {
      expect(await flags(a.id, m1)).toEqual([false, false]);
      expect(await flags(a.id, requester)).toEqual([false, false]);
      expectProblem(
        await api.post(`/approvals/${a.id}/appeal`, { reason: 'Please' }, { token: requester.token }),
        409,
        'appeals_not_allowed',
      );
    } finally {
      await ws.settings({ appealsEnabled: true });
    }

    const appealed = await ok(
      api.post(`/approvals/${a.id}/appeal`, { reason: 'Please' }, { token: requester.token }),
    );
    expect([appealed.body.canRespond, appealed.body.canAppeal]).toEqual([false, false]);
    // During the appeal only the reviewer may respond; the appeal is used up.
    expect(await flags(a.id, reviewer)).toEqual([true, false]);
    expect(await flags(a.id, m1)).toEqual([false, false]);
    expect(await flags(a.id, contactApprover)).toEqual([false, false]);
    expect(await flags(a.id, requester)).toEqual([false, false]);
    expect(await flags(a.id, agent)).toEqual([false, false]);

    const decided = await ok(
      api.post(`/approvals/${a.id}/appeal/decisions`, { decision: 'deny' }, { token: reviewer.token }),
    );
    expect([decided.body.canRespond, decided.body.canAppeal]).toEqual([false, false]);
    expect(await flags(a.id, reviewer)).toEqual([false, false]);
    expect(await flags(a.id, requester)).toEqual([false, false]);
  });

  it('canRespond is true in the decision response only while the caller can still answer', async () => {
    const t = await ws.ticket(requester);
    const a = await fromTemplate(allThenOne, t);
    expect(a.canRespond).toBe(false); // the requesting agent is no approver
    const first = await ok(decide(a.id, m1, 'approve'));
    expect(first.body.canRespond).toBe(false);
    expect(await flags(a.id, m2)).toEqual([true, false]);
    expect(await flags(a.id, m3)).toEqual([false, false]); // later step
    await ok(decide(a.id, m2, 'approve'));
    expect(await flags(a.id, m3)).toEqual([true, false]);
    expect(await flags(a.id, m2)).toEqual([false, false]);
    await ok(api.post(`/approvals/${a.id}/cancel`, undefined, { token: agent.token }));
    expect(await flags(a.id, m3)).toEqual([false, false]);
  });

  it('an ad hoc approval has no template, so it cannot be appealed', async () => {
    const t = await ws.ticket(requester);
    const a = await adHoc({ title: 'No template', approvers: [member(m1)] }, t);
    await ok(decide(a.id, m1, 'deny'));
    expect(await flags(a.id, agent)).toEqual([false, false]);
    expect(await flags(a.id, requester)).toEqual([false, false]);
    expectProblem(
      await api.post(`/approvals/${a.id}/appeal`, { reason: 'Please' }, { token: agent.token }),
      409,
      'appeals_not_allowed',
    );
  });
});

describe(`displayStatus partially_approved and ticket approvalStatus (${engine})`, () => {
  const tickets: Record<string, { id: string }> = {};
  let a1: Person;
  let a2: Person;
  let a3: Person;
  let w: { admin: Person };

  const req = async (t: { id: string }, body: Record<string, unknown>) =>
    (await ok(api.post(`/tickets/${t.id}/approvals`, { title: 'T', ...body }, { token: w.admin.token }), 201))
      .body;
  const answer = (id: string, who: Person, decision: 'approve' | 'deny') =>
    ok(api.post(`/approvals/${id}/decisions`, { decision }, { token: who.token }));
  /** approvalStatus of this block's tickets, as GET /tickets lists them (other tickets of the file left out). */
  const listStatuses = async (query = '') => {
    const res = await ok(api.get(`/tickets?limit=200${query}`, { token: w.admin.token }));
    expect(res.body.nextCursor).toBeNull();
    const mine = new Set(Object.values(tickets).map((t) => t.id));
    return Object.fromEntries(
      res.body.items.filter((t: any) => mine.has(t.id)).map((t: any) => [t.id, t.approvalStatus]),
    );
  };

  beforeAll(async () => {
    w = ws;
    [a1, a2, a3] = [m1, m2, m3];
    for (const name of [
      'none',
      'pending',
      'partial',
      'approved',
      'denied',
      'canceled',
      'appeal',
      'twoStep',
    ]) {
      tickets[name] = await ws.ticket(requester);
    }
  });

  it('displayStatus is partially_approved for a pending min-2 step with one approval; tasks and tickets show it', async () => {
    const three = [a1, a2, a3].map(member);
    const partial = await req(tickets.partial!, { approvers: three, rule: { type: 'min', count: 2 } });
    expect(partial.displayStatus).toBe('pending');
    const one = await answer(partial.id, a1, 'approve');
    expect(one.body.status).toBe('pending');
    expect(one.body.displayStatus).toBe('partially_approved');
    const read = await get(partial.id, a2);
    expect([read.status, read.displayStatus]).toEqual(['pending', 'partially_approved']);
    const list = await ok(api.get(`/tickets/${tickets.partial!.id}/approvals`, { token: w.admin.token }));
    expect(list.body.items[0].displayStatus).toBe('partially_approved');
    const awaiting = await tasks(a2);
    const onTicket = awaiting.awaitingMe.filter((x: any) => x.ticketId === tickets.partial!.id);
    expect(onTicket.map((x: any) => [x.id, x.status, x.displayStatus])).toEqual([
      [partial.id, 'pending', 'partially_approved'],
    ]);
    const requested = await tasks(w.admin);
    expect(requested.requestedByMe.find((x: any) => x.id === partial.id).displayStatus).toBe(
      'partially_approved',
    );
    const ticketRead = await ok(api.get(`/tickets/${tickets.partial!.id}`, { token: w.admin.token }));
    expect(ticketRead.body.approvalStatus).toBe('partially_approved');

    // One deny leaves two approvals reachable: still partially approved.
    const denyOne = await answer(partial.id, a2, 'deny');
    expect([denyOne.body.status, denyOne.body.displayStatus]).toEqual(['pending', 'partially_approved']);
  });

  it('displayStatus goes back to pending when a new step starts with no approval yet', async () => {
    const t = await ok(
      api.post(
        '/approval-templates',
        {
          name: 'Two steps',
          steps: [
            { name: 'One', approvers: [member(a1)], rule: { type: 'any' } },
            { name: 'Two', approvers: [member(a2), member(a3)], rule: { type: 'all' } },
          ],
        },
        { token: w.admin.token },
      ),
      201,
    );
    const a = (
      await ok(
        api.post(
          `/tickets/${tickets.twoStep!.id}/approvals`,
          { templateId: t.body.id },
          { token: w.admin.token },
        ),
        201,
      )
    ).body;
    const stepOneDone = await answer(a.id, a1, 'approve');
    expect([stepOneDone.body.currentStepIndex, stepOneDone.body.displayStatus]).toEqual([1, 'pending']);
    const half = await answer(a.id, a2, 'approve');
    expect([half.body.currentStepIndex, half.body.displayStatus]).toEqual([1, 'partially_approved']);
  });

  it('ticket list carries approvalStatus and ?approvalStatus= filters on it', async () => {
    await req(tickets.pending!, { approvers: [member(a1)] });
    const approved = await req(tickets.approved!, { approvers: [member(a1)] });
    await answer(approved.id, a1, 'approve');
    const denied = await req(tickets.denied!, { approvers: [member(a1)] });
    await answer(denied.id, a1, 'deny');
    const canceled = await req(tickets.canceled!, { approvers: [member(a1)] });
    await ok(api.post(`/approvals/${canceled.id}/cancel`, undefined, { token: w.admin.token }));
    const tpl = await ok(
      api.post(
        '/approval-templates',
        {
          name: 'Appealable',
          allowAppeals: true,
          appealReviewers: [member(a3)],
          steps: [{ name: 'S', approvers: [member(a1)], rule: { type: 'any' } }],
        },
        { token: w.admin.token },
      ),
      201,
    );
    const appealed = (
      await ok(
        api.post(
          `/tickets/${tickets.appeal!.id}/approvals`,
          { templateId: tpl.body.id },
          { token: w.admin.token },
        ),
        201,
      )
    ).body;
    await answer(appealed.id, a1, 'deny');
    await ok(api.post(`/approvals/${appealed.id}/appeal`, { reason: 'Please' }, { token: w.admin.token }));

    const expected: Record<string, string | null> = {
      [tickets.none!.id]: null,
      [tickets.pending!.id]: 'pending',
      [tickets.partial!.id]: 'partially_approved',
      [tickets.approved!.id]: 'approved',
      [tickets.denied!.id]: 'denied',
      [tickets.canceled!.id]: null,
      [tickets.appeal!.id]: 'appeal_pending',
      [tickets.twoStep!.id]: 'partially_approved',
    };
    expect(await listStatuses()).toEqual(expected);
    for (const status of [
      'pending',
      'partially_approved',
      'approved',
      'denied',
      'appeal_pending',
      'expired',
    ]) {
      const want = Object.keys(expected).filter((id) => expected[id] === status);
      expect(Object.keys(await listStatuses(`&approvalStatus=${status}`)).sort(), status).toEqual(
        want.sort(),
      );
      const all = await ok(api.get(`/tickets?limit=200&approvalStatus=${status}`, { token: w.admin.token }));
      expect(
        all.body.items.every((t: any) => t.approvalStatus === status),
        status,
      ).toBe(true);
    }
    const none = Object.keys(expected).filter((id) => expected[id] === null);
    expect(Object.keys(await listStatuses('&approvalStatus=none')).sort()).toEqual(none.sort());
    const all = await ok(api.get('/tickets?limit=200&approvalStatus=none', { token: w.admin.token }));
    expect(all.body.items.every((t: any) => t.approvalStatus === null)).toBe(true);
    expectProblem(
      await api.get('/tickets?approvalStatus=bogus', { token: w.admin.token }),
      400,
      'invalid_request',
    );
  });

  it('approvalStatus: a new approval makes it unfinished; canceling it gives back the finished one (SPEC §8.1)', async () => {
    const t = tickets.approved!;
    const next = await req(t, { approvers: [member(a1), member(a2)], rule: { type: 'all' } });
    expect((await listStatuses())[t.id]).toBe('pending');
    await answer(next.id, a1, 'approve');
    expect((await listStatuses())[t.id]).toBe('partially_approved');
    expect(Object.keys(await listStatuses('&approvalStatus=partially_approved'))).toContain(t.id);
    await ok(api.post(`/approvals/${next.id}/cancel`, undefined, { token: w.admin.token }));
    expect((await listStatuses())[t.id]).toBe('approved');
    expect(Object.keys(await listStatuses('&approvalStatus=approved'))).toContain(t.id);
    expect(Object.keys(await listStatuses('&approvalStatus=partially_approved'))).not.toContain(t.id);
  });
});
