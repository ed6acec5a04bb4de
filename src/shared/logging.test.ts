import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loggerOptions, MASK, maskSecrets, serializeError } from './logging.js';

const SECRET = 'Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5';

/** Issue 12 items 2 and 5: what the log serializers keep of URLs and errors. */
describe('maskSecrets (issue 12 item 2)', () => {
  it.each([
    [`/api/v1/approval-links/${SECRET}/comments`, `/api/v1/approval-links/${MASK}/comments`],
    [`/respond/${SECRET}?lang=fr`, `/respond/${MASK}?lang=fr`],
    [`/sign-in/link/${SECRET}`, `/sign-in/link/${MASK}`],
    [`/portal/sign-in/${SECRET}`, `/portal/sign-in/${MASK}`],
    [`/set-password/${SECRET}?invitation=1`, `/set-password/${MASK}?invitation=1`],
    [`/api/v1/x?a=1&token=${SECRET}&b=2`, `/api/v1/x?a=1&token=${MASK}&b=2`],
    [`/api/v1/x?resetToken=${SECRET}`, `/api/v1/x?resetToken=${MASK}`],
    [
      `failed to fetch http://h/respond/${SECRET}: timeout`,
      `failed to fetch http://h/respond/${MASK}: timeout`,
    ],
  ])('%s', (input, expected) => {
    expect(maskSecrets(input)).toBe(expected);
  });

  it('leaves paths without secrets alone', () => {
    expect(maskSecrets('/api/v1/tickets/7d1c?limit=20')).toBe('/api/v1/tickets/7d1c?limit=20');
  });
});

describe('serializeError (issue 12 item 5)', () => {
  it('keeps what finds the bug and drops the SQL, its parameters and the row values', () => {
    const error = Object.assign(new Error('new row for relation "tickets" violates check constraint "c"'), {
      code: '23514',
      constraint: 'c',
      table: 'tickets',
      detail: `Failing row contains (${SECRET}, private body).`,
      query: 'insert into "tickets" ("subject", "body") values ($1, $2)',
      params: [SECRET, 'private body'],
      where: 'SQL statement',
    });
    const out = serializeError(error) as Record<string, unknown>;
    expect(out).toMatchObject({ type: 'Error', code: '23514', constraint: 'c', table: 'tickets' });
    expect(JSON.stringify(out)).not.toContain(SECRET);
    expect(JSON.stringify(out)).not.toContain('private body');
    expect(JSON.stringify(out)).not.toContain('insert into');
  });

  it('masks the value quoted by "invalid input syntax", in the message and the stack', () => {
    const error = new Error(`invalid input syntax for type uuid: "${SECRET}"`);
    const out = serializeError(error) as { message: string; stack: string };
    expect(out.message).toBe(`invalid input syntax for type uuid: "${MASK}"`);
    expect(out.stack).not.toContain(SECRET);
  });

  it('serializes the cause the same way', () => {
    const cause = Object.assign(new Error('boom'), { params: [SECRET] });
    const out = serializeError(new Error(`GET /respond/${SECRET} failed`, { cause })) as {
      message: string;
      cause: Record<string, unknown>;
    };
    expect(out.message).toBe(`GET /respond/${MASK} failed`);
    expect(out.cause).toMatchObject({ message: 'boom' });
    expect(JSON.stringify(out)).not.toContain(SECRET);
  });

  it("the worker's logger (pino with loggerOptions) applies both to objects and messages", () => {
    let written = '';
    const stream = new Writable({
      write(chunk, _encoding, done) {
        written += chunk.toString();
        done();
      },
    });
    const log = pino(loggerOptions('info'), stream);
    log.error(
      { err: Object.assign(new Error('x'), { params: [SECRET] }) },
      `sending /set-password/${SECRET}`,
    );
    expect(written).toContain(`/set-password/${MASK}`);
    expect(written).not.toContain(SECRET);
  });
});
