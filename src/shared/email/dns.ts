import { promises as dns } from 'node:dns';

/**
 * The DNS lookups SPF, DKIM and DMARC need (mailauth's `resolver` option): `(name, rrtype)` answered like
 * node's `dns.promises.resolve`. Injectable (AppOptions.dnsResolver) so tests answer from a table instead
 * of a network the machine may not have.
 */
export type DnsResolver = (name: string, rrtype: string) => Promise<unknown>;

/** Each lookup gives up after this: a slow DNS server must not hold an inbound delivery. */
export const DNS_TIMEOUT_MS = 3000;

/**
 * Node's resolver with one try and a short timeout. A timeout is an `ETIMEOUT` error, which mailauth
 * turns into a `temperror` result (never a thrown error of the pipeline).
 */
export function defaultDnsResolver(timeoutMs = DNS_TIMEOUT_MS): DnsResolver {
  const resolver = new dns.Resolver({ timeout: timeoutMs, tries: 1 });
  return (name, rrtype) =>
    withTimeout(resolver.resolve(name, rrtype) as Promise<unknown>, timeoutMs + 500, name);
}

function withTimeout<T>(promise: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`DNS lookup of ${name} timed out`), { code: 'ETIMEOUT' })),
      ms,
    );
  });
  promise.catch(() => {});
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
