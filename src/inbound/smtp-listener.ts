import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { parseInboundAddress } from '../shared/email/addresses.js';
import { AppError } from '../shared/errors.js';
import { type InboundDeps, type InboundEnvelope, type InboundOutcome, receiveInbound } from './receive.js';
import { findWorkspaceAddress } from './workspace-address.js';

/**
 * The SMTP door of inbound mail (SPEC §8.2): MX records (or a relay) point at it, it takes mail for the
 * workspace addresses only and hands each message to the one pipeline (`receiveInbound`).
 *
 * The reply codes are the contract with the sending MTA:
 * - a recipient that is not a workspace address: `550 5.1.1` at RCPT, before any data is sent;
 * - a message over the size limit: `552 5.3.4` (also the pipeline's `message_too_large`);
 * - a message the pipeline cannot read: `550 5.6.0`;
 * - anything else that fails (the database, mostly): `451 4.3.0`, so that the sender keeps the message and
 *   retries. The pipeline writes everything of a message in one transaction and drops a second delivery of
 *   a Message-ID, so a retry after a 451 is taken exactly once.
 */

/** 25 MiB of message (SPEC §8.2) plus what its transfer encoding and headers add around it. */
export const SMTP_MAX_MESSAGE_BYTES = 25 * 1024 * 1024 + 10 * 1024 * 1024;

export type SmtpLogger = {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
};

export type SmtpListenerOptions = {
  host: string;
  /** 0: any free port (tests); the bound one is `port` of the answer. */
  port: number;
  log: SmtpLogger;
  /** Announced with SIZE and enforced; tests lower it to send an oversized message quickly. */
  maxMessageBytes?: number;
  /** At most this many SMTP connections at once; more are refused with 421. */
  maxClients?: number;
  /** An idle connection (no command, no data) is closed after this long. */
  socketTimeoutMs?: number;
  /** On close, connections still open after this long are cut (a transaction in flight may finish first). */
  closeTimeoutMs?: number;
  /** The name in the banner and the EHLO answer. */
  name?: string;
};

export type SmtpListener = {
  port: number;
  close(): Promise<void>;
};

/** An SMTP reply for the sending MTA: the code, and a text that starts with its RFC 3463 status. */
class SmtpReply extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
  }
}

const unknownRecipient = () => new SmtpReply(550, '5.1.1 No such mailbox here');
const tooLarge = (limit: number) =>
  new SmtpReply(552, `5.3.4 Message too large (the limit is ${limit} bytes)`);
const malformed = () => new SmtpReply(550, '5.6.0 The message cannot be read as an RFC 5322 message');
const tryLater = () => new SmtpReply(451, '4.3.0 Temporary failure, please try again later');

/** How a failure of the pipeline answers: its verdicts on the message are final, anything else is retried. */
export function smtpReplyFor(error: unknown, maxMessageBytes: number): SmtpReply {
  if (error instanceof AppError && error.status < 500) {
    if (error.code === 'message_too_large') return tooLarge(maxMessageBytes);
    if (error.code === 'no_workspace_address') return unknownRecipient();
    return malformed();
  }
  return tryLater();
}

/** What a log line may say of a recipient: its kind, never its token (an approval reply token is a credential). */
function recipientKinds(addresses: string[], domain: string): string[] {
  return addresses.map((a) => parseInboundAddress(a, domain)?.kind ?? 'other');
}

export async function startSmtpListener(
  deps: InboundDeps,
  options: SmtpListenerOptions,
): Promise<SmtpListener> {
  const { log } = options;
  const domain = deps.config.inbound.domain;
  const maxMessageBytes = options.maxMessageBytes ?? SMTP_MAX_MESSAGE_BYTES;

  const server = new SMTPServer({
    name: options.name ?? domain,
    banner: 'Signoff inbound mail',
    // No AUTH: this door takes mail for our own addresses only, like any MX. No STARTTLS: no certificate is
    // configured for it (a relay in front terminates TLS when wanted; docs/decisions.md, issue 14).
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    // RFC 3463 codes are written into our reply texts (5.1.1, 5.3.4, 5.6.0, 4.3.0): the library's own mapping
    // would answer 552 as 5.2.2 (mailbox full) and every 550 as 5.1.1, so it is left off.
    hideENHANCEDSTATUSCODES: true,
    size: maxMessageBytes,
    maxClients: options.maxClients ?? 100,
    maxRecipients: 50,
    socketTimeout: options.socketTimeoutMs ?? 60_000,
    closeTimeout: options.closeTimeoutMs ?? 5_000,
    // A reverse DNS lookup per connection only slows the door down; nothing here uses the name.
    disableReverseLookup: true,
    logger: false,

    onRcptTo(address, session, callback) {
      // Only the slug decides (the pipeline's findWorkspaceAddress): whether a `+t`/`+a` token is known is the
      // pipeline's business, an unknown token still reaches the workspace.
      findWorkspaceAddress(deps.db, domain, [address.address]).then(
        (found) => callback(found ? null : unknownRecipient()),
        (error: unknown) => {
          log.warn({ err: error, smtpSession: session.id }, 'inbound SMTP recipient check failed');
          callback(tryLater());
        },
      );
    },

    onData(stream, session, callback) {
      readMessage(stream, maxMessageBytes).then(
        async (raw) => {
          const started = Date.now();
          const base = {
            smtpSession: session.id,
            remoteAddress: session.remoteAddress,
            recipients: recipientKinds(
              session.envelope.rcptTo.map((r) => r.address),
              domain,
            ),
            bytes: raw?.length ?? stream.byteLength,
          };
          if (!raw) {
            log.info({ ...base, outcome: 'message_too_large' }, 'inbound SMTP message refused');
            return callback(tooLarge(maxMessageBytes));
          }
          let result: InboundOutcome;
          try {
            result = await receiveInbound(deps, raw, envelopeOf(session));
          } catch (error) {
            const reply = smtpReplyFor(error, maxMessageBytes);
            const line = { ...base, outcome: 'refused', code: reply.responseCode, ms: Date.now() - started };
            if (reply.responseCode === 451) log.error({ ...line, err: error }, 'inbound SMTP message failed');
            else log.info({ ...line, reason: (error as AppError).code }, 'inbound SMTP message refused');
            return callback(reply);
          }
          log.info(
            {
              ...base,
              outcome: result.outcome,
              reason: result.reason,
              workspaceId: result.workspaceId,
              ticketId: result.ticketId,
              approvalId: result.approvalId,
              ms: Date.now() - started,
            },
            'inbound SMTP message taken',
          );
          // A dropped message (unknown sender refused, sender over its hourly limit) is accepted all the same:
          // a bounce would tell a spammer what we filter, and the sender's MTA would only retry it.
          callback(null, '2.6.0 Message accepted');
        },
        (error: unknown) => {
          log.warn({ err: error, smtpSession: session.id }, 'inbound SMTP message not received whole');
          callback(tryLater());
        },
      );
    },
  });

  server.on('error', (error) => log.error({ err: error }, 'inbound SMTP listener error'));

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.server.off('error', onError);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;
  log.info({ host: options.host, port }, 'inbound SMTP listener started');

  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function envelopeOf(session: SMTPServerSession): InboundEnvelope {
  const { mailFrom, rcptTo } = session.envelope;
  return {
    via: 'smtp',
    mailFrom: mailFrom ? mailFrom.address : null,
    // The domain in lower case, the local part as written: a `+a`/`+t` token is case-sensitive (base64url).
    rcptTo: rcptTo.map((r) => lowerDomain(r.address)),
    remoteAddress: session.remoteAddress,
    heloName: session.hostNameAppearsAs || null,
  };
}

function lowerDomain(address: string): string {
  const at = address.lastIndexOf('@');
  return at === -1 ? address : address.slice(0, at + 1) + address.slice(at + 1).toLowerCase();
}

/**
 * The whole message, or null when it went over the limit. The stream is always read to its end (the
 * client is still sending), but nothing beyond the limit is kept in memory.
 */
function readMessage(stream: SMTPServerDataStream, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let over = false;
    stream.on('data', (chunk: Buffer) => {
      if (over) return;
      length += chunk.length;
      if (length > maxBytes) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    stream.once('error', reject);
    stream.once('end', () => resolve(over || stream.sizeExceeded ? null : Buffer.concat(chunks, length)));
  });
}
