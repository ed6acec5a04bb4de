/**
 * The scale generator: `tickets` tickets and `approvals` approvals across
 * `workspaces` workspaces. Workspace 0 is the one measured: one approver there
 * ("the busy approver") has `busyWaiting` approvals waiting; the other
 * approvals of every workspace are a mix of pending, approved and denied.
 * Tickets without approvals make up the rest of each workspace.
 */

import { sql } from 'kysely';
import type { DatabaseHandle } from '../../src/shared/db/connect.js';
import {
  type Api,
  cloneApprovals,
  cloneTickets,
  createTicket,
  inProcessApi,
  requestApproval,
  type SeededWorkspace,
  seedMembers,
  seedWorkspace,
} from './seed.js';

export type ScaleSize = { tickets: number; approvals: number; workspaces: number; busyWaiting: number };

export type ScaleSeed = {
  size: ScaleSize;
  seedMs: number;
  measured: {
    workspaceId: string;
    adminToken: string;
    busyApprover: { id: string; token: string };
    /** A ticket with three approvals (one canceled). */
    ticketId: string;
  };
  counts: { tickets: number; approvals: number; assignments: number; workspaces: number };
};

/** Per workspace: prototypes of each kind, then SQL copies of them. */
async function fillWorkspace(
  api: Api,
  handle: DatabaseHandle,
  ws: SeededWorkspace,
  plan: { tickets: number; pending: number; approved: number; denied: number; busyWaiting: number },
) {
  const db = handle.db;
  const [busy, other] = await seedMembers(db, ws.id, 2);
  const approvers = [{ type: 'member' as const, id: busy!.id }];
  const others = [{ type: 'member' as const, id: other!.id }];
  let made = 0;

  const kind = async (count: number, people: typeof approvers, decide?: 'approve' | 'deny') => {
    if (count <= 0) return;
    const ticket = await createTicket(api, ws);
    const approval = await requestApproval(api, ws, ticket.id, people);
    if (decide) {
      await api.call('POST', `/approvals/${approval.id}/decisions`, { decision: decide }, other!.token);
    }
    await cloneApprovals(db, ws.id, approval.id, count - 1);
    made += count;
  };
  await kind(plan.busyWaiting, approvers);
  await kind(plan.pending, others);
  await kind(plan.approved, others, 'approve');
  await kind(plan.denied, others, 'deny');

  const plain = await createTicket(api, ws, 'Printer on the 3rd floor is jammed');
  await cloneTickets(db, ws.id, plain.id, plan.tickets - made - 1, { variedSubjects: true });
  return { busy: busy! };
}

export async function seedScale(
  handle: DatabaseHandle,
  size: ScaleSize,
  log = console.log,
): Promise<ScaleSeed> {
  const t0 = performance.now();
  const api = await inProcessApi(handle);
  let measured: ScaleSeed['measured'] | null = null;
  const ticketsPer = Math.floor(size.tickets / size.workspaces);
  const approvalsPer = Math.floor(size.approvals / size.workspaces);
  for (let w = 0; w < size.workspaces; w++) {
    const ws = await seedWorkspace(api, `Scale ${w}`);
    const first = w === 0;
    // Workspace 0 takes the busy approver's waiting approvals on top of its share of the mix.
    const mixed = first ? Math.max(0, approvalsPer - size.busyWaiting) : approvalsPer;
    const extraTickets = w === size.workspaces - 1 ? size.tickets - ticketsPer * size.workspaces : 0;
    const { busy } = await fillWorkspace(api, handle, ws, {
      tickets: ticketsPer + extraTickets,
      busyWaiting: first ? size.busyWaiting : 0,
      pending: Math.round(mixed * 0.3),
      approved: Math.round(mixed * 0.5),
      denied: mixed - Math.round(mixed * 0.3) - Math.round(mixed * 0.5),
    });
    if (first) {
      // One ticket with three approvals, one of them canceled (hidden from the ticket, SPEC rule 7).
      const ticket = await createTicket(api, ws, 'Three approvals');
      const a = await requestApproval(api, ws, ticket.id, [{ type: 'member', id: busy.id }]);
      await api.call('POST', `/approvals/${a.id}/cancel`, undefined, ws.admin.token);
      await requestApproval(api, ws, ticket.id, [{ type: 'member', id: busy.id }], { type: 'any' }, 'Second');
      await requestApproval(api, ws, ticket.id, [{ type: 'member', id: busy.id }], { type: 'any' }, 'Third');
      measured = { workspaceId: ws.id, adminToken: ws.admin.token, busyApprover: busy, ticketId: ticket.id };
    }
    if (w % 10 === 9 || w === size.workspaces - 1)
      log(`  scale seed: ${w + 1}/${size.workspaces} workspaces`);
  }
  await api.close();
  await sql`ANALYZE`.execute(handle.db);
  const count = async (table: string) =>
    Number(
      (await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(handle.db)).rows[0]!.n,
    );
  return {
    size,
    seedMs: Math.round(performance.now() - t0),
    measured: measured!,
    counts: {
      tickets: await count('tickets'),
      approvals: await count('approvals'),
      assignments: await count('approval_assignments'),
      workspaces: await count('workspaces'),
    },
  };
}
