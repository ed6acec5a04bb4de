import { uniquePeople } from './people.js';
import type { ApproverRef, PersonRef, ResolutionContext } from './types.js';

function resolveOne(ref: ApproverRef, ctx: ResolutionContext): PersonRef[] {
  switch (ref.type) {
    case 'member':
    case 'contact':
      return [ref];
    case 'group':
      // hasOwn: an id such as "constructor" must not reach Object.prototype.
      return Object.hasOwn(ctx.groups, ref.id) ? (ctx.groups[ref.id] ?? []) : [];
    case 'ticket_requester':
      return ctx.ticket.requesterId === null ? [] : [{ type: 'contact', id: ctx.ticket.requesterId }];
    case 'ticket_contacts':
      return ctx.ticket.contactIds.map((id): PersonRef => ({ type: 'contact', id }));
    case 'ticket_assignee':
      return ctx.ticket.assigneeId === null ? [] : [{ type: 'member', id: ctx.ticket.assigneeId }];
  }
}

/** Turns references into concrete people, each person once, in first-seen order. */
export function resolveApprovers(refs: readonly ApproverRef[], ctx: ResolutionContext): PersonRef[] {
  const inactive = new Set(ctx.inactiveMemberIds ?? []);
  const people = refs.flatMap((ref) => resolveOne(ref, ctx));
  return uniquePeople(
    inactive.size === 0 ? people : people.filter((p) => p.type !== 'member' || !inactive.has(p.id)),
  );
}
