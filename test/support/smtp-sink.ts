import type { Socket } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One email as the sink received and parsed it. */
export type ReceivedEmail = {
  /** With its angle brackets, as in the header: `<…@host>`. */
  messageId: string;
  /** Addresses of the `To:` header, lower-cased. */
  to: string[];
  /** The SMTP envelope's RCPT TO addresses, lower-cased. */
  envelopeTo: string[];
  subject: string;
  text: string;
  html: string;
  /** Header names lower-cased; structured values (addresses, dates) as mailparser gives them. */
  headers: Record<string, any>;
  receivedAt: number;
};

export type SmtpSink = {
  /** `smtp://127.0.0.1:<port>`, stable across stop/start. */
  url: string;
  port: number;
  /** Every email accepted so far, in arrival order. */
  readonly messages: ReceivedEmail[];
  /** Emails whose client vanished before the sink could answer 250: never accepted, so not in `messages`. */
  readonly aborted: number;
  /** Resolves with the first `count` emails matching `predicate` once they have arrived. */
  waitFor(
    predicate: (m: ReceivedEmail) => boolean,
    timeoutMs?: number,
    count?: number,
  ): Promise<ReceivedEmail[]>;
  /** Stops listening and drops every open connection at once: the mail server is down. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  readonly running: boolean;
  /** From now on, each email is held before the sink answers its DATA: the client waits. */
  hold(): void;
  /** How many emails are held now. */
  readonly heldCount: number;
  /** Answers the held emails (those whose client is gone are dropped) and stops holding. */
  release(): Promise<void>;
  clear(): void;
};

type Held = { sessionId: string; accept: () => void; drop: () => void };

/**
 * A real SMTP server for tests: smtp-server on 127.0.0.1, no TLS, no auth
 * required; each message parsed with mailparser. It can go down and come
 * back on the same port, and hold messages mid-transaction.
 */
export async function startSmtpSink(options: { port?: number } = {}): Promise<SmtpSink> {
  const messages: ReceivedEmail[] = [];
  const sockets = new Set<Socket>();
  const closedSessions = new Set<string>();
  let held: Held[] = [];
  let holding = false;
  let aborted = 0;
  let server: SMTPServer | null = null;
  let port = options.port ?? 0;

  const lower = (a: string) => a.toLowerCase();

  function create(): SMTPServer {
    const s = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      hideSTARTTLS: true,
      logger: false,
      closeTimeout: 100,
      size: 10 * 1024 * 1024,
      onClose(session) {
        closedSessions.add(session.id);
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('error', (e) => callback(e));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks);
          const envelopeTo = session.envelope.rcptTo.map((r) => lower(r.address));
          const accept = () => {
            simpleParser(raw)
              .then((parsed) => {
                const toHeader = parsed.to
                  ? (Array.isArray(parsed.to) ? parsed.to : [parsed.to]).flatMap((t) => t.value)
                  : [];
                const headers: Record<string, any> = {};
                for (const [k, v] of parsed.headers) headers[lower(k)] = v;
                messages.push({
                  messageId: parsed.messageId ?? '',
                  to: toHeader.map((a) => lower(a.address ?? '')),
                  envelopeTo,
                  subject: parsed.subject ?? '',
                  text: parsed.text ?? '',
                  html: typeof parsed.html === 'string' ? parsed.html : '',
                  headers,
                  receivedAt: Date.now(),
                });
                callback();
              })
              .catch((e) => callback(e));
          };
          if (!holding) return accept();
          held.push({
            sessionId: session.id,
            accept,
            drop: () => {
              aborted++;
            },
          });
        });
      },
    });
    s.on('error', () => {
      // A client that vanishes mid-command is not the sink's problem.
    });
    return s;
  }

  async function start(): Promise<void> {
    if (server) return;
    const s = create();
    s.server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      s.server.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        s.server.removeListener('error', reject);
        resolve();
      });
    });
    const address = s.server.address();
    if (address && typeof address === 'object') port = address.port;
    server = s;
  }

  async function stop(): Promise<void> {
    const s = server;
    if (!s) return;
    server = null;
    const closed = new Promise<void>((resolve) => s.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    await closed;
  }

  await start();

  const sink: SmtpSink = {
    get url() {
      return `smtp://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    messages,
    get aborted() {
      return aborted;
    },
    get running() {
      return server !== null;
    },
    get heldCount() {
      return held.length;
    },
    async waitFor(predicate, timeoutMs = 10_000, count = 1) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.filter(predicate);
        if (found.length >= count) return found.slice(0, count);
        if (Date.now() > deadline) {
          throw new Error(
            `smtp sink: ${found.length} of ${count} expected emails after ${timeoutMs} ms; received ${messages.length}: ${JSON.stringify(
              messages.map((m) => ({ to: m.to, subject: m.subject })),
            ).slice(0, 4000)}`,
          );
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    stop,
    start,
    hold() {
      holding = true;
    },
    async release() {
      holding = false;
      // Let the sockets of clients that died report their close (onClose runs on setImmediate after it).
      await new Promise((r) => setTimeout(r, 300));
      await new Promise((r) => setImmediate(r));
      const list = held;
      held = [];
      for (const h of list) {
        if (closedSessions.has(h.sessionId)) h.drop();
        else h.accept();
      }
    },
    clear() {
      messages.length = 0;
    },
  };
  return sink;
}
