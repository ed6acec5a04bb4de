import { connect, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import nodemailer from 'nodemailer';

/** What the SMTP server answered to one message sent with nodemailer: accepted (250) or refused with a code. */
export type SmtpResult =
  | { ok: true; response: string; accepted: string[]; rejected: string[] }
  | { ok: false; responseCode: number | undefined; response: string; command: string | undefined };

/**
 * Sends one message over real SMTP with nodemailer (no TLS, no auth: the inbound door offers neither).
 * `raw` is the whole RFC 5322 message (a string, a Buffer or a stream read while DATA is under way).
 */
export async function sendSmtp(
  port: number,
  message: { from: string; to: string[]; raw: string | Buffer | Readable },
): Promise<SmtpResult> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    connectionTimeout: 10_000,
    socketTimeout: 30_000,
  });
  try {
    const info = await transport.sendMail({
      envelope: { from: message.from, to: message.to },
      raw: message.raw,
    });
    return {
      ok: true,
      response: info.response,
      accepted: (info.accepted as string[]).map(String),
      rejected: (info.rejected as string[]).map(String),
    };
  } catch (error) {
    const e = error as { responseCode?: number; response?: string; command?: string; message: string };
    return { ok: false, responseCode: e.responseCode, response: e.response ?? e.message, command: e.command };
  } finally {
    transport.close();
  }
}

/** A plain RFC 5322 message (CRLF line ends), with the headers given. */
export function rawEmail(options: {
  from: string;
  to: string;
  subject: string;
  text: string;
  messageId: string;
  headers?: Record<string, string>;
}): string {
  const lines = [
    `From: ${options.from}`,
    `To: ${options.to}`,
    `Subject: ${options.subject}`,
    `Message-ID: <${options.messageId}>`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    ...Object.entries(options.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    '',
    ...options.text.split('\n'),
    '',
  ];
  return lines.join('\r\n');
}

/**
 * A hand-driven SMTP session over a socket, for what nodemailer will not send (a message without SIZE that
 * goes over the limit, random bytes as DATA). `command` writes bytes and resolves with the next complete reply.
 */
export async function rawSmtpSession(port: number): Promise<{
  greeting: SmtpReply;
  command(bytes: string | Buffer, timeoutMs?: number): Promise<SmtpReply>;
  close(): void;
}> {
  const socket: Socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  let buffer = '';
  let waiter: ((reply: SmtpReply | null) => void) | null = null;
  let closed = false;
  const tryTake = () => {
    if (!waiter) return;
    const reply = takeReply();
    if (reply) {
      const w = waiter;
      waiter = null;
      w(reply);
    } else if (closed) {
      const w = waiter;
      waiter = null;
      w(null);
    }
  };
  // A complete reply: lines `ddd-…` then a final `ddd …`.
  const takeReply = (): SmtpReply | null => {
    const lines: string[] = [];
    let rest = buffer;
    for (;;) {
      const end = rest.indexOf('\r\n');
      if (end === -1) return null;
      const line = rest.slice(0, end);
      rest = rest.slice(end + 2);
      lines.push(line);
      if (/^\d{3}( |$)/.test(line)) {
        buffer = rest;
        return { code: Number(line.slice(0, 3)), text: lines.join('\n') };
      }
    }
  };
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    tryTake();
  });
  socket.on('close', () => {
    closed = true;
    tryTake();
  });
  const next = (timeoutMs: number) =>
    new Promise<SmtpReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiter = null;
        reject(new Error(`no SMTP reply within ${timeoutMs} ms`));
      }, timeoutMs);
      waiter = (reply) => {
        clearTimeout(timer);
        if (reply) resolve(reply);
        else reject(new Error('connection closed without a reply'));
      };
      tryTake();
    });
  const greeting = await next(10_000);
  return {
    greeting,
    command(bytes, timeoutMs = 10_000) {
      const reply = next(timeoutMs);
      socket.write(bytes);
      return reply;
    },
    close() {
      socket.destroy();
    },
  };
}

export type SmtpReply = { code: number; text: string };
