/**
 * Reads: `GET /api/v1/approvals/{id}` (a two-step approval with three
 * approvers on its first step, one of whom has answered, and two comments) and
 * `GET /api/v1/me/approval-tasks` of an approver with 50 approvals waiting,
 * against a hello-world route of the same framework in its own process,
 * measured under the same load in the same run.
 */

import { sql } from 'kysely';
import { helloWorld } from '../support/baselines.js';
import { benchDatabase, type Engine } from '../support/engine.js';
import { type LoadResult, load } from '../support/load.js';
import { cloneApprovals, createTicket, inProcessApi, seedMembers, seedWorkspace } from '../support/seed.js';

export type ReadsResult = {
  engine: Engine;
  connections: number;
  baseline: LoadResult;
  /** A route of the same framework that runs one `SELECT 1` (PostgreSQL only): the floor of a database read. */
  oneQuery: LoadResult | null;
  routes: { route: string; load: LoadResult; ratio: number; ratioToOneQuery: number | null }[];
};

export async function reads(
  engine: Engine,
  options: { connections: number; seconds: number },
): Promise<ReadsResult> {
  const database = await benchDatabase(engine);
  const handle = await database.open();
  const api = await inProcessApi(handle);
  const ws = await seedWorkspace(api, 'Reads bench');
  const [first, second, third] = await seedMembers(handle.db, ws.id, 3);
  const ticket = await createTicket(api, ws);
  const approval = await api.call(
    'POST',
    `/tickets/${ticket.id}/approvals`,
    {
      title: 'Approve a new laptop',
      description: 'A 14-inch laptop, about 1,400 EUR.',
      approvers: [
        { type: 'member', id: first!.id },
        { type: 'member', id: second!.id },
        { type: 'member', id: third!.id },
      ],
      rule: { type: 'min', count: 2 },
    },
    ws.admin.token,
  );
  await api.call(
    'POST',
    `/approvals/${approval.id}/comments`,
    { body: 'Which model exactly?' },
    first!.token,
  );
  await api.call('POST', `/approvals/${approval.id}/comments`, { body: 'The 14-inch one.' }, ws.admin.token);
  await api.call('POST', `/approvals/${approval.id}/decisions`, { decision: 'approve' }, first!.token);
  // 50 approvals waiting for `second`: copies of the one above.
  await cloneApprovals(handle.db, ws.id, approval.id, 49);
  // As autovacuum (PostgreSQL) or the server's own maintenance (PGlite) would have by then.
  await sql`ANALYZE`.execute(handle.db);
  await api.close();
  await handle.close();

  const { hello: baseline, oneQuery } = await helloWorld(
    options.connections,
    options.seconds,
    database.url ?? undefined,
  );
  const server = await database.serve();
  const routes: ReadsResult['routes'] = [];
  try {
    const targets = [
      {
        route: 'GET /api/v1/approvals/{id}',
        path: `/api/v1/approvals/${approval.id}`,
        token: ws.admin.token,
      },
      { route: 'GET /api/v1/me/approval-tasks', path: '/api/v1/me/approval-tasks', token: second!.token },
    ];
    for (const target of targets) {
      // A short warm-up so that the first compilations are not measured.
      await load({ url: server.url + target.path, connections: 2, amount: 200, headers: auth(target.token) });
      const result = await load({
        url: server.url + target.path,
        connections: options.connections,
        duration: options.seconds,
        headers: auth(target.token),
      });
      const ratio = Math.round((result.requestsPerSecond / baseline.requestsPerSecond) * 1000) / 1000;
      const ratioToOneQuery = oneQuery
        ? Math.round((result.requestsPerSecond / oneQuery.requestsPerSecond) * 1000) / 1000
        : null;
      routes.push({ route: target.route, load: result, ratio, ratioToOneQuery });
      console.log(
        `  reads ${engine} ${target.route}: ${result.requestsPerSecond}/s p50 ${result.p50Ms} ms p99 ${result.p99Ms} ms` +
          ` (statuses ${JSON.stringify(result.statuses)}) | hello world ${baseline.requestsPerSecond}/s → ratio ${ratio}` +
          (oneQuery ? ` | one-query route ${oneQuery.requestsPerSecond}/s → ratio ${ratioToOneQuery}` : ''),
      );
    }
  } finally {
    await server.stop();
    await database.drop();
  }
  return { engine, connections: options.connections, baseline, oneQuery, routes };
}

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
