// The SMTP sink's server (see smtp-sink.ts), on a thread of its own: smtp-server and mailparser off the
// test's event loop, which a load's clients keep busy. Each SMTP command needs a turn of the server's
// event loop and mailparser some twenty; on a busy loop every email waited seconds for its 250, and the
// sink, not the sender, set the pace of delivery.
//
// To the test thread, on `events` (one ordered channel, which it also reads synchronously):
//   { type: 'email', email }                    posted just before the 250 that accepts it
//   { type: 'state', heldCount, aborted }       after each change
//   { type: 'reply', id, port?, error? }        answers to { op: 'start' | 'stop' | 'release', id }
// `flags[0]` is 1 while the sink holds emails: set by the test thread, read here at each DATA.
import { parentPort, workerData } from 'node:worker_threads';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

const { events, flags } = workerData;
let port = workerData.port;
const sockets = new Set();
const closedSessions = new Set();
let held = [];
let aborted = 0;
let server = null;

const lower = (a) => a.toLowerCase();
const holding = () => Atomics.load(flags, 0) === 1;
const postState = () => events.postMessage({ type: 'state', heldCount: held.length, aborted });

function create() {
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
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
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
              const headers = {};
              for (const [k, v] of parsed.headers) headers[lower(k)] = v;
              // Known to the test thread before the client can learn it was accepted.
              events.postMessage({
                type: 'email',
                email: {
                  messageId: parsed.messageId ?? '',
                  to: toHeader.map((a) => lower(a.address ?? '')),
                  envelopeTo,
                  subject: parsed.subject ?? '',
                  text: parsed.text ?? '',
                  html: typeof parsed.html === 'string' ? parsed.html : '',
                  headers,
                  receivedAt: Date.now(),
                },
              });
              callback();
            })
            .catch((e) => callback(e));
        };
        if (!holding()) return accept();
        held.push({
          sessionId: session.id,
          accept,
          drop: () => {
            aborted++;
          },
        });
        postState();
      });
    },
  });
  s.on('error', () => {
    // A client that vanishes mid-command is not the sink's problem.
  });
  return s;
}

async function start() {
  if (server) return;
  const s = create();
  s.server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise((resolve, reject) => {
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

async function stop() {
  const s = server;
  if (!s) return;
  server = null;
  const closed = new Promise((resolve) => s.close(() => resolve()));
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await closed;
}

async function release() {
  // Let the sockets of clients that died report their close (onClose runs on setImmediate after it).
  await new Promise((r) => setTimeout(r, 300));
  await new Promise((r) => setImmediate(r));
  const list = held;
  held = [];
  for (const h of list) {
    if (closedSessions.has(h.sessionId)) h.drop();
    else h.accept();
  }
  postState();
}

const ops = { start, stop, release };

parentPort.on('message', async ({ op, id }) => {
  try {
    await ops[op]();
    events.postMessage({ type: 'reply', id, port });
  } catch (error) {
    events.postMessage({ type: 'reply', id, error: String(error?.stack ?? error) });
  }
});
