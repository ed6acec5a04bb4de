import { describe, expect, it } from 'vitest';
import { resolveApprovers } from './resolve.js';
import { c, context, m } from './test-fixtures.js';

describe('resolveApprovers (SPEC §2 approver references)', () => {
  it('§2: a member and a contact resolve to themselves', () => {
    expect(resolveApprovers([m('a'), c('b')], context())).toEqual([m('a'), c('b')]);
  });

  it('§2: a group resolves to its active people; a missing group to nobody', () => {
    const ctx = context({ groups: { g: [m('a'), c('x')] } });
    expect(resolveApprovers([{ type: 'group', id: 'g' }], ctx)).toEqual([m('a'), c('x')]);
    expect(resolveApprovers([{ type: 'group', id: 'missing' }], ctx)).toEqual([]);
    expect(resolveApprovers([{ type: 'group', id: 'constructor' }], ctx)).toEqual([]);
  });

  it('§2: ticket roles resolve to the requester contact, every ticket contact and the assignee member', () => {
    const ctx = context({ ticket: { requesterId: 'r', contactIds: ['r', 'x'], assigneeId: 'ag' } });
    expect(resolveApprovers([{ type: 'ticket_requester' }], ctx)).toEqual([c('r')]);
    expect(resolveApprovers([{ type: 'ticket_contacts' }], ctx)).toEqual([c('r'), c('x')]);
    expect(resolveApprovers([{ type: 'ticket_assignee' }], ctx)).toEqual([m('ag')]);
  });

  it('§2: an empty ticket role resolves to nobody', () => {
    const ctx = context({ ticket: { requesterId: null, contactIds: [], assigneeId: null } });
    expect(
      resolveApprovers(
        [{ type: 'ticket_requester' }, { type: 'ticket_contacts' }, { type: 'ticket_assignee' }],
        ctx,
      ),
    ).toEqual([]);
  });

  it('§2: the same person named twice is asked once, in first-seen order', () => {
    const ctx = context({
      ticket: { requesterId: 'r', contactIds: ['x', 'r'], assigneeId: 'a' },
      groups: { g: [m('a'), c('x'), m('z')] },
    });
    expect(
      resolveApprovers(
        [
          m('z'),
          { type: 'ticket_requester' },
          { type: 'group', id: 'g' },
          { type: 'ticket_contacts' },
          { type: 'ticket_assignee' },
        ],
        ctx,
      ),
    ).toEqual([m('z'), c('r'), m('a'), c('x')]);
  });

  it('§2: a member and a contact with the same id are different people', () => {
    expect(resolveApprovers([m('1'), c('1'), m('1')], context())).toEqual([m('1'), c('1')]);
  });

  it('copies people so extra properties of the input never leak', () => {
    const rich = { type: 'member' as const, id: 'a', name: 'Ann' };
    expect(resolveApprovers([rich], context())).toEqual([m('a')]);
  });
});

describe('deactivated members', () => {
  it('are never asked, however they are referenced', () => {
    const ctx = {
      ticket: { requesterId: null, contactIds: [], assigneeId: 'm2' },
      groups: {
        g: [
          { type: 'member' as const, id: 'm1' },
          { type: 'member' as const, id: 'm3' },
        ],
      },
      inactiveMemberIds: ['m1', 'm2'],
    };
    expect(
      resolveApprovers(
        [{ type: 'member', id: 'm1' }, { type: 'ticket_assignee' }, { type: 'group', id: 'g' }],
        ctx,
      ),
    ).toEqual([{ type: 'member', id: 'm3' }]);
  });
});
