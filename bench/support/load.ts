/**
 * HTTP load with autocannon, from this process over loopback. Every response
 * time is kept so that p50/p95/p99 are exact (autocannon's own summary has no
 * p95), and status codes are counted so that a 5xx never hides in a rate.
 */

import autocannon from 'autocannon';

export type LoadResult = {
  connections: number;
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  statuses: Record<string, number>;
  errors: number;
  serverErrors: number;
};

export type LoadOptions = {
  url: string;
  connections: number;
  /** Stop after this many responses… */
  amount?: number;
  /** …or after this many seconds. */
  duration?: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Rewrites each request before it is sent (a new id, another token). */
  next?: (request: { path: string; headers: Record<string, string>; body?: string }) => void;
};

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function load(options: LoadOptions): Promise<LoadResult> {
  const times: number[] = [];
  const statuses: Record<string, number> = {};
  const target = new URL(options.url);
  const started = performance.now();
  const instance = autocannon({
    url: target.origin,
    connections: options.connections,
    pipelining: 1,
    timeout: 30,
    ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.duration ?? 10 }),
    requests: [
      {
        method: options.method ?? 'GET',
        path: target.pathname + target.search,
        headers: options.headers ?? {},
        ...(options.body !== undefined ? { body: options.body } : {}),
        ...(options.next
          ? {
              setupRequest: (request: any) => {
                options.next!(request);
                return request;
              },
            }
          : {}),
      },
    ],
  }) as unknown as autocannon.Instance & Promise<autocannon.Result>;
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    times.push(responseTime);
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
  });
  const result = await instance;
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  const serverErrors = Object.entries(statuses)
    .filter(([code]) => Number(code) >= 500)
    .reduce((sum, [, n]) => sum + n, 0);
  return {
    connections: options.connections,
    requests: times.length,
    seconds: round(seconds),
    requestsPerSecond: round(times.length / seconds, 1),
    p50Ms: round(percentile(times, 50)),
    p95Ms: round(percentile(times, 95)),
    p99Ms: round(percentile(times, 99)),
    maxMs: round(times[times.length - 1] ?? Number.NaN),
    statuses,
    errors: result.errors + result.timeouts,
    serverErrors,
  };
}
