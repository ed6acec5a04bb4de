import { createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  approvalAssignment,
  approvalComment,
  approvalSchema,
  approvalStep,
  personSummary,
  taskSchema,
} from '../../src/approvals/view-schema.js';
import { type Client, client, type Response } from '../support/client.js';
import { engine } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { newWorkspace, type Person, type Workspace } from '../support/workspace.js';

/**
 * Issue 13 item 1 for the approvals module: every operation declares its
 * response (schema and status) in the OpenAPI document, and the replies go
 * through those schemas, which keep a contact's view free of members' data.
 */

let server: TestServer;
let api: Client;
let doc: any;

beforeAll(async () => {
  server = await startServer();
  api = client(server.url);
  doc = await (await fetch(`${server.url}/api/v1/openapi.json`)).json();
});
afterAll(() => server?.close());

/** The operations of src/approvals/routes.ts and the status each answers on success. */
const OPERATIONS: [method: string, path: string, status: string, schema: string | null][] = [
  ['post', '/api/v1/tickets/{id}/approvals', '201', 'Approval'],
  ['get', '/api/v1/tickets/{id}/approvals', '200', null],
  ['get', '/api/v1/approvals/{id}', '200', 'Approval'],
  ['post', '/api/v1/approvals/{id}/decisions', '200', 'Approval'],
  ['post', '/api/v1/approvals/{id}/comments', '201', 'ApprovalComment'],
  ['patch', '/api/v1/approvals/{id}/recipients', '200', 'Approval'],
  ['post', '/api/v1/approvals/{id}/reminders', '200', 'Approval'],
  ['post', '/api/v1/approvals/{id}/cancel', '200', 'Approval'],
  ['post', '/api/v1/approvals/{id}/appeal', '200', 'Approval'],
  ['post', '/api/v1/approvals/{id}/appeal/decisions', '200', 'Approval'],
  ['post', '/api/v1/approvals/{id}/needs-info', '200', 'Approval'],
  ['post', '/api/v1/approvals/{id}/info', '200', 'Approval'],
  ['get', '/api/v1/me/approval-tasks', '200', null],
];

describe('OpenAPI document: approvals responses', () => {
  it.each(OPERATIONS)('%s %s declares its %s response with a schema', (method, path, status, schema) => {
    const operation = doc.paths?.[path]?.[method];
    expect(operation, `${method} ${path}`).toBeDefined();
    // Only the success status named: a 201 route does not also claim 200.
    expect(Object.keys(operation.responses).filter((code) => /^2/.test(code))).toEqual([status]);
    const response = operation.responses[status];
    expect(response.description).not.toBe('Default Response');
    const body = response.content?.['application/json']?.schema;
    expect(body, JSON.stringify(response)).toBeDefined();
    if (schema) expect(body.$ref).toBe(`#/components/schemas/${schema}`);
    else expect(body.type).toBe('object');
  });

  it('lists and tasks are made of the named shapes', () => {
    const page = doc.paths['/api/v1/tickets/{id}/approvals'].get.responses['200'].content['application/json'];
    expect(page.schema.properties.items.items.$ref).toBe('#/components/schemas/Approval');
    const tasks = doc.paths['/api/v1/me/approval-tasks'].get.responses['200'].content['application/json'];
    expect(tasks.schema.properties.awaitingMe.items.$ref).toBe('#/components/schemas/ApprovalTask');
    expect(tasks.schema.properties.requestedByMe.items.$ref).toBe('#/components/schemas/ApprovalTask');
  });

  it('the shapes carry component names, and collecting them gives components.schemas.Approval etc.', () => {
    const named = [
      approvalSchema,
      approvalStep,
      approvalAssignment,
      approvalComment,
      taskSchema,
      personSummary,
    ];
    expect(named.map((s) => z.globalRegistry.get(s)?.id)).toEqual([
      'Approval',
      'ApprovalStep',
      'ApprovalAssignment',
      'ApprovalComment',
      'ApprovalTask',
      'PersonSummary',
    ]);
    // What app.ts's transformObject will do with the registry (wired by another change).
    const collect = createJsonSchemaTransformObject({});
    const withComponents: any = collect({ openapiObject: { openapi: '3.1.0' } } as any);
    const schemas = withComponents.components.schemas;
    expect(schemas.Approval.properties.steps.items.$ref).toBe('#/components/schemas/ApprovalStep');
    expect(schemas.ApprovalStep.properties.approvers.items.$ref).toBe(
      '#/components/schemas/ApprovalAssignment',
    );
    // Dates are written as ISO strings.
    expect(schemas.Approval.properties.createdAt).toMatchObject({ type: 'string', format: 'date-time' });
    // formData is members only: not required.
    expect(schemas.Approval.required).not.toContain('formData');
  });
});

describe(`approvals replies go through their schema (${engine})`, () => {
  let ws: Workspace;
  let agent: Person;
  let approver: Person;
  let contactApprover: Person;
  let requester: Person;
  let ticket: { id: string; number: number };

  async function ok(res: Promise<Response>, status = 200): Promise<Response> {
    const r = await res;
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    return r;
  }

  beforeAll(async () => {
    ws = await newWorkspace(api, { approvalsEnabled: true, contactsCanViewApprovals: true });
    agent = await ws.member();
    approver = await ws.member();
    contactApprover = await ws.contact();
    requester = await ws.contact();
    ticket = await ws.ticket(requester);
  });

  it("rule 3: a contact's reply carries no internal comment, internal decision comment nor form data", async () => {
    const created = await ok(
      api.post(
        `/tickets/${ticket.id}/approvals`,
        {
          title: 'Buy a laptop',
          approvers: [
            { type: 'member', id: approver.id },
            { type: 'contact', id: contactApprover.id },
          ],
          rule: { type: 'all' },
          formData: { budget: 'SECRET-FORM' },
        },
        { token: agent.token },
      ),
      201,
    );
    const approvalId = created.body.id;
    await ok(
      api.post(
        `/approvals/${approvalId}/decisions`,
        { decision: 'approve', comment: 'SECRET-DECISION', internal: true },
        { token: approver.token },
      ),
    );
    await ok(
      api.post(
        `/approvals/${approvalId}/comments`,
        { body: 'SECRET-NOTE', internal: true },
        { token: agent.token },
      ),
      201,
    );
    await ok(
      api.post(`/approvals/${approvalId}/comments`, { body: 'Public note' }, { token: agent.token }),
      201,
    );

    // A member's view keeps all of it: the schema strips nothing members are meant to see.
    const member = await ok(api.get(`/approvals/${approvalId}`, { token: agent.token }));
    expect(member.body.formData).toEqual({ budget: 'SECRET-FORM' });
    expect(member.body.comments.map((c: any) => [c.body, c.internal])).toEqual([
      ['SECRET-NOTE', true],
      ['Public note', false],
    ]);
    const memberAnswer = member.body.steps[0].approvers.find((a: any) => a.id === approver.id);
    expect(memberAnswer).toMatchObject({ comment: 'SECRET-DECISION', commentInternal: true });
    expect(member.body.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    // Every reply a contact gets: the approval, the ticket's list, and their own decision's answer.
    const contactReplies = [
      await ok(api.get(`/approvals/${approvalId}`, { token: contactApprover.token })),
      await ok(api.get(`/tickets/${ticket.id}/approvals`, { token: requester.token })),
      await ok(
        api.post(
          `/approvals/${approvalId}/decisions`,
          { decision: 'approve' },
          { token: contactApprover.token },
        ),
      ),
    ];
    for (const reply of contactReplies) {
      const text = JSON.stringify(reply.body);
      expect(text).not.toContain('SECRET');
      expect(text).not.toContain('formData');
      const views = reply.body.items ?? [reply.body];
      expect(views).toHaveLength(1);
      for (const view of views) {
        expect(view.comments.map((c: any) => [c.body, c.internal])).toEqual([['Public note', false]]);
        const answer = view.steps[0].approvers.find((a: any) => a.id === approver.id);
        expect(answer).toMatchObject({ decision: 'approve', comment: null, commentInternal: false });
      }
    }
    expect(contactReplies[2]!.body.status).toBe('approved');
  });

  it('a replayed Idempotency-Key answers the first answer again, its dates read back from JSON', async () => {
    const created = await ok(
      api.post(
        `/tickets/${ticket.id}/approvals`,
        { title: 'Replay', approvers: [{ type: 'member', id: approver.id }] },
        { token: agent.token },
      ),
      201,
    );
    const decide = () =>
      api.post(
        `/approvals/${created.body.id}/decisions`,
        { decision: 'approve' },
        { token: approver.token, headers: { 'idempotency-key': `replay-${created.body.id}` } },
      );
    const first = await ok(decide());
    const again = await ok(decide());
    expect(again.body).toEqual(first.body);
    expect(again.body.steps[0].approvers[0].decidedAt).toMatch(/Z$/);
  });

  it('tasks: dates as ISO strings and the approval statuses of the schema', async () => {
    const tasks = await ok(api.get('/me/approval-tasks', { token: agent.token }));
    expect(tasks.body.requestedByMe.length).toBeGreaterThan(0);
    for (const task of tasks.body.requestedByMe) {
      expect(task.createdAt).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
      expect(task.requestedBy).toEqual({ type: 'member', id: agent.id, name: agent.name });
    }
  });
});
