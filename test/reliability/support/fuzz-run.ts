import type { Db } from '../../../src/shared/db/connect.js';
import type { FuzzCase } from './fuzz-cases.js';
import { type DbState, diffStates, snapshot } from './fuzz-db.js';

/** What one fuzzed request got back. */
export type Outcome = {
  c: FuzzCase;
  status: number;
  contentType: string | null;
  code: unknown;
  error?: string;
  retryAfter?: string | null;
};

export async function send(baseUrl: string, c: FuzzCase): Promise<Outcome> {
  const body = c.body?.();
  const init: RequestInit & { duplex?: 'half' } = {
    method: c.method,
    headers: c.headers,
    signal: AbortSignal.timeout(60_000),
  };
  if (body !== undefined) init.body = body as any;
  if (body instanceof ReadableStream) init.duplex = 'half';
  try {
    const res = await fetch(`${baseUrl}${c.url}`, init);
    const text = await res.text();
    const contentType = res.headers.get('content-type');
    let code: unknown;
    try {
      code = JSON.parse(text)?.code;
    } catch {
      code = undefined;
    }
    return { c, status: res.status, contentType, code, retryAfter: res.headers.get('retry-after') };
  } catch (error: any) {
    return {
      c,
      status: 0,
      contentType: null,
      code: undefined,
      error: String(error?.cause?.code ?? error?.message),
    };
  }
}

/** Runs `fn` over `items` with at most `limit` at a time, keeping the order of results. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      results[i] = await fn(items[i]!);
    }
  });
  await Promise.all(workers);
  return results;
}

export const describeCase = (c: FuzzCase) => `${c.method} ${c.url.slice(0, 160)} [${c.op} ${c.kind}]`;

/** Problems with one answer, whatever the request was. */
export function answerProblems(o: Outcome): string[] {
  const where = `${describeCase(o.c)} → ${o.status}`;
  const out: string[] = [];
  if (o.status === 0) out.push(`no answer: ${where} (${o.error})`);
  else if (o.status >= 500) out.push(`5xx: ${where} ${String(o.code)}`);
  else if (o.status >= 400) {
    if (!/^application\/problem\+json/.test(o.contentType ?? ''))
      out.push(`4xx without application/problem+json: ${where} (${o.contentType})`);
    else if (typeof o.code !== 'string' || o.code.length === 0) out.push(`problem without a code: ${where}`);
  } else if (o.c.expect === 'reject') {
    out.push(`accepted a request the contract refuses: ${where}`);
  }
  return out;
}

export type RunReport = {
  outcomes: Outcome[];
  problems: string[];
  /** Batches (or single requests) after which a refused request had changed rows. */
  changes: string[];
  batches: number;
};

/**
 * Requests the contract refuses, in batches sent `concurrency` at a time; the database is
 * compared before and after each batch (every request in it was refused, or it is a failure).
 */
export async function runRefusedInBatches(
  baseUrl: string,
  db: Db,
  cases: FuzzCase[],
  opts: { batchSize: number; concurrency: number },
): Promise<RunReport> {
  const report: RunReport = { outcomes: [], problems: [], changes: [], batches: 0 };
  for (let i = 0; i < cases.length; i += opts.batchSize) {
    const batch = cases.slice(i, i + opts.batchSize);
    const before = await snapshot(db);
    const outcomes = await pool(batch, opts.concurrency, (c) => send(baseUrl, c));
    const after = await snapshot(db);
    report.batches++;
    report.outcomes.push(...outcomes);
    for (const o of outcomes) report.problems.push(...answerProblems(o));
    const changed = diffStates(before, after);
    if (changed.length > 0) {
      const accepted = outcomes.filter((o) => o.status < 400).map((o) => describeCase(o.c));
      report.changes.push(
        `batch ${report.batches} (${batch.length} refused requests) changed ${changed.join(', ')}` +
          (accepted.length ? `; accepted in it: ${accepted.slice(0, 5).join(' | ')}` : ''),
      );
    }
  }
  return report;
}

/**
 * Requests the contract may accept, one at a time: after each one that was refused, the
 * database must be as it was before it.
 */
export async function runOneByOne(baseUrl: string, db: Db, cases: FuzzCase[]): Promise<RunReport> {
  const report: RunReport = { outcomes: [], problems: [], changes: [], batches: 0 };
  let before: DbState = await snapshot(db);
  for (const c of cases) {
    const o = await send(baseUrl, c);
    const after = await snapshot(db);
    report.outcomes.push(o);
    report.problems.push(...answerProblems(o));
    if (o.status >= 400) {
      const changed = diffStates(before, after);
      if (changed.length)
        report.changes.push(`${describeCase(c)} → ${o.status} changed ${changed.join(', ')}`);
    }
    before = after;
  }
  report.batches = cases.length;
  return report;
}

/** `{ "400": 1234, … }`, sorted. */
export function histogram<T>(items: T[], key: (t: T) => string): Record<string, number> {
  const h: Record<string, number> = {};
  for (const item of items) {
    const k = key(item);
    h[k] = (h[k] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(h).sort(([a], [b]) => (a < b ? -1 : 1)));
}
