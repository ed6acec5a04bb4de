/**
 * Contention: the 200 approvers of one `all` step answer at the same moment,
 * one HTTP connection each. Every answer queues on the approval's row lock;
 * the last one completes the approval.
 */

import { sql } from 'kysely';
import { benchDatabase, type Engine } from '../support/engine.js';
import { type LoadResult, load } from '../support/load.js';
import { createTicket, inProcessApi, requestApproval, seedMembers, seedWorkspace } from '../support/seed.js';

export type ContentionResult = {
  engine: Engine;
  approvers: number;
  rounds: {
    load: LoadResult;
    totalMs: number;
    decisionsRecorded: number;
    decisionActivities: number;
    status: string;
    completionEvents: number;
  }[];
};

export async function contention(
  engine: Engine,
  options: { approvers: number; rounds: number },
): Promise<ContentionResult> {
  const database = await benchDatabase(engine);
  const handle = await database.open();
  const api = await inProcessApi(handle);
  const ws = await seedWorkspace(api, 'Contention bench');
  const approvers = await seedMembers(handle.db, ws.id, options.approvers);
  const group = await api.call(
    'POST',
    '/approval-groups',
    { name: 'Everyone', memberIds: approvers.map((a) => a.id) },
    ws.admin.token,
  );
  const approvalIds: string[] = [];
  for (let r = 0; r < options.rounds; r++) {
    const ticket = await createTicket(api, ws, `Contention ${r}`);
    const approval = await requestApproval(api, ws, ticket.id, [{ type: 'group', id: group.id }], {
      type: 'all',
    });
    approvalIds.push(approval.id);
  }
  await api.close();
  await handle.close();

  const server = await database.serve();
  const loads: LoadResult[] = [];
  const totals: number[] = [];
  try {
    for (const approvalId of approvalIds) {
      let i = 0;
      const t0 = performance.now();
      loads.push(
        await load({
          url: `${server.url}/api/v1/approvals/${approvalId}/decisions`,
          method: 'POST',
          connections: options.approvers,
          amount: options.approvers,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ decision: 'approve' }),
          next: (request) => {
            request.headers.authorization = `Bearer ${approvers[i++ % approvers.length]!.token}`;
          },
        }),
      );
      totals.push(Math.round(performance.now() - t0));
    }
  } finally {
    await server.stop();
  }

  const check = await database.open();
  const rounds = [];
  for (const [r, approvalId] of approvalIds.entries()) {
    const decided = await sql<{ n: string }>`
      SELECT count(*) AS n FROM approval_assignments
      WHERE workspace_id = ${ws.id} AND approval_id = ${approvalId} AND decision IS NOT NULL`.execute(
      check.db,
    );
    const row = await check.db
      .selectFrom('approvals')
      .select('status')
      .where('workspace_id', '=', ws.id)
      .where('id', '=', approvalId)
      .executeTakeFirstOrThrow();
    const activities = await sql<{ n: string }>`
      SELECT count(*) AS n FROM activities
      WHERE workspace_id = ${ws.id} AND approval_id = ${approvalId} AND type = 'decision'`.execute(check.db);
    const completed = await sql<{ n: string }>`
      SELECT count(*) AS n FROM activities
      WHERE workspace_id = ${ws.id} AND approval_id = ${approvalId} AND type = 'completed'`.execute(check.db);
    rounds.push({
      load: loads[r]!,
      totalMs: totals[r]!,
      decisionsRecorded: Number(decided.rows[0]!.n),
      status: row.status,
      decisionActivities: Number(activities.rows[0]!.n),
      completionEvents: Number(completed.rows[0]!.n),
    });
    console.log(
      `  contention ${engine}: ${options.approvers} answers in ${totals[r]} ms, statuses ${JSON.stringify(loads[r]!.statuses)},` +
        ` ${decided.rows[0]!.n} recorded, approval ${row.status}`,
    );
  }
  await check.close();
  await database.drop();
  return { engine, approvers: options.approvers, rounds };
}
