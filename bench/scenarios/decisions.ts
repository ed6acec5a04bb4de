/**
 * Decisions: one approver approves distinct pending approvals (each `any` of
 * one step, so every answer completes its approval: the decision, its
 * activity rows, the ticket's approval status and the requester's outbox row,
 * in one transaction under the approval's row lock), at 1, 8 and 32 HTTP
 * connections. Baseline: pgbench's TPC-B-like script at the same client count.
 */

import { sql } from 'kysely';
import { pgbench, pgbenchDatabase, pgliteTpcb, type TpcbResult } from '../support/baselines.js';
import { benchDatabase, type Engine, PG_BASE } from '../support/engine.js';
import { type LoadResult, load } from '../support/load.js';
import {
  cloneApprovals,
  createTicket,
  inProcessApi,
  requestApproval,
  seedMembers,
  seedWorkspace,
} from '../support/seed.js';

export type DecisionsLevel = {
  connections: number;
  load: LoadResult;
  baseline: TpcbResult;
  /** Decisions/s over the baseline's transactions/s. */
  ratio: number;
};

export type DecisionsResult = {
  engine: Engine;
  levels: DecisionsLevel[];
  approvalsSeeded: number;
  decisionsRecorded: number;
  approvalsApproved: number;
};

export async function decisions(
  engine: Engine,
  options: { connections: number[]; perLevel: number; baselineSeconds: number },
): Promise<DecisionsResult> {
  const total = options.connections.length * options.perLevel;
  const database = await benchDatabase(engine);
  let ids: string[];
  let token: string;
  let workspaceId: string;
  {
    const handle = await database.open();
    const api = await inProcessApi(handle);
    const ws = await seedWorkspace(api, 'Decisions bench');
    workspaceId = ws.id;
    const [approver] = await seedMembers(handle.db, ws.id, 1);
    token = approver!.token;
    const ticket = await createTicket(api, ws);
    const proto = await requestApproval(api, ws, ticket.id, [{ type: 'member', id: approver!.id }]);
    ids = [proto.id, ...(await cloneApprovals(handle.db, ws.id, proto.id, total - 1, { returnIds: true }))];
    await sql`ANALYZE`.execute(handle.db);
    await api.close();
    await handle.close();
  }

  const pgb = engine === 'postgres' ? await pgbenchDatabase(PG_BASE, Math.max(...options.connections)) : null;
  const server = await database.serve();
  const levels: DecisionsLevel[] = [];
  try {
    let next = 0;
    for (const connections of options.connections) {
      const result = await load({
        url: `${server.url}/api/v1/approvals/x/decisions`,
        method: 'POST',
        connections,
        amount: options.perLevel,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ decision: 'approve', comment: 'Fine by me.' }),
        next: (request) => {
          request.path = `/api/v1/approvals/${ids[next++ % ids.length]}/decisions`;
        },
      });
      const baseline = pgb
        ? await pgbench(pgb.url, connections, options.baselineSeconds)
        : await pgliteTpcb(connections, options.baselineSeconds);
      levels.push({
        connections,
        load: result,
        baseline,
        ratio: Math.round((result.requestsPerSecond / baseline.tps) * 100) / 100,
      });
      console.log(
        `  decisions ${engine} c=${connections}: ${result.requestsPerSecond}/s p50 ${result.p50Ms} ms p99 ${result.p99Ms} ms` +
          ` (statuses ${JSON.stringify(result.statuses)}) | baseline ${baseline.tps} tps → ratio ${levels.at(-1)!.ratio}`,
      );
    }
  } finally {
    await server.stop();
    await pgb?.drop();
  }

  const handle = await database.open();
  const decided = await sql<{ n: string }>`
    SELECT count(*) AS n FROM approval_assignments WHERE workspace_id = ${workspaceId} AND decision IS NOT NULL`.execute(
    handle.db,
  );
  const approved = await sql<{ n: string }>`
    SELECT count(*) AS n FROM approvals WHERE workspace_id = ${workspaceId} AND status = 'approved'`.execute(
    handle.db,
  );
  await handle.close();
  await database.drop();
  return {
    engine,
    levels,
    approvalsSeeded: ids.length,
    decisionsRecorded: Number(decided.rows[0]!.n),
    approvalsApproved: Number(approved.rows[0]!.n),
  };
}
