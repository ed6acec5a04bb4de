import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityOf, expectProblem, expectStatus, memberRef } from '../support/approvals.js';
import type { Response } from '../support/client.js';
import { engine } from '../support/database.js';
import { newWorkspace, type Person, type Workspace } from '../support/workspace.js';
import {
  addContact,
  addMember,
  FAST_POLICY,
  type MailEnv,
  mailTo,
  startMailEnv,
  tokensIn,
} from './harness.js';
import { approvalFromTemplate, requestWithLinks, twoSteps } from './link-support.js';

/**
 * Emailed links of a person asked more than once on one approval (issue 13 item 2: mutations that let an
 * old link answer survived the suite). Rule 7: a link of a person removed from the step stays dead when
 * they are asked again (approval_links.revoked_at); rule 5: a link of a finished step never decides the
 * next one, even for a person asked on both.
 */

let env: MailEnv;
let ws: Workspace;
let alice: Person;
let bob: Person;
let ticket: { id: string };

const link = (token: string) => `/approval-links/${token}`;

/** The link tokens `person` received for the approval titled `title`, oldest first, once `count` arrived. */
async function tokensOf(person: Person, title: string, count: number): Promise<string[]> {
  const withLink = (m: Parameters<ReturnType<typeof mailTo>>[0]) =>
    mailTo(person, title)(m) && tokensIn(m).length > 0;
  const emails = await env.sink.waitFor(withLink, 10_000, count);
  return emails.map((m) => {
    const [token, ...more] = tokensIn(m);
    expect(more).toEqual([]);
    return token!;
  });
}

function expectDead(res: Response, reason: string) {
  expectProblem(res, 410, 'link_inactive');
  expect(res.body.reason, JSON.stringify(res.body)).toBe(reason);
}

beforeAll(async () => {
  env = await startMailEnv({ policy: FAST_POLICY });
  ws = await newWorkspace(env.api, { approvalsEnabled: true });
  alice = await addMember(env.api, ws, { name: 'Alice Twice' });
  bob = await addMember(env.api, ws, { name: 'Bob Other' });
  ticket = await ws.ticket(await addContact(env.api, ws, { name: 'Cora Customer' }), {
    subject: 'Asked twice',
  });
});
afterAll(() => env?.close());

describe(`links of a person asked again (${engine})`, () => {
  it('rule 7: a link used once, then its person removed and re-added, stays dead (410 removed); the new link decides', async () => {
    const { approval, title, tokens } = await requestWithLinks(env, ticket.id, [alice, bob], {
      by: ws.admin,
    });
    const old = tokens.get(alice)!;
    // Used once without being used up: opened, and a comment made with it.
    expectStatus(await env.api.get(link(old), { token: alice.token }), 200);
    expectStatus(
      await env.api.post(`${link(old)}/comments`, { body: 'Looking at it' }, { token: alice.token }),
      201,
    );

    const edit = (body: Record<string, unknown>) =>
      env.api.patch(`/approvals/${approval.id}/recipients`, body, { token: ws.admin.token });
    expectStatus(await edit({ remove: [memberRef(alice)] }), 200);
    expectDead(await env.api.get(link(old), { token: alice.token }), 'removed');

    expectStatus(await edit({ add: [memberRef(alice)] }), 200);
    const [first, fresh] = await tokensOf(alice, title, 2);
    expect(first).toBe(old);
    expect(fresh).not.toBe(old);

    // Asked again, the old link is still dead: it neither shows nor decides.
    expectDead(await env.api.get(link(old), { token: alice.token }), 'removed');
    expectDead(
      await env.api.post(`${link(old)}/decisions`, { decision: 'deny' }, { token: alice.token }),
      'removed',
    );
    const unchanged = expectStatus(
      await env.api.get(`/approvals/${approval.id}`, { token: ws.admin.token }),
      200,
    );
    expect(unchanged.status).toBe('pending');
    expect(unchanged.steps[0].approvers.map((a: any) => a.decision)).toEqual([null, null]);

    // The new link works.
    expectStatus(await env.api.get(link(fresh!), { token: alice.token }), 200);
    const decided = expectStatus(
      await env.api.post(`${link(fresh!)}/decisions`, { decision: 'approve' }, { token: alice.token }),
      200,
    );
    expect(decided.approval.status).toBe('approved');
    const activity = await activityOf(env.api, ws.admin.token, ticket.id, approval.id);
    const decisions = activity.filter((a) => a.type === 'decision');
    expect(decisions.map((a) => [a.actor?.id ?? a.actorId, a.channel])).toEqual([[alice.id, 'email_link']]);
  });

  it('rule 5: the step-1 link of a person asked on both steps is 410 once step 1 is finished; their step-2 link decides step 2', async () => {
    const title = 'Both steps';
    const approval = await approvalFromTemplate(
      env.api,
      ws,
      ticket.id,
      twoSteps([alice, bob], [alice]),
      title,
    );
    const [stepOne] = await tokensOf(alice, title, 1);
    expectStatus(await env.api.get(link(stepOne!), { token: alice.token }), 200);

    // Bob finishes step 1 (rule any): step 2 starts and asks Alice again with a fresh link.
    expectStatus(
      await env.api.post(
        `/approvals/${approval.id}/decisions`,
        { decision: 'approve' },
        { token: bob.token },
      ),
      200,
    );
    const [, stepTwo] = await tokensOf(alice, title, 2);
    expect(stepTwo).not.toBe(stepOne);

    expectDead(await env.api.get(link(stepOne!), { token: alice.token }), 'step_moved_on');
    expectDead(
      await env.api.post(`${link(stepOne!)}/decisions`, { decision: 'deny' }, { token: alice.token }),
      'step_moved_on',
    );
    const still = expectStatus(
      await env.api.get(`/approvals/${approval.id}`, { token: ws.admin.token }),
      200,
    );
    expect(still.status).toBe('pending');
    expect(still.currentStepIndex).toBe(1);
    expect(still.steps[1].approvers.map((a: any) => a.decision)).toEqual([null]);

    const page = expectStatus(await env.api.get(link(stepTwo!), { token: alice.token }), 200);
    expect(page.approval.currentStepIndex).toBe(1);
    const decided = expectStatus(
      await env.api.post(`${link(stepTwo!)}/decisions`, { decision: 'approve' }, { token: alice.token }),
      200,
    );
    expect(decided.approval.status).toBe('approved');
    const done = expectStatus(await env.api.get(`/approvals/${approval.id}`, { token: ws.admin.token }), 200);
    expect(done.steps.map((s: any) => s.approvers.map((a: any) => a.decision))).toEqual([
      [null, 'approve'],
      ['approve'],
    ]);
  });
});
