import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/auth/tokens.js';
import { activityOf, contactRef, expectProblem, expectStatus, memberRef } from '../support/approvals.js';
import type { Response as ClientResponse } from '../support/client.js';
import { engine } from '../support/database.js';
import { login, newWorkspace, type Person, type Workspace } from '../support/workspace.js';
import {
  addContact,
  addMember,
  FAST_POLICY,
  type MailEnv,
  mailTo,
  startMailEnv,
  tokenOf,
} from './harness.js';
import { appealable, approvalFromTemplate, requestWithLinks, twoSteps } from './link-support.js';

/**
 * SPEC §8.1 "the response page tells enough" and §8.6, and the outside
 * review's issue 10 items 3 and 9, through tokens that really arrived by email.
 */

let env: MailEnv;
let ws: Workspace;
let workspaceName: string;
let approver: Person;
let second: Person;
let other: Person;
let french: Person;
let customer: Person;
let ticket: { id: string; number: number };

const link = (token: string) => `/approval-links/${token}`;
const ref = (p: Person) => (p === french || p === customer ? contactRef(p) : memberRef(p));

/** An ad hoc approval; returns it and each approver's token from their email. */
const request = (people: Person[], body: Record<string, unknown> = {}) =>
  requestWithLinks(env, ticket.id, people, {
    by: ws.admin,
    body: { description: 'Secret figures inside.', ...body },
    refOf: ref,
  });

/** The problem body of a response, checked for status and code. */
function problem(res: ClientResponse, status: number, code: string): any {
  expectProblem(res, status, code);
  return res.body;
}

async function withSignInOff<T>(fn: () => Promise<T>): Promise<T> {
  await ws.settings({ requireSignInForEmailResponses: false });
  try {
    return await fn();
  } finally {
    await ws.settings({ requireSignInForEmailResponses: true });
  }
}

beforeAll(async () => {
  env = await startMailEnv({ policy: FAST_POLICY });
  ws = await newWorkspace(env.api, { approvalsEnabled: true, contactApprovalEmails: true });
  workspaceName = (
    await env.db.selectFrom('workspaces').select('name').where('id', '=', ws.id).executeTakeFirstOrThrow()
  ).name;
  approver = await addMember(env.api, ws, { name: 'Alice Approver' });
  second = await addMember(env.api, ws, { name: 'Sam Second' });
  other = await addMember(env.api, ws, { name: 'Oscar Other' });
  french = await addContact(env.api, ws, { name: 'Fanny Française', locale: 'fr' });
  customer = await addContact(env.api, ws, { name: 'Cora Customer' });
  ticket = await ws.ticket(customer, { subject: 'Page tests' });
});

afterAll(() => env?.close());

describe(`issue 10 item 3: links of people no longer asked (${engine})`, () => {
  it("a deactivated member's emailed link no longer decides (sign-in not required), and stays dead when reactivated", async () => {
    await withSignInOff(async () => {
      const { approval, tokens } = await request([approver, second]);
      const token = tokens.get(second)!;
      expectStatus(
        await env.api.patch(`/members/${second.id}`, { active: false }, { token: ws.admin.token }),
        200,
      );
      try {
        expect(problem(await env.api.get(link(token)), 410, 'link_inactive').reason).toBe('removed');
        const refused = await env.api.post(`${link(token)}/decisions`, { decision: 'approve' });
        expect(problem(refused, 410, 'link_inactive').reason).toBe('removed');
        const shown = expectStatus(
          await env.api.get(`/approvals/${approval.id}`, { token: ws.admin.token }),
          200,
        );
        expect(shown.status).toBe('pending');
      } finally {
        expectStatus(
          await env.api.patch(`/members/${second.id}`, { active: true }, { token: ws.admin.token }),
          200,
        );
        // Deactivation ended their sessions for good (issue 10 item 1): they sign in again.
        second.token = await login(env.api, ws.id, second.email);
      }
      // Revoked at deactivation: reactivation does not bring the old link back.
      expect(problem(await env.api.get(link(token)), 410, 'link_inactive').reason).toBe('removed');
      const revoked = await env.db
        .selectFrom('approval_links')
        .select('revoked_at')
        .where('token_hash', '=', sha256(token))
        .executeTakeFirstOrThrow();
      expect(revoked.revoked_at).not.toBeNull();
      // The other approver's link is untouched.
      expectStatus(await env.api.get(link(tokens.get(approver)!)), 200);
    });
  });

  it("rule 7: a removed approver's old link stays dead when they are re-added; the new link works", async () => {
    const { approval, title, tokens } = await request([approver, second]);
    const old = tokens.get(second)!;
    const edit = (body: Record<string, unknown>) =>
      env.api.patch(`/approvals/${approval.id}/recipients`, body, { token: ws.admin.token });
    expectStatus(await edit({ remove: [memberRef(second)] }), 200);
    expectStatus(await edit({ add: [memberRef(second)] }), 200);
    const mails = await env.sink.waitFor(mailTo(second, title), 10_000, 2);
    const fresh = tokenOf(mails.at(-1)!);
    expect(fresh).not.toBe(old);
    const page = problem(await env.api.get(link(old), { token: second.token }), 410, 'link_inactive');
    expect(page.reason).toBe('removed');
    const refused = await env.api.post(
      `${link(old)}/decisions`,
      { decision: 'approve' },
      { token: second.token },
    );
    expect(problem(refused, 410, 'link_inactive').reason).toBe('removed');
    expectStatus(await env.api.get(link(fresh), { token: second.token }), 200);
    const decided = expectStatus(
      await env.api.post(`${link(fresh)}/decisions`, { decision: 'approve' }, { token: second.token }),
      200,
    );
    expect(decided.approval.status).toBe('approved');
  });
});

describe(`issue 10 item 9 / SPEC §8.1: sign-in required shows only the workspace (${engine})`, () => {
  it('an anonymous GET answers 401 sign_in_required with the workspace name and the sign-in facts, no approval details', async () => {
    const { title, tokens } = await request([approver, second]);
    const token = tokens.get(approver)!;
    const body = problem(await env.api.get(link(token)), 401, 'sign_in_required');
    expect(body.workspace).toEqual({ id: ws.id, name: workspaceName });
    expect(body.responderType).toBe('member');
    expect(JSON.stringify(body)).not.toContain(token);
    const json = JSON.stringify(body);
    for (const secret of [title, 'Secret figures inside.', 'Alice Approver', 'Sam Second', 'Page tests']) {
      expect(json).not.toContain(secret);
    }
    // The right person sees the details; someone else is refused (the link stays theirs).
    expectProblem(await env.api.get(link(token), { token: other.token }), 403, 'not_an_approver');
    const page = expectStatus(await env.api.get(link(token), { token: approver.token }), 200);
    expect(page.approval.title).toBe(title);
  });

  it("an appeal reviewer's link: the 401 carries no appeal reason", async () => {
    await ws.settings({ appealsEnabled: true });
    const reviewer = await addMember(env.api, ws, { name: 'Riley Reviewer' });
    const approval = await approvalFromTemplate(
      env.api,
      ws,
      ticket.id,
      appealable(approver, reviewer),
      'Appeal page',
    );
    expectStatus(
      await env.api.post(
        `/approvals/${approval.id}/decisions`,
        { decision: 'deny' },
        { token: approver.token },
      ),
      200,
    );
    const reason = 'The budget line was approved last week';
    expectStatus(
      await env.api.post(`/approvals/${approval.id}/appeal`, { reason }, { token: ws.admin.token }),
      200,
    );
    const [r] = await env.sink.waitFor(mailTo(reviewer, 'Appeal page'));
    const token = tokenOf(r!);
    const body = problem(await env.api.get(link(token)), 401, 'sign_in_required');
    expect(JSON.stringify(body)).not.toContain(reason);
    expect(JSON.stringify(body)).not.toContain('Appeal page');
    const page = expectStatus(await env.api.get(link(token), { token: reviewer.token }), 200);
    expect(page.approval.appeal.reason).toBe(reason);
  });
});

describe(`SPEC §8.1 / §8.6 dead-link reasons (${engine})`, () => {
  it('used: the 410 carries the decision for its person; an anonymous visitor under sign-in gets the reason only', async () => {
    const { tokens } = await request([approver, second], { rule: { type: 'all' } });
    const token = tokens.get(approver)!;
    expectStatus(
      await env.api.post(`${link(token)}/decisions`, { decision: 'approve' }, { token: approver.token }),
      200,
    );
    const mine = problem(await env.api.get(link(token), { token: approver.token }), 410, 'link_inactive');
    expect(mine.reason).toBe('used');
    expect(mine.decision.value).toBe('approve');
    expect(Number.isNaN(Date.parse(mine.decision.at))).toBe(false);
    const anonymous = problem(await env.api.get(link(token)), 410, 'link_inactive');
    expect(anonymous).not.toHaveProperty('decision');
    expect(anonymous.reason).toBe('used');
    const again = await env.api.post(
      `${link(token)}/decisions`,
      { decision: 'deny' },
      { token: approver.token },
    );
    expect(problem(again, 410, 'link_inactive').reason).toBe('used');
  });

  it('used also when its person answered elsewhere (portal, agent UI): they see that answer', async () => {
    const { approval, tokens } = await request([approver, second], { rule: { type: 'all' } });
    expectStatus(
      await env.api.post(
        `/approvals/${approval.id}/decisions`,
        { decision: 'deny' },
        { token: second.token },
      ),
      200,
    );
    const body = problem(
      await env.api.get(link(tokens.get(second)!), { token: second.token }),
      410,
      'link_inactive',
    );
    expect(body.reason).toBe('used');
    expect(body.decision.value).toBe('deny');
    // The request is denied now, but `used` comes first.
    expect(problem(await env.api.get(link(tokens.get(approver)!)), 410, 'link_inactive').reason).toBe(
      'finished',
    );
  });

  it('removed (edit recipients), finished (canceled), step_moved_on and expired', async () => {
    const removal = await request([approver, second]);
    expectStatus(
      await env.api.patch(
        `/approvals/${removal.approval.id}/recipients`,
        { remove: [memberRef(second)] },
        { token: ws.admin.token },
      ),
      200,
    );
    expect(problem(await env.api.get(link(removal.tokens.get(second)!)), 410, 'link_inactive').reason).toBe(
      'removed',
    );

    const canceled = await request([approver]);
    expectStatus(
      await env.api.post(`/approvals/${canceled.approval.id}/cancel`, undefined, { token: ws.admin.token }),
      200,
    );
    expect(
      problem(await env.api.get(link(canceled.tokens.get(approver)!)), 410, 'link_inactive').reason,
    ).toBe('finished');

    const moving = await approvalFromTemplate(
      env.api,
      ws,
      ticket.id,
      twoSteps([approver, second], [other]),
      'Moving on',
    );
    const [s] = await env.sink.waitFor(mailTo(second, 'Moving on'));
    expectStatus(
      await env.api.post(
        `/approvals/${moving.id}/decisions`,
        { decision: 'approve' },
        { token: approver.token },
      ),
      200,
    );
    const moved = await env.api.post(
      `${link(tokenOf(s!))}/decisions`,
      { decision: 'approve' },
      { token: second.token },
    );
    expect(problem(moved, 410, 'link_inactive').reason).toBe('step_moved_on');

    const expiring = await request([approver]);
    const token = expiring.tokens.get(approver)!;
    await env.db
      .updateTable('approval_links')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('token_hash', '=', sha256(token))
      .execute();
    expect(problem(await env.api.get(link(token)), 410, 'link_inactive').reason).toBe('expired');
  });

  it('an unknown or malformed token stays a bare 410 link_inactive: no reason, so a link never tells whether it existed', async () => {
    for (const t of [randomBytes(32).toString('base64url'), 'abc']) {
      for (const res of [
        await env.api.get(link(t)),
        await env.api.post(`${link(t)}/comments`, { body: 'hello' }),
        await env.api.post(`${link(t)}/decisions`, { decision: 'approve' }, { token: approver.token }),
      ]) {
        const body = problem(res, 410, 'link_inactive');
        expect(body).not.toHaveProperty('reason');
        expect(body).not.toHaveProperty('decision');
      }
    }
  });
});

describe(`SPEC §8.1 feedback from an email link (${engine})`, () => {
  it('POST comments answers 201 with the comment, does not use up the link, and shows on the page and the approval', async () => {
    const { approval, tokens } = await request([approver, second]);
    const token = tokens.get(approver)!;
    const res = await env.api.post(
      `${link(token)}/comments`,
      { body: '  Which budget line?  ' },
      { token: approver.token },
    );
    const comment = expectStatus(res, 201);
    expect(comment.body).toBe('Which budget line?');
    expect(comment.internal).toBe(false);
    expect(comment.author).toMatchObject({ type: 'member', name: 'Alice Approver' });
    const row = await env.db
      .selectFrom('approval_links')
      .select('used_at')
      .where('token_hash', '=', sha256(token))
      .executeTakeFirstOrThrow();
    expect(row.used_at).toBeNull();
    const page = expectStatus(await env.api.get(link(token), { token: approver.token }), 200);
    expect(page.approval.comments.map((c: any) => c.body)).toEqual(['Which budget line?']);
    const shown = expectStatus(
      await env.api.get(`/approvals/${approval.id}`, { token: ws.admin.token }),
      200,
    );
    expect(shown.comments.map((c: any) => c.body)).toContain('Which budget line?');
    const activity = (await activityOf(env.api, ws.admin.token, ticket.id, approval.id)).find(
      (a) => a.type === 'comment',
    );
    expect(activity.channel).toBe('email_link');
    expect(activity.actor).toMatchObject({ type: 'member', id: approver.id });
    // The link still decides.
    expectStatus(
      await env.api.post(`${link(token)}/decisions`, { decision: 'approve' }, { token: approver.token }),
      200,
    );
  });

  it('same sign-in rule as a decision: 401 anonymous, 403 someone else; empty body 400; dead link 410', async () => {
    const { approval, tokens } = await request([approver]);
    const token = tokens.get(approver)!;
    expectProblem(await env.api.post(`${link(token)}/comments`, { body: 'hi' }), 401, 'sign_in_required');
    expectProblem(
      await env.api.post(`${link(token)}/comments`, { body: 'hi' }, { token: other.token }),
      403,
      'not_an_approver',
    );
    for (const body of [{ body: '' }, { body: '   ' }, {}]) {
      expectProblem(
        await env.api.post(`${link(token)}/comments`, body, { token: approver.token }),
        400,
        'invalid_request',
      );
    }
    const count = await env.db
      .selectFrom('approval_comments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('approval_id', '=', approval.id)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
    expectStatus(
      await env.api.post(`/approvals/${approval.id}/cancel`, undefined, { token: ws.admin.token }),
      200,
    );
    const dead = await env.api.post(
      `${link(token)}/comments`,
      { body: 'too late' },
      { token: approver.token },
    );
    expect(problem(dead, 410, 'link_inactive').reason).toBe('finished');
  });

  it('rule 1: with approvals off, feedback and the page answer 409 approvals_disabled like every approval endpoint', async () => {
    const { tokens } = await request([approver]);
    const token = tokens.get(approver)!;
    await ws.settings({ approvalsEnabled: false });
    try {
      expectProblem(await env.api.get(link(token), { token: approver.token }), 409, 'approvals_disabled');
      expectProblem(
        await env.api.post(`${link(token)}/comments`, { body: 'hi' }, { token: approver.token }),
        409,
        'approvals_disabled',
      );
    } finally {
      await ws.settings({ approvalsEnabled: true });
    }
    expectStatus(await env.api.get(link(token), { token: approver.token }), 200);
  });

  it('without sign-in required, a contact comments from the link alone', async () => {
    await withSignInOff(async () => {
      const { tokens } = await request([customer]);
      const res = await env.api.post(`${link(tokens.get(customer)!)}/comments`, { body: 'Looks fine to me' });
      expect(expectStatus(res, 201).author).toMatchObject({ type: 'contact', name: 'Cora Customer' });
    });
  });
});

describe(`SPEC §8.1 what the page tells (${engine})`, () => {
  it('earlier decisions, comments the holder may see (no internal ones for a contact, no emails), the public thread, and the locale', async () => {
    // The thread: 12 public messages and an internal note; the page shows the latest 10 public ones.
    for (let i = 1; i <= 12; i++) {
      expectStatus(
        await env.api.post(
          `/tickets/${ticket.id}/messages`,
          { body: `Public ${i}`, public: true },
          { token: ws.admin.token },
        ),
        201,
      );
    }
    expectStatus(
      await env.api.post(
        `/tickets/${ticket.id}/messages`,
        { body: 'Internal note', public: false },
        { token: ws.admin.token },
      ),
      201,
    );
    await withSignInOff(async () => {
      const { approval, tokens } = await request([french, approver], { rule: { type: 'all' } });
      expectStatus(
        await env.api.post(
          `/approvals/${approval.id}/decisions`,
          { decision: 'approve', comment: 'Fine by me' },
          { token: approver.token },
        ),
        200,
      );
      for (const [body, internal] of [
        ['Public question', false],
        ['Internal remark', true],
      ] as const) {
        expectStatus(
          await env.api.post(
            `/approvals/${approval.id}/comments`,
            { body, internal },
            { token: ws.admin.token },
          ),
          201,
        );
      }
      const page = expectStatus(await env.api.get(link(tokens.get(french)!)), 200);
      expect(page.locale).toBe('fr');
      expect(page.approval.decisions).toEqual([
        expect.objectContaining({
          stepIndex: 0,
          by: { type: 'member', name: 'Alice Approver' },
          decision: 'approve',
          comment: 'Fine by me',
          channel: 'api',
        }),
      ]);
      expect(page.approval.comments.map((c: any) => c.body)).toEqual(['Public question']);
      expect(page.ticket.thread.map((m: any) => m.body)).toEqual(
        [3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((i) => `Public ${i}`),
      );
      const json = JSON.stringify(page);
      for (const secret of [
        'Internal remark',
        'Internal note',
        approver.email,
        ws.admin.email,
        french.email,
      ]) {
        expect(json).not.toContain(secret);
      }
      // The member answered in the agent UI: their link is used up.
      const memberPage = expectStatus(
        await env.api.get(link(tokens.get(approver)!), { token: approver.token }),
        410,
      );
      expect(memberPage.reason).toBe('used');
    });
    // A member without a locale reads the workspace default.
    await ws.settings({ defaultLocale: 'fr' });
    try {
      const { tokens } = await request([approver]);
      const page = expectStatus(
        await env.api.get(link(tokens.get(approver)!), { token: approver.token }),
        200,
      );
      expect(page.locale).toBe('fr');
    } finally {
      await ws.settings({ defaultLocale: 'en' });
    }
  });

  it('internal comments reach the page only for the member it was sent to, signed in', async () => {
    const { approval, tokens } = await request([approver]);
    expectStatus(
      await env.api.post(
        `/approvals/${approval.id}/comments`,
        { body: 'For members', internal: true },
        { token: ws.admin.token },
      ),
      201,
    );
    const page = expectStatus(await env.api.get(link(tokens.get(approver)!), { token: approver.token }), 200);
    expect(page.locale).toBe('en');
    expect(page.approval.comments).toEqual([
      expect.objectContaining({ body: 'For members', internal: true }),
    ]);
    await withSignInOff(async () => {
      const anonymous = expectStatus(await env.api.get(link(tokens.get(approver)!)), 200);
      expect(anonymous.approval.comments).toEqual([]);
    });
  });
});
