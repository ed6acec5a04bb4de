import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHttpError } from '../../src/approvals/service.js';
import { ANSWERED_ERROR_CODES, ERROR_CODES, type ErrorCode } from '../../src/shared/error-codes.js';
import {
  AppError,
  conflict,
  forbidden,
  invalid,
  notFound,
  problem,
  unauthorized,
} from '../../src/shared/errors.js';
import { expectProblem, expectStatus } from '../support/approvals.js';
import { client } from '../support/client.js';
import { engine } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { newWorkspace, PASSWORD, type Workspace } from '../support/workspace.js';

/**
 * Issue 13, "one contract": the OpenAPI document says what each operation answers (its success status
 * and shape, named components, the problem answers, the error-code table), and the answers are what it says.
 */

type Operation = { tags?: string[]; responses: Record<string, any> };
let server: TestServer;
let api: ReturnType<typeof client>;
let doc: any;
let ws: Workspace;

/** The modules whose routes this part of the issue gives response schemas (the others have their own tests). */
function operations(): Array<{ method: string; path: string; op: Operation }> {
  return Object.entries(doc.paths as Record<string, Record<string, Operation>>).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ method, path, op })),
  );
}

/** The 2xx answer of an operation has a schema (or is a 204, which has no body to describe). */
function hasSuccessSchema(op: Operation): boolean {
  const success = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
  if (success.length === 0) return false;
  return success.every(
    ([status, response]) =>
      status === '204' ||
      (response.description !== 'Default Response' &&
        // JSON for every answer but a file download (application/octet-stream, issue 14).
        Object.values(response.content ?? {}).some((media: any) => media?.schema !== undefined)),
  );
}

/** Resolves `$ref`s of the document, so shapes can be read. */
function resolve(schema: any): any {
  if (schema?.$ref) return resolve(doc.components.schemas[schema.$ref.split('/').pop()]);
  return schema;
}

beforeAll(async () => {
  server = await startServer();
  api = client(server.url);
  doc = (await api.get('/openapi.json')).body;
  ws = await newWorkspace(api, {});
});

afterAll(() => server?.close());

describe(`the HTTP contract in the OpenAPI document (${engine})`, () => {
  it('every operation of the document declares its success answer (issue 13: all of them)', () => {
    const all = operations();
    const withSchema = all.filter(({ op }) => hasSuccessSchema(op));
    console.log(
      `OpenAPI operations: ${all.length}; with a response schema for their success status: ${withSchema.length}`,
    );
    expect(all.length).toBeGreaterThanOrEqual(62);
    const missing = all
      .filter(({ op }) => !hasSuccessSchema(op))
      .map(({ method, path }) => `${method} ${path}`);
    expect(missing).toEqual([]);
  });

  it('status codes in the document are the ones answered: 201 creations, 202 requests taken, 204 sign-out', () => {
    const statuses = (method: string, path: string) =>
      Object.keys(doc.paths[`/api/v1${path}`][method].responses).filter((s) => /^2/.test(s));
    expect(statuses('post', '/signup')).toEqual(['201']);
    expect(statuses('post', '/members')).toEqual(['201']);
    expect(statuses('post', '/contacts')).toEqual(['201']);
    expect(statuses('post', '/members/{id}/invite')).toEqual(['202']);
    expect(statuses('post', '/auth/password-resets')).toEqual(['202']);
    expect(statuses('post', '/auth/sign-in-links')).toEqual(['202']);
    expect(statuses('post', '/auth/logout')).toEqual(['204']);
    expect(doc.paths['/api/v1/auth/logout'].post.responses['204'].content).toBeUndefined();
  });

  it('named shapes are components that operations refer to', () => {
    for (const name of ['Problem', 'Member', 'Contact', 'Me', 'Session', 'Settings', 'AuditEvent']) {
      expect(doc.components.schemas[name], name).toBeDefined();
    }
    const schemaOf = (method: string, path: string, status: string) =>
      doc.paths[`/api/v1${path}`][method].responses[status].content['application/json'].schema;
    expect(schemaOf('get', '/members/{id}', '200')).toEqual({ $ref: '#/components/schemas/Member' });
    expect(schemaOf('post', '/contacts', '201')).toEqual({ $ref: '#/components/schemas/Contact' });
    expect(schemaOf('get', '/me', '200')).toEqual({ $ref: '#/components/schemas/Me' });
    expect(schemaOf('get', '/settings', '200')).toEqual({ $ref: '#/components/schemas/Settings' });
    // A date is a date-time string in the answer.
    expect(doc.components.schemas.Member.properties.createdAt).toMatchObject({
      type: 'string',
      format: 'date-time',
    });
    const page = resolve(schemaOf('get', '/members', '200'));
    expect(page.properties.items.items).toEqual({ $ref: '#/components/schemas/Member' });
  });

  it('every operation lists its problem answers, an RFC 9457 Problem open to extension members', () => {
    for (const { method, path, op } of operations()) {
      for (const range of ['4XX', '5XX']) {
        expect(
          op.responses[range]?.content?.['application/problem+json']?.schema,
          `${method} ${path}`,
        ).toEqual({ $ref: '#/components/schemas/Problem' });
      }
    }
    const problemSchema = doc.components.schemas.Problem;
    expect(problemSchema.required).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'code', 'detail']),
    );
    expect(problemSchema.additionalProperties).not.toBe(false);
  });

  it('the error-code table is in the document: every code with its status, and Problem.code lists the answered ones', () => {
    const listed = doc['x-error-codes'];
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      expect(listed[code], code).toMatchObject({ status: entry.status, description: entry.description });
    }
    expect([...doc.components.schemas.Problem.properties.code.enum].sort()).toEqual(
      [...ANSWERED_ERROR_CODES].sort(),
    );
    expect(ANSWERED_ERROR_CODES.length).toBeGreaterThanOrEqual(20);
  });

  it('a code is always thrown with the status of the table', () => {
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
      expect(problem(code, 'x').status, code).toBe(ERROR_CODES[code].status);
      // Even a call site that writes another status cannot make the code answer with it.
      expect(new AppError(code, 'x').status, code).toBe(ERROR_CODES[code].status);
    }
    expect(notFound().status).toBe(404);
    expect(invalid('x', 'is bad').status).toBe(400);
    expect(forbidden().status).toBe(403);
    expect(forbidden('admins_only').status).toBe(403);
    expect(conflict('last_admin', 'x').status).toBe(409);
    expect(unauthorized().status).toBe(401);
    // The approval core's errors, as the API answers them: the table's code and status.
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
      if (
        !['already_decided', 'not_pending', 'reminder_too_soon', 'no_approvers', 'not_an_approver'].includes(
          code,
        )
      )
        continue;
      const error = toHttpError({ code: code as never, message: 'x' });
      expect(ANSWERED_ERROR_CODES, code).toContain(error.code);
      expect(error.status, code).toBe(ERROR_CODES[error.code].status);
    }
  });
});

describe(`answers match their schemas and carry no secret (${engine})`, () => {
  it('people, settings, me, sign-in and audit answers: every documented field, no password or token hash', async () => {
    const admin = ws.admin.token;
    const member = expectStatus(
      await api.post(
        '/members',
        { name: 'Mia Member', email: 'mia@example.test', role: 'agent', password: PASSWORD },
        { token: admin },
      ),
      201,
    );
    const contact = expectStatus(
      await api.post(
        '/contacts',
        { name: 'Carl Contact', email: 'carl@example.test', password: PASSWORD, organization: 'Acme' },
        { token: admin },
      ),
      201,
    );
    expect(Object.keys(member).sort()).toEqual([
      'active',
      'createdAt',
      'email',
      'id',
      'locale',
      'name',
      'role',
    ]);
    expect(Object.keys(contact).sort()).toEqual([
      'createdAt',
      'email',
      'id',
      'locale',
      'name',
      'organization',
    ]);
    expect(new Date(member.createdAt).toISOString()).toBe(member.createdAt);
    const contactLogin = expectStatus(
      await api.post('/auth/login', { workspaceId: ws.id, email: 'carl@example.test', password: PASSWORD }),
      200,
    );
    expect(Object.keys(contactLogin).sort()).toEqual(['principal', 'token']);
    const answers = [
      member,
      contact,
      contactLogin,
      expectStatus(await api.get('/members', { token: admin }), 200),
      expectStatus(await api.get(`/members/${member.id}`, { token: admin }), 200),
      expectStatus(await api.patch(`/members/${member.id}`, { active: false }, { token: admin }), 200),
      expectStatus(await api.get('/contacts', { token: admin }), 200),
      expectStatus(await api.get(`/contacts/${contact.id}`, { token: contactLogin.token }), 200),
      expectStatus(await api.patch(`/contacts/${contact.id}`, { locale: 'fr' }, { token: admin }), 200),
      expectStatus(await api.get('/me', { token: admin }), 200),
      expectStatus(await api.get('/me', { token: contactLogin.token }), 200),
      expectStatus(
        await api.patch(
          '/me',
          { password: 'another long one', currentPassword: PASSWORD },
          { token: contactLogin.token },
        ),
        200,
      ),
      expectStatus(await api.get('/settings', { token: contactLogin.token }), 200),
      expectStatus(await api.patch('/settings', { appealsEnabled: true }, { token: admin }), 200),
      expectStatus(await api.get('/audit-events', { token: admin }), 200),
    ];
    const me = answers[9];
    expect(me).toEqual({
      type: 'member',
      id: ws.admin.id,
      workspaceId: ws.id,
      name: 'Ada Admin',
      email: ws.admin.email,
      role: 'admin',
      locale: null,
      // SPEC §8.2: a member's email switches, on by default; a contact has none.
      notifications: { newTickets: true, customerReplies: true },
    });
    expect(answers[10]).not.toHaveProperty('role');
    expect(answers[10]).not.toHaveProperty('notifications');
    expect(answers[14].items.map((e: any) => e.kind)).toEqual(
      expect.arrayContaining(['member_deactivated', 'password_changed']),
    );
    const hashes = await server.database.handle.db
      .selectFrom('members')
      .select('password_hash')
      .where('workspace_id', '=', ws.id)
      .execute();
    const json = JSON.stringify(answers);
    for (const { password_hash } of hashes) if (password_hash) expect(json).not.toContain(password_hash);
    expect(json).not.toMatch(/argon2|password_?hash|token_?hash/i);
  });

  it('problem answers keep their members: errors of invalid_request, the code and status of the table', async () => {
    const res = await api.patch('/me', { password: 'a new long one' }, { token: ws.admin.token });
    expectProblem(res, 400, 'invalid_request');
    expect(res.body.errors).toEqual([
      { field: 'currentPassword', message: 'is required to change the password' },
    ]);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const refused = await api.patch(
      `/members/${ws.admin.id}`,
      { password: 'whatever it is' },
      { token: ws.admin.token },
    );
    expectProblem(refused, 403, 'password_self_service');
    expect(refused.body.title).toBe(ERROR_CODES.password_self_service.title);
  });
});
