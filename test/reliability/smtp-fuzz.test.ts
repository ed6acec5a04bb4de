import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../support/client.js';
import { engine } from '../support/database.js';
import { fakeResolver } from '../support/inbound.js';
import { startServer, type TestServer } from '../support/server.js';
import { rawEmail, rawSmtpSession, type SmtpReply, sendSmtp } from '../support/smtp-client.js';
import { newWorkspace } from '../support/workspace.js';
import { prng } from './support/load-seed.js';

/**
 * SPEC §8.2 under malformed mail: ~200 broken SMTP payloads (random bytes, truncated MIME, giant headers,
 * NUL bytes, bad encodings, garbage commands) sent to the listener over real SMTP. It must never crash,
 * always answer with an SMTP reply code, and never answer 451 (kept for database errors: a sender would
 * retry bad input forever); afterwards the server still answers /readyz and takes a good message.
 */

const SEED = Number(process.env.SMTP_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CASES = 200;
const DOMAIN = 'fuzz.test';

type Rand = () => number;
const int = (r: Rand, max: number) => Math.floor(r() * max);
const bytes = (r: Rand, n: number) => Buffer.from(Array.from({ length: n }, () => int(r, 256)));
const pick = <T>(r: Rand, items: readonly T[]) => items[int(r, items.length)]!;

const goodMessage = (to: string, i: number) =>
  rawEmail({
    from: `Fuzzy ${i} <fuzzy${i % 7}@sender.example>`,
    to,
    subject: `Fuzz ${i}`,
    text: 'Hello\nThis is a test with some text.',
    messageId: `fuzz-${SEED}-${i}@sender.example`,
  });

function multipart(to: string, i: number): string {
  return [
    `From: fuzzy@sender.example`,
    `To: ${to}`,
    `Subject: =?utf-8?B?${Buffer.from(`Pièce jointe ${i}`).toString('base64')}?=`,
    `Message-ID: <mp-${SEED}-${i}@sender.example>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="XYZ"',
    '',
    '--XYZ',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'Bonjour =C3=A9t=C3=A9',
    '--XYZ',
    'Content-Type: application/pdf; name="a.pdf"',
    'Content-Transfer-Encoding: base64',
    'Content-Disposition: attachment; filename="a.pdf"',
    '',
    Buffer.alloc(3000, 7).toString('base64').replace(/.{76}/g, '$&\r\n'),
    '--XYZ--',
    '',
  ].join('\r\n');
}

/** One broken DATA payload, of the kind `kind`. */
function payload(r: Rand, kind: string, to: string, i: number): Buffer {
  switch (kind) {
    case 'random bytes':
      return bytes(r, int(r, 4096));
    case 'truncated MIME': {
      const whole = multipart(to, i);
      return Buffer.from(whole.slice(0, int(r, whole.length)));
    }
    case 'giant header': {
      const big = 'A'.repeat(50_000 + int(r, 500_000));
      return Buffer.from(
        pick(r, [
          `Subject: ${big}\r\n${goodMessage(to, i)}`,
          `X-Long: ${big.replace(/(.{900})/g, '$1\r\n ')}\r\n${goodMessage(to, i)}`,
          `${Array.from({ length: 5000 }, (_, k) => `X-H${k}: v`).join('\r\n')}\r\n${goodMessage(to, i)}`,
          `References: ${Array.from({ length: 20_000 }, (_, k) => `<r${k}@x>`).join(' ')}\r\n${goodMessage(to, i)}`,
        ]),
      );
    }
    case 'NUL bytes': {
      const good = Buffer.from(pick(r, [goodMessage(to, i), multipart(to, i)]));
      for (let k = 0; k < 1 + int(r, 20); k++) good[int(r, good.length)] = 0;
      return good;
    }
    case 'bad encodings':
      return Buffer.from(
        pick(r, [
          goodMessage(to, i).replace('Content-Transfer-Encoding: 8bit', 'Content-Transfer-Encoding: base64'),
          goodMessage(to, i).replace('charset=utf-8', 'charset=x-no-such-charset'),
          goodMessage(to, i).replace(`Subject: Fuzz ${i}`, 'Subject: =?utf-8?B?####?= =?bogus?Q?=ZZ?='),
          multipart(to, i).replace('boundary="XYZ"', 'boundary=""'),
          multipart(to, i).replace('Bonjour =C3=A9t=C3=A9', 'Bonjour =ZZ=\r\n=C3'),
          Buffer.concat([
            Buffer.from(goodMessage(to, i).split('\r\n\r\n')[0]!),
            Buffer.from('\r\n\r\n'),
            bytes(r, 500),
          ]).toString('latin1'),
          goodMessage(to, i).replace(/From: [^\r]*/, 'From: "unterminated <@@>'),
          goodMessage(to, i).replace(/From: [^\r]*\r\n/, ''),
          goodMessage(to, i).replace(/Message-ID: [^\r]*/, `Message-ID: <${'x'.repeat(5000)}>`),
          '\r\n\r\n\r\n',
          '',
        ]),
        'latin1',
      );
    default:
      throw new Error(kind);
  }
}

/** Dot-stuffing (RFC 5321 §4.5.2), so that a payload line starting with `.` does not end DATA early. */
const stuffed = (data: Buffer) =>
  Buffer.from(data.toString('latin1').replace(/(^|\r\n)\./g, '$1..'), 'latin1');

let server: TestServer;
let address: string;

beforeAll(async () => {
  server = await startServer({
    env: { INBOUND_SMTP_PORT: '0', INBOUND_SMTP_HOST: '127.0.0.1', INBOUND_DOMAIN: DOMAIN },
    dnsResolver: fakeResolver(),
  });
  const api = client(server.url);
  const ws = await newWorkspace(api);
  address = (await api.get('/settings', { token: ws.admin.token })).body.inboundAddress;
}, 120_000);

afterAll(async () => {
  await server?.close();
});

describe(`SMTP listener under malformed mail (${engine})`, () => {
  it('SPEC §8.2 ~200 broken SMTP payloads: always an SMTP reply, never 451, never a crash; /readyz and a good message afterwards', async () => {
    console.log(`[smtp-fuzz] seed ${SEED} (replay with SMTP_FUZZ_SEED=${SEED})`);
    const r = prng(SEED);
    const kinds = [
      'random bytes',
      'truncated MIME',
      'giant header',
      'NUL bytes',
      'bad encodings',
      'commands',
    ];
    const replies: Record<string, number> = {};
    const bad: string[] = [];
    const check = (what: string, reply: SmtpReply) => {
      replies[reply.code] = (replies[reply.code] ?? 0) + 1;
      if (reply.code < 200 || reply.code > 599 || reply.code === 451)
        bad.push(`${what}: ${reply.text.slice(0, 200)}`);
    };
    for (let i = 0; i < CASES; i++) {
      const kind = kinds[i % kinds.length]!;
      const what = `#${i} ${kind}`;
      const session = await rawSmtpSession(server.smtpPort!);
      try {
        if (kind === 'commands') {
          const line = pick(r, [
            bytes(r, 1 + int(r, 200)),
            Buffer.from(`EHLO ${'a'.repeat(5000)}`),
            Buffer.from('MAIL FROM:<\0@x>'),
            Buffer.from(`RCPT TO:<${address}\0>`),
            Buffer.from('DATA'),
            Buffer.from('BDAT 10 LAST'),
            Buffer.from('AUTH PLAIN AGFhYQBhYWE='),
            Buffer.from('STARTTLS'),
            Buffer.from(`MAIL FROM:<a@b> SIZE=${'9'.repeat(40)}`),
          ]);
          // What is not a command line is still answered, or the connection closed (too many bad commands).
          const reply = await session
            .command(Buffer.concat([Buffer.from('EHLO fuzz.example\r\n')]))
            .then(() =>
              session.command(Buffer.concat([line.filter((b) => b !== 10 && b !== 13), Buffer.from('\r\n')])),
            )
            .catch((error: Error) => ({ code: 0, text: `no reply: ${error.message}` }));
          if (reply.code !== 0) check(what, reply);
          else bad.push(`${what}: ${reply.text}`);
          continue;
        }
        await session.command('EHLO fuzz.example\r\n');
        check(`${what} MAIL`, await session.command('MAIL FROM:<fuzzy@sender.example>\r\n'));
        check(`${what} RCPT`, await session.command(`RCPT TO:<${address}>\r\n`));
        const data = await session.command('DATA\r\n');
        if (data.code !== 354) {
          bad.push(`${what} DATA: ${data.text}`);
          continue;
        }
        const body = stuffed(payload(r, kind, address, i));
        const ends = body.length === 0 || body.subarray(-2).toString() === '\r\n';
        const reply = await session.command(
          Buffer.concat([body, Buffer.from(ends ? '.\r\n' : '\r\n.\r\n')]),
          30_000,
        );
        check(what, reply);
      } finally {
        session.close();
      }
    }
    console.log(`[smtp-fuzz] replies by code: ${JSON.stringify(replies)}`);
    expect(bad).toEqual([]);

    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    const good = await sendSmtp(server.smtpPort!, {
      from: 'after@sender.example',
      to: [address],
      raw: goodMessage(address, 10_000).replace('fuzzy', 'after'),
    });
    expect(good).toMatchObject({ ok: true });
  }, 600_000);
});
