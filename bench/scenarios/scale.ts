/**
 * Scale: after seeding millions of rows (see support/scale-seed.ts), the
 * three reads a helpdesk does all day, one connection at a time so that the
 * figure is the request's own latency: the ticket list filtered by approval
 * status, the approval tasks of an approver with thousands waiting, and one
 * ticket's approvals.
 */

import { CompiledQuery, sql } from 'kysely';
import type { Principal } from '../../src/auth/principal.js';
import type { DatabaseHandle } from '../../src/shared/db/connect.js';
import { ticketListQuery } from '../../src/tickets/repo.js';
import { benchDatabase, type Engine } from '../support/engine.js';
import { type LoadResult, load } from '../support/load.js';
import { type ScaleSeed, type ScaleSize, seedScale } from '../support/scale-seed.js';

export type ScaleResult = {
  engine: Engine;
  seed: Omit<ScaleSeed, 'measured'>;
  routes: { route: string; load: LoadResult; itemsOnFirstPage: number }[];
  /** Issue 15: EXPLAIN ANALYZE of the statement each search runs (the same builder as GET /tickets?q=). */
  searchPlans: { q: string; plan: string; usesSearchIndex: boolean }[];
};

/**
 * The searches measured (SPEC §8.3, issue 15), over the copies' subjects (support/seed.ts): a rare word, a
 * word in 1 subject in 40, two words (both must match), a word being typed (prefix), and the requester's name,
 * which every ticket of the workspace matches (the worst case: everything matches, all must be ranked).
 */
export const SEARCHES = [
  { q: 'kerberos', label: 'a rare word' },
  { q: 'printer', label: 'a word in 1 subject in 40' },
  { q: 'laptop crashing', label: 'two words' },
  { q: 'subscr', label: 'a word being typed' },
  { q: 'casey', label: "the requester's name (every ticket matches)" },
];

/** EXPLAIN (ANALYZE) of the statement `GET /tickets?q=` runs for the workspace's admin, first page. */
async function explainSearch(handle: DatabaseHandle, principal: Principal, q: string) {
  const compiled = ticketListQuery(handle.db, principal, {
    q,
    sort: 'rank',
    order: 'desc',
    after: null,
    limit: 25,
  }).compile();
  const { rows } = await handle.db.executeQuery<{ 'QUERY PLAN': string }>(
    CompiledQuery.raw(`EXPLAIN (ANALYZE, COSTS OFF) ${compiled.sql}`, [...compiled.parameters]),
  );
  const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
  return { q, plan, usesSearchIndex: plan.includes('tickets_search_idx') };
}

export async function scale(
  engine: Engine,
  options: { size: ScaleSize; seconds: number },
): Promise<ScaleResult> {
  const database = await benchDatabase(engine);
  const handle = await database.open();
  const seed = await seedScale(handle, options.size);
  const admin = await sql<Principal>`
    SELECT 'member' AS type, workspace_id AS "workspaceId", id, role, name, email, NULL AS locale
    FROM members WHERE workspace_id = ${seed.measured.workspaceId} AND role = 'admin' LIMIT 1`.execute(
    handle.db,
  );
  const searchPlans = [];
  for (const search of SEARCHES) searchPlans.push(await explainSearch(handle, admin.rows[0]!, search.q));
  await handle.close();
  console.log(
    `  scale ${engine}: seeded ${seed.counts.tickets} tickets, ${seed.counts.approvals} approvals in ${seed.counts.workspaces} workspaces (${seed.seedMs} ms)`,
  );

  const server = await database.serve();
  const m = seed.measured;
  const routes: ScaleResult['routes'] = [];
  try {
    const targets = [
      {
        route: 'GET /api/v1/tickets?approvalStatus=pending',
        path: '/api/v1/tickets?approvalStatus=pending',
        token: m.adminToken,
        items: (b: any) => b.items.length,
      },
      {
        route: `GET /api/v1/me/approval-tasks (${options.size.busyWaiting} waiting)`,
        path: '/api/v1/me/approval-tasks',
        token: m.busyApprover.token,
        items: (b: any) => b.awaitingMe.length,
      },
      {
        route: "GET /api/v1/tickets/{id}/approvals (a ticket's approvals)",
        path: `/api/v1/tickets/${m.ticketId}/approvals`,
        token: m.adminToken,
        items: (b: any) => b.items.length,
      },
      ...SEARCHES.map((search) => ({
        route: `GET /api/v1/tickets?q=${search.q} (${search.label})`,
        path: `/api/v1/tickets?q=${encodeURIComponent(search.q)}`,
        token: m.adminToken,
        items: (b: any) => b.items.length,
      })),
    ];
    for (const target of targets) {
      const headers = { authorization: `Bearer ${target.token}` };
      const first = await fetch(server.url + target.path, { headers });
      if (first.status !== 200) throw new Error(`${target.route}: ${first.status} ${await first.text()}`);
      const itemsOnFirstPage = target.items(await first.json());
      await load({ url: server.url + target.path, connections: 1, amount: 100, headers });
      const result = await load({
        url: server.url + target.path,
        connections: 1,
        duration: options.seconds,
        headers,
      });
      routes.push({ route: target.route, load: result, itemsOnFirstPage });
      console.log(
        `  scale ${engine} ${target.route}: p50 ${result.p50Ms} ms p95 ${result.p95Ms} ms p99 ${result.p99Ms} ms` +
          ` (${result.requests} requests, ${itemsOnFirstPage} items, statuses ${JSON.stringify(result.statuses)})`,
      );
    }
  } finally {
    await server.stop();
    await database.drop();
  }
  const { measured: _, ...rest } = seed;
  return { engine, seed: rest, routes, searchPlans };
}
