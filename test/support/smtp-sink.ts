import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';

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

/**
 * A real SMTP server for tests: smtp-server on 127.0.0.1, no TLS, no auth
 * required; each message parsed with mailparser. It can go down and come
 * back on the same port, and hold messages mid-transaction.
 *
 * The server runs on a thread of its own (./smtp-sink-thread.mjs) so that it answers as fast when the
 * test's thread is busy (a load's clients) as when it is idle. An email is posted to this thread just
 * before its 250, and every read of `messages`, `heldCount` or `aborted` first takes in whatever the
 * server thread posted: once a sender has its 250 (and, say, recorded the email as sent), the email is
 * in `messages`.
 */
export async function startSmtpSink(options: { port?: number } = {}): Promise<SmtpSink> {
  const messages: ReceivedEmail[] = [];
  const flags = new Int32Array(new SharedArrayBuffer(4));
  const { port1: events, port2: theirs } = new MessageChannel();
  const thread = new Worker(new URL('./smtp-sink-thread.mjs', import.meta.url), {
    workerData: { events: theirs, flags, port: options.port ?? 0 },
    transferList: [theirs],
  });
  let port = 0;
  let running = false;
  let heldCount = 0;
  let aborted = 0;
  let failure: Error | null = null;
  let nextId = 0;
  const replies = new Map<number, { resolve: (port: number) => void; reject: (e: Error) => void }>();

  type Event =
    | { type: 'email'; email: ReceivedEmail }
    | { type: 'state'; heldCount: number; aborted: number }
    | { type: 'reply'; id: number; port?: number; error?: string };
  const handle = (e: Event) => {
    if (e.type === 'email') messages.push(e.email);
    else if (e.type === 'state') {
      heldCount = e.heldCount;
      aborted = e.aborted;
    } else {
      const r = replies.get(e.id);
      replies.delete(e.id);
      if (replies.size === 0) events.unref();
      if (e.error !== undefined) r?.reject(new Error(e.error));
      else r?.resolve(e.port!);
    }
  };
  /** Takes in, synchronously, everything the server thread has posted so far. */
  const drain = () => {
    for (let m = receiveMessageOnPort(events); m; m = receiveMessageOnPort(events)) handle(m.message);
  };
  events.on('message', handle);
  const dead = (error: Error) => {
    failure = error;
    for (const r of replies.values()) r.reject(error);
    replies.clear();
  };
  thread.on('error', dead);
  thread.on('exit', (code) => dead(new Error(`smtp sink thread exited (${code})`)));
  // Neither keeps the process alive, except while a request waits for its answer (after the listeners,
  // since adding a 'message' listener refs a port again).
  events.unref();
  thread.unref();

  const request = (op: 'start' | 'stop' | 'release') =>
    new Promise<number>((resolve, reject) => {
      if (failure) return reject(failure);
      const id = nextId++;
      replies.set(id, { resolve, reject });
      events.ref();
      thread.postMessage({ op, id });
    }).then((p) => {
      drain();
      return p;
    });

  async function start(): Promise<void> {
    port = await request('start');
    running = true;
  }

  async function stop(): Promise<void> {
    running = false;
    await request('stop');
  }

  await start();

  const sink: SmtpSink = {
    get url() {
      return `smtp://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    get messages() {
      drain();
      return messages;
    },
    get aborted() {
      drain();
      return aborted;
    },
    get running() {
      return running;
    },
    get heldCount() {
      drain();
      return heldCount;
    },
    async waitFor(predicate, timeoutMs = 10_000, count = 1) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        drain();
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
      Atomics.store(flags, 0, 1);
    },
    async release() {
      Atomics.store(flags, 0, 0);
      await request('release');
    },
    clear() {
      drain();
      messages.length = 0;
    },
  };
  return sink;
}
