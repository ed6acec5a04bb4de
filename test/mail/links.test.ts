import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireDue } from '../../src/approvals/scheduler.js';
import { sha256 } from '../../src/auth/tokens.js';
import { activityOf, contactRef, expectProblem, expectStatus, memberRef } from '../support/approvals.js';
import { engine } from '../support/database.js';
import { newWorkspace, type Person, type Workspace } from '../support/workspace.js';
import {
  addContact,
  addMember,
  drain,
  FAST_POLICY,
  type MailEnv,
  mailTo,
  startMailEnv,
  tokenOf,
} from './harness.js';
import { appealable, approvalFromTemplate, requestWithLinks, twoSteps } from './link-support.js';

/**
 * SPEC §4 approval links, exercised with the tokens that really arrived by
 * email: opening changes nothing, only a POST with a chosen decision decides,
 * once, and only while the link's step is current.
 */

let env: MailEnv;
let ws: Workspace;
let approver: Person;
let second: Person;
let other: Person;
let customer: Person;
let ticket: { id: string; number: number };

const link = (token: string) => `/approval-links/${token}`;

/** An ad hoc approval; returns it and each approver's token from their email. */
const request = (people: Person[], body: Record<string, unknown> = {}) =>
  requestWithLinks(env, ticket.id, people, { by: ws.admin, body });

async function snapshot(approvalId: string) {
  const shown = expectStatus(await env.api.get(`/approvals/${approvalId}`, { token: ws.admin.token }), 200);
  const activity = await activityOf(env.api, ws.admin.token, ticket.id, approvalId);
  const links = await env.db
    .selectFrom('approval_links')
    .select(['token_hash', 'used_at'])
    .where('approval_id', '=', approvalId)
    .orderBy('token_hash')
    .execute();
  return { status: shown.status, steps: shown.steps, activity: activity.length, links };
}

beforeAll(async () => {
  env = await startMailEnv({ policy: FAST_POLICY });
  ws = await newWorkspace(env.api, { approvalsEnabled: true, contactApprovalEmails: true });
  approver = await addMember(env.api, ws, { name: 'Alice Approver' });
  second = await addMember(env.api, ws, { name: 'Sam Second' });
  other = await addMember(env.api, ws, { name: 'Oscar Other' });
  customer = await addContact(env.api, ws, { name: 'Cora Customer' });
  ticket = await ws.ticket(customer, { subject: 'Link tests' });
});

afterAll(() => env?.close());

describe(`SPEC §4 approval links (${engine})`, () => {
  it('§4 GET twice and HEAD change nothing: still pending, no activity, link unused; the page shows the request', async () => {
    const { approval, title, tokens } = await request([approver, second]);
    const token = tokens.get(approver)!;
    const before = await snapshot(approval.id);
    const first = await env.api.get(link(token), { token: approver.token });
    const again = await env.api.get(link(token), { token: approver.token });
    for (const res of [first, again]) {
      const page = expectStatus(res, 200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(page.approval.title).toBe(title);
      expect(page.approval.description).toBe('Please check the figures.');
      expect(page.approval.status).toBe('pending');
      expect(page.approval.steps).toHaveLength(1);
      expect(page.approval.steps[0].approvers.map((a: any) => a.name).sort()).toEqual([
        'Alice Approver',
        'Sam Second',
      ]);
      expect(page.expectedResponder.name).toBe('Alice Approver');
      expect(page.signInRequired).toBe(true);
      // Rule 3: no addresses or tokens on the page.
      const json = JSON.stringify(page);
      for (const p of [approver, second, ws.admin]) expect(json).not.toContain(p.email);
      expect(json).not.toContain(token);
    }
    const head = await fetch(`${env.server.url}/api/v1${link(token)}`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${approver.token}` },
    });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect(await snapshot(approval.id)).toEqual(before);
    expect(before.status).toBe('pending');
    expect(before.links.every((l) => l.used_at === null)).toBe(true);
  });

  it('§4 ?decision=approve only preselects: GET with it changes nothing', async () => {
    const { approval, tokens } = await request([approver]);
    const token = tokens.get(approver)!;
    const before = await snapshot(approval.id);
    for (const q of ['?decision=approve', '?decision=deny']) {
      const res = await fetch(`${env.server.url}/api/v1${link(token)}${q}`, {
        headers: { authorization: `Bearer ${approver.token}` },
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as any).approval.status).toBe('pending');
      const head = await fetch(`${env.server.url}/api/v1${link(token)}${q}`, {
        method: 'HEAD',
        headers: { authorization: `Bearer ${approver.token}` },
      });
      expect(head.status).toBe(200);
    }
    expect(await snapshot(approval.id)).toEqual(before);
    // The link still works afterwards.
    expectStatus(await env.api.get(link(token), { token: approver.token }), 200);
  });

  it('§4 POST without a decision answers 400 and decides nothing', async () => {
    const { approval, tokens } = await request([approver]);
    const token = tokens.get(approver)!;
    const before = await snapshot(approval.id);
    for (const body of [{}, { comment: 'looks fine' }, { decision: '' }, { decision: 'maybe' }]) {
      const res = await env.api.post(`${link(token)}/decisions`, body, { token: approver.token });
      expect(res.status, JSON.stringify([body, res.body])).toBe(400);
    }
    const empty = await env.api.request('POST', `${link(token)}/decisions`, { token: approver.token });
    expect(empty.status).toBe(400);
    expect(await snapshot(approval.id)).toEqual(before);
  });

  it("§4 POST approve answers 200, the decision's activity has channel email_link; the same link again is 410 link_inactive", async () => {
    const { approval, tokens } = await request([approver, second], { rule: { type: 'all' } });
    const token = tokens.get(approver)!;
    const res = await env.api.post(
      `${link(token)}/decisions`,
      { decision: 'approve', comment: 'From my inbox' },
      { token: approver.token },
    );
    const body = expectStatus(res, 200);
    expect(body.decision).toBe('approve');
    expect(body.approval.status).toBe('pending');
    expect(body.approval.displayStatus).toBe('partially_approved');
    const decisions = (await activityOf(env.api, ws.admin.token, ticket.id, approval.id)).filter(
      (a) => a.type === 'decision',
    );
    expect(decisions).toHaveLength(1);
    expect(decisions[0].channel).toBe('email_link');
    expect(decisions[0].actor).toMatchObject({ type: 'member', id: approver.id });
    const shown = expectStatus(
      await env.api.get(`/approvals/${approval.id}`, { token: ws.admin.token }),
      200,
    );
    const mine = shown.steps[0].approvers.find((a: any) => a.id === approver.id);
    expect(mine.decision).toBe('approve');
    expect(mine.comment).toBe('From my inbox');

    const before = await snapshot(approval.id);
    expectProblem(
      await env.api.post(`${link(token)}/decisions`, { decision: 'deny' }, { token: approver.token }),
      410,
      'link_inactive',
    );
    expectProblem(await env.api.get(link(token)), 410, 'link_inactive');
    expect(await snapshot(approval.id)).toEqual(before);
    // The other approver's link is unaffected.
    expectStatus(await env.api.get(link(tokens.get(second)!), { token: second.token }), 200);
  });

  it('§4 / rule 5 a link is dead once its step is no longer current; the next step gets fresh links', async () => {
    const approval = await approvalFromTemplate(
      env.api,
      ws,
      ticket.id,
      twoSteps([approver, second], [other]),
      'Step advance',
    );
    const [a] = await env.sink.waitFor(mailTo(approver, 'Step advance'));
    const [s] = await env.sink.waitFor(mailTo(second, 'Step advance'));
    expectStatus(
      await env.api.post(
        `/approvals/${approval.id}/decisions`,
        { decision: 'approve' },
        { token: approver.token },
      ),
      200,
    );
    const [o] = await env.sink.waitFor(mailTo(other, 'Step advance'));
    const stale = tokenOf(s!);
    expectProblem(await env.api.get(link(stale)), 410, 'link_inactive');
    expectProblem(
      await env.api.post(`${link(stale)}/decisions`, { decision: 'deny' }, { token: second.token }),
      410,
      'link_inactive',
    );
    expectProblem(await env.api.get(link(tokenOf(a!))), 410, 'link_inactive');
    const shown = expectStatus(
      await env.api.get(`/approvals/${approval.id}`, { token: ws.admin.token }),
      200,
    );
    expect(shown.status).toBe('pending');
    expect(shown.currentStepIndex).toBe(1);
    // Step 2's link works.
    const page = expectStatus(await env.api.get(link(tokenOf(o!)), { token: other.token }), 200);
    expect(page.approval.currentStepIndex).toBe(1);
    expect(page.expectedResponder.name).toBe('Oscar Other');
  });

  it("rule 7 / §4 a removed person's link stops working; the others keep theirs", async () => {
    const { approval, tokens } = await request([approver, second]);
    expectStatus(
      await env.api.patch(
        `/approvals/${approval.id}/recipients`,
        { remove: [memberRef(second)] },
        { token: ws.admin.token },
      ),
      200,
    );
    expectProblem(await env.api.get(link(tokens.get(second)!)), 410, 'link_inactive');
    expectProblem(
      await env.api.post(
        `${link(tokens.get(second)!)}/decisions`,
        { decision: 'approve' },
        { token: second.token },
      ),
      410,
      'link_inactive',
    );
    expectStatus(await env.api.get(link(tokens.get(approver)!), { token: approver.token }), 200);
  });

  it('rule 9 / §4 after cancel every link is dead', async () => {
    const { approval, tokens } = await request([approver, second]);
    expectStatus(
      await env.api.post(`/approvals/${approval.id}/cancel`, undefined, { token: ws.admin.token }),
      200,
    );
    for (const [p, token] of tokens) {
      expectProblem(await env.api.get(link(token)), 410, 'link_inactive');
      expectProblem(
        await env.api.post(`${link(token)}/decisions`, { decision: 'approve' }, { token: p.token }),
        410,
        'link_inactive',
      );
    }
    const shown = expectStatus(
      await env.api.get(`/approvals/${approval.id}`, { token: ws.admin.token }),
      200,
    );
    expect(shown.status).toBe('canceled');
  });

  it("§2 expireAfterHours: after expiry the link is 410, the approval 'expired', and the requester is told", async () => {
    const requester = await addMember(env.api, ws, { name: 'Rita Requester' });
    const template = expectStatus(
      await env.api.post(
        '/approval-templates',
        {
          name: 'Expiring',
          expireAfterHours: 2,
          steps: [{ name: 'Only', approvers: [memberRef(approver)], rule: { type: 'any' } }],
        },
        { token: ws.admin.token },
      ),
      201,
    );
    const approval = expectStatus(
      await env.api.post(
        `/tickets/${ticket.id}/approvals`,
        { templateId: template.id, title: 'Will expire' },
        { token: requester.token },
      ),
      201,
    );
    const [m] = await env.sink.waitFor(mailTo(approver, 'Will expire'));
    const token = tokenOf(m!);
    // The link never outlives the approval's own deadline.
    const row = await env.db
      .selectFrom('approval_links')
      .select(['expires_at'])
      .where('token_hash', '=', sha256(token))
      .executeTakeFirstOrThrow();
    const stored = await env.db
      .selectFrom('approvals')
      .select(['expires_at'])
      .where('id', '=', approval.id)
      .executeTakeFirstOrThrow();
    expect(new Date(row.expires_at).getTime()).toBeLessThanOrEqual(new Date(stored.expires_at!).getTime());
    expectStatus(await env.api.get(link(token), { token: approver.token }), 200);

    await env.db
      .updateTable('approvals')
      .set({ expires_at: new Date(Date.now() - 60_000) })
      .where('id', '=', approval.id)
      .execute();
    expect(await expireDue(env.db, new Date())).toBeGreaterThanOrEqual(1);

    expectProblem(await env.api.get(link(token)), 410, 'link_inactive');
    expectProblem(
      await env.api.post(`${link(token)}/decisions`, { decision: 'approve' }, { token: approver.token }),
      410,
      'link_inactive',
    );
    const shown = expectStatus(
      await env.api.get(`/approvals/${approval.id}`, { token: ws.admin.token }),
      200,
    );
    expect(shown.status).toBe('expired');
    const [told] = await env.sink.waitFor(mailTo(requester, 'Will expire'));
    expect(told!.subject).toBe(`[Approval #${approval.number}] Will expire — expired`);
    expect(told!.text).toContain('expired before it received all the answers it needed');
    await drain(env.db, env.sink);
    const expiredRows = await env.db
      .selectFrom('outbox')
      .select(['recipient_id'])
      .where('approval_id', '=', approval.id)
      .where('kind', '=', 'approval_expired')
      .execute();
    expect(expiredRows.map((r) => r.recipient_id)).toEqual([requester.id]);
    expect((await activityOf(env.api, ws.admin.token, ticket.id, approval.id)).map((a) => a.type)).toContain(
      'expired',
    );
  });

  it('§4 a link expires after approvalLinkTtlHours', async () => {
    await ws.settings({ approvalLinkTtlHours: 3 });
    try {
      const { tokens } = await request([approver]);
      const token = tokens.get(approver)!;
      const row = await env.db
        .selectFrom('approval_links')
        .select(['expires_at'])
        .where('token_hash', '=', sha256(token))
        .executeTakeFirstOrThrow();
      const ttl = new Date(row.expires_at).getTime() - Date.now();
      expect(ttl).toBeGreaterThan(3 * 3600_000 - 120_000);
      expect(ttl).toBeLessThanOrEqual(3 * 3600_000);
      expectStatus(await env.api.get(link(token), { token: approver.token }), 200);
      await env.db
        .updateTable('approval_links')
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where('token_hash', '=', sha256(token))
        .execute();
      expectProblem(await env.api.get(link(token)), 410, 'link_inactive');
      expectProblem(
        await env.api.post(`${link(token)}/decisions`, { decision: 'approve' }, { token: approver.token }),
        410,
        'link_inactive',
      );
    } finally {
      await ws.settings({ approvalLinkTtlHours: 168 });
    }
  });

  it('§4 unknown and malformed tokens answer 410 link_inactive, signed in or not', async () => {
    const unknown = randomBytes(32).toString('base64url');
    const malformed = [
      'abc',
      `${unknown}x`,
      unknown.replace(/.$/, '.'),
      '%00',
      'a'.repeat(150),
      'b'.repeat(5000),
      '%zz',
      '..%2f..%2fetc',
    ];
    for (const t of [unknown, ...malformed]) {
      expectProblem(await env.api.get(link(t)), 410, 'link_inactive');
      expectProblem(
        await env.api.post(`${link(t)}/decisions`, { decision: 'approve' }),
        410,
        'link_inactive',
      );
      expectProblem(
        await env.api.post(`${link(t)}/decisions`, { decision: 'approve' }, { token: approver.token }),
        410,
        'link_inactive',
      );
    }
  });

  it('§4 requireSignInForEmailResponses on: no sign-in is 401 sign_in_required, someone else is 403 not_an_approver, and the link still works for its owner', async () => {
    const { approval, tokens } = await request([approver]);
    const token = tokens.get(approver)!;
    const before = await snapshot(approval.id);
    expectProblem(
      await env.api.post(`${link(token)}/decisions`, { decision: 'approve' }),
      401,
      'sign_in_required',
    );
    expectProblem(
      await env.api.post(`${link(token)}/decisions`, { decision: 'approve' }, { token: other.token }),
      403,
      'not_an_approver',
    );
    // Even the workspace admin is "someone else" for this link.
    expectProblem(
      await env.api.post(`${link(token)}/decisions`, { decision: 'deny' }, { token: ws.admin.token }),
      403,
      'not_an_approver',
    );
    // A signed-in person of another workspace too.
    const foreign = await newWorkspace(env.api);
    expectProblem(
      await env.api.post(`${link(token)}/decisions`, { decision: 'deny' }, { token: foreign.admin.token }),
      403,
      'not_an_approver',
    );
    expect(await snapshot(approval.id)).toEqual(before);
    // §8.1: reading the page is refused to someone else too (before, it showed them the details).
    expectProblem(await env.api.get(link(token), { token: other.token }), 403, 'not_an_approver');
    const page = expectStatus(await env.api.get(link(token), { token: approver.token }), 200);
    expect(page.signedIn.isExpectedResponder).toBe(true);
    const res = await env.api.post(
      `${link(token)}/decisions`,
      { decision: 'approve' },
      { token: approver.token },
    );
    expect(expectStatus(res, 200).approval.status).toBe('approved');
  });

  it('§4 requireSignInForEmailResponses off: the link decides without sign-in (a contact too)', async () => {
    await ws.settings({ requireSignInForEmailResponses: false });
    try {
      const title = 'No sign-in';
      const approval = expectStatus(
        await env.api.post(
          `/tickets/${ticket.id}/approvals`,
          { title, approvers: [contactRef(customer), memberRef(second)], rule: { type: 'all' } },
          { token: ws.admin.token },
        ),
        201,
      );
      const [c] = await env.sink.waitFor(mailTo(customer, title));
      const [s] = await env.sink.waitFor(mailTo(second, title));
      const page = expectStatus(await env.api.get(link(tokenOf(c!))), 200);
      expect(page.signInRequired).toBe(false);
      expect(page.expectedResponder).toEqual({ type: 'contact', name: 'Cora Customer' });
      expectStatus(await env.api.post(`${link(tokenOf(c!))}/decisions`, { decision: 'approve' }), 200);
      const res = expectStatus(
        await env.api.post(`${link(tokenOf(s!))}/decisions`, { decision: 'deny', comment: 'no' }),
        200,
      );
      expect(res.approval.status).toBe('denied');
      const decisions = (await activityOf(env.api, ws.admin.token, ticket.id, approval.id)).filter(
        (a) => a.type === 'decision',
      );
      expect(decisions.map((d) => [d.actor.id, d.channel]).sort()).toEqual(
        [
          [customer.id, 'email_link'],
          [second.id, 'email_link'],
        ].sort(),
      );
      // Signed in as someone else is still refused, even with the switch off.
      const next = await request([approver]);
      expectProblem(
        await env.api.post(
          `${link(next.tokens.get(approver)!)}/decisions`,
          { decision: 'approve' },
          { token: other.token },
        ),
        403,
        'not_an_approver',
      );
      expectStatus(
        await env.api.post(`${link(next.tokens.get(approver)!)}/decisions`, { decision: 'approve' }),
        200,
      );
    } finally {
      await ws.settings({ requireSignInForEmailResponses: true });
    }
  });

  it("§4 appeal reviewer's link decides the appeal through email_link", async () => {
    await ws.settings({ appealsEnabled: true });
    const reviewer = await addMember(env.api, ws, { name: 'Riley Reviewer' });
    const approval = await approvalFromTemplate(
      env.api,
      ws,
      ticket.id,
      appealable(approver, reviewer),
      'Appeal by link',
    );
    const [m] = await env.sink.waitFor(mailTo(approver, 'Appeal by link'));
    expectStatus(
      await env.api.post(`${link(tokenOf(m!))}/decisions`, { decision: 'deny' }, { token: approver.token }),
      200,
    );
    expectStatus(
      await env.api.post(
        `/approvals/${approval.id}/appeal`,
        { reason: 'Please reconsider' },
        { token: ws.admin.token },
      ),
      200,
    );
    const [r] = await env.sink.waitFor(mailTo(reviewer, 'Appeal by link'));
    const token = tokenOf(r!);
    const page = expectStatus(await env.api.get(link(token), { token: reviewer.token }), 200);
    expect(page.kind).toBe('appeal');
    expect(page.approval.status).toBe('appeal_pending');
    const res = expectStatus(
      await env.api.post(`${link(token)}/decisions`, { decision: 'approve' }, { token: reviewer.token }),
      200,
    );
    expect(res.approval.status).toBe('approved');
    const decided = (await activityOf(env.api, ws.admin.token, ticket.id, approval.id)).find(
      (a) => a.type === 'appeal_decided',
    );
    expect(decided.channel).toBe('email_link');
    expectProblem(await env.api.get(link(token)), 410, 'link_inactive');
  });
});
