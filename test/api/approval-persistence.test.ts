import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as core from '../../src/approvals/core/index.js';
import type { Approval, PersonRef, ResolutionContext, Transition } from '../../src/approvals/core/types.js';
import { fetchApproval, insertApproval, loadApprovals, saveApproval } from '../../src/approvals/repo.js';
import { loadComments } from '../../src/approvals/view.js';
import { createContact, createMember } from '../../src/people/repo.js';
import { createTicket } from '../../src/tickets/repo.js';
import { createWorkspace } from '../../src/workspaces/repo.js';
import { engine, openTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * `saveApproval` writes a transition's changed and new assignments from one
 * JSON parameter, and `fetchApproval` reads them back from JSON: whatever a
 * transition makes (decisions, comments, removals, reminders, a next step,
 * an appeal), reading the approval back gives exactly the state the core
 * made, and the `awaiting` flag that the task lists use follows it. What
 * it reads in one statement is what the separate queries read.
 */

let database: TestDatabase;

beforeAll(async () => {
  database = await openTestDatabase();
});

afterAll(() => database?.close());

const member = (): PersonRef => ({ type: 'member', id: randomUUID() });

describe(`an approval written and read back (${engine})`, () => {
  it('is the state the core made, after every kind of transition', async () => {
    const db = database.handle.db;
    const { id: ws } = await createWorkspace(db, { name: 'Persistence' });
    const requester = await createMember(db, ws, { name: 'Rita', email: 'rita@example.test', role: 'agent' });
    const customer = await createContact(db, ws, { name: 'Carl', email: 'carl@example.test' });
    const ticket = await createTicket(db, { type: 'member', id: requester.id }, ws, {
      subject: 'Laptop',
      body: 'Broken',
      requesterId: customer.id,
      contactIds: [],
      assigneeId: null,
    });
    const [m1, m2, m3, m4, boss] = [member(), member(), member(), member(), member()];
    const contact: PersonRef = { type: 'contact', id: customer.id };
    const ctx: ResolutionContext = {
      ticket: { requesterId: customer.id, contactIds: [], assigneeId: null },
      groups: {},
    };
    let now = new Date('2026-01-05T09:00:00.123Z');
    const later = () => {
      now = new Date(now.getTime() + 61 * 60_000);
      return now;
    };
    const ok = (result: ReturnType<typeof core.decide>): Transition => {
      if (!result.ok) throw new Error(result.error.code);
      return result.value;
    };

    const started = ok(
      core.startApproval(
        {
          steps: [
            { name: 'Managers', approvers: [m1!, m2!, contact], rule: { type: 'all' } },
            { name: 'Finance', approvers: [m3!], rule: { type: 'any' }, whenNobody: 'skip' },
          ],
          requestedBy: requester.id,
          allowAppeals: true,
          appealReviewers: [boss!],
          expiresAt: new Date('2026-02-01T00:00:00.000Z'),
          // SPEC §8.1: the template switches are stored with the approval and read back.
          switches: { preventSelfApproval: false, requireCommentOnDeny: true, lockRecipients: true },
        },
        ctx,
        now,
      ),
    );
    const id = randomUUID();
    await insertApproval(
      db,
      ws,
      {
        id,
        number: 1,
        ticketId: ticket.id,
        templateId: null,
        title: 'Laptop',
        description: null,
        onBehalfOf: null,
        formData: null,
      },
      started.approval,
    );

    const load = async () => (await fetchApproval(db, ws, id, { lock: true }))!.stored.state;
    const awaiting = async () =>
      (
        await db
          .selectFrom('approval_assignments')
          .select(['ordinal', 'awaiting'])
          .where('workspace_id', '=', ws)
          .where('approval_id', '=', id)
          .orderBy('ordinal')
          .execute()
      ).map((r) => r.awaiting);
    const expectedAwaiting = (state: Approval) =>
      state.assignments.map(
        (a) =>
          (state.status === 'pending' || state.status === 'needs_info') &&
          a.stepIndex === state.currentStepIndex &&
          a.decision === null &&
          a.removedAt === null,
      );

    expect(await load()).toEqual(started.approval);
    const steps: [string, (state: Approval) => ReturnType<typeof core.decide>][] = [
      ['a reminder', (s) => core.remind(s, m1!, later())],
      [
        'information asked for (§8.1)',
        (s) =>
          core.askForInfo(s, { type: 'member', id: requester.id, role: 'agent' }, 'Which model?', later()),
      ],
      [
        'information provided',
        (s) =>
          core.provideInfo(
            s,
            { type: 'member', id: requester.id, role: 'agent' },
            null,
            'The small one',
            later(),
          ),
      ],
      ['recipients edited', (s) => core.editRecipients(s, [m4!], [m2!], ctx, later())],
      ['a decision with a comment', (s) => core.decide(s, m1!, 'approve', 'Fine by me', 'api', ctx, later())],
      ['a contact decides', (s) => core.decide(s, contact, 'approve', null, 'portal', ctx, later())],
      [
        'the step completes, the next starts',
        (s) => core.decide(s, m4!, 'approve', null, 'agent_ui', ctx, later()),
      ],
      ['a denial', (s) => core.decide(s, m3!, 'deny', 'Over budget', 'email_link', ctx, later())],
      [
        'an appeal',
        (s) =>
          core.requestAppeal(
            s,
            { type: 'member', id: requester.id, role: 'agent' },
            'Please',
            { contactsCanViewApprovals: false, appealsEnabled: true },
            [boss!],
            later(),
          ),
      ],
      ['the appeal decided', (s) => core.decideAppeal(s, boss!, 'approve', 'Go', 'api', later())],
    ];
    for (const [what, transition] of steps) {
      const before = await load();
      const after = ok(transition(before)).approval;
      await saveApproval(db, ws, id, before, after);
      expect(await load(), what).toEqual(after);
      expect(await awaiting(), what).toEqual(expectedAwaiting(after));
    }
    const final = await load();
    expect(final.status).toBe('approved');
    expect(final.assignments).toHaveLength(5);

    for (const [internal, body] of [
      [false, 'Which model?'],
      [true, 'Check the budget first'],
      [false, 'The 14-inch one'],
    ] as const) {
      await db
        .insertInto('approval_comments')
        .values({
          workspace_id: ws,
          id: randomUUID(),
          approval_id: id,
          author_type: 'member',
          author_id: requester.id,
          body,
          internal,
        })
        .execute();
    }
    const all = await fetchApproval(db, ws, id, { settings: true, comments: 'all' });
    const shown = await fetchApproval(db, ws, id, { lock: true, comments: 'public' });
    expect(all!.stored).toEqual((await loadApprovals(db, ws, [id]))[0]);
    expect(all!.comments).toEqual(await loadComments(db, ws, id, true));
    expect(all!.comments).toHaveLength(3);
    expect(shown!.comments).toEqual(await loadComments(db, ws, id, false));
    expect(shown!.comments!.map((c) => c.body)).toEqual(['Which model?', 'The 14-inch one']);
    expect(all!.settings).toMatchObject({ approvalsEnabled: false });
    expect(await fetchApproval(db, ws, randomUUID())).toBeNull();
    expect(await fetchApproval(db, ws, 'not-a-uuid')).toBeNull();
  });
});
