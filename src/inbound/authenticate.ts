import { authenticate } from 'mailauth';
import { type DnsResolver, defaultDnsResolver } from '../shared/email/dns.js';
import type { AuthVerdict, MailAuthResults } from '../shared/email/inbound-message.js';
import type { InboundEnvelope } from './envelope.js';

const VERDICTS = new Set<AuthVerdict>([
  'pass',
  'fail',
  'softfail',
  'neutral',
  'none',
  'temperror',
  'permerror',
  'policy',
]);

const verdict = (value: unknown): AuthVerdict =>
  typeof value === 'string' && VERDICTS.has(value as AuthVerdict) ? (value as AuthVerdict) : 'none';

let fallbackResolver: DnsResolver | null = null;

/**
 * SPF, DKIM and DMARC of a message (mailauth). The client's IP and HELO come from the envelope only
 * (`trustReceived: false`: Received headers are written by whoever sent the message). A DNS failure is a
 * `temperror` result, and any other failure of the check is `temperror` too: authentication results are
 * kept with the message and read by reply-to-approve; they never refuse a delivery.
 */
export async function authenticateMessage(
  raw: Buffer,
  envelope: InboundEnvelope,
  fromAddress: string,
  options: { resolver?: DnsResolver | undefined; mta: string },
): Promise<MailAuthResults> {
  const fromDomain = fromAddress.slice(fromAddress.lastIndexOf('@') + 1).toLowerCase();
  fallbackResolver ??= defaultDnsResolver();
  const resolver = options.resolver ?? fallbackResolver;
  try {
    const result = await authenticate(raw, {
      ...(envelope.remoteAddress ? { ip: envelope.remoteAddress } : {}),
      ...(envelope.heloName ? { helo: envelope.heloName } : {}),
      ...(envelope.mailFrom ? { sender: envelope.mailFrom } : {}),
      mta: options.mta,
      trustReceived: false,
      disableArc: true,
      disableBimi: true,
      resolver: resolver as never,
    });
    const dkimResults = result.dkim?.results ?? [];
    const aligned = dkimResults.find((r) => r.status?.result === 'pass' && r.status?.aligned);
    const dkim = aligned ? 'pass' : verdict(dkimResults[0]?.status?.result);
    return {
      // Without the client's IP (the HTTP door) SPF cannot be evaluated: none.
      spf: envelope.remoteAddress && result.spf ? verdict(result.spf.status?.result) : 'none',
      dkim,
      dmarc: result.dmarc ? verdict(result.dmarc.status?.result) : 'none',
      fromDomain,
    };
  } catch {
    return { spf: 'temperror', dkim: 'temperror', dmarc: 'temperror', fromDomain };
  }
}
