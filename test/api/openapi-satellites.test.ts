import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { linkPage } from '../../src/approvals/links/schemas.js';
import { client } from '../support/client.js';
import { engine } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { newWorkspace } from '../support/workspace.js';

/**
 * Issue 13 item 1 for templates, groups, links, preview and tickets: every operation's answer is
 * described in the OpenAPI document under its real status code (201 for creations, 204 without a
 * body), by a named component where the shape is reused.
 */

let server: TestServer;
let doc: any;

beforeAll(async () => {
  server = await startServer();
  const res = await fetch(`${server.url}/api/v1/openapi.json`);
  expect(res.status).toBe(200);
  doc = await res.json();
});
afterAll(() => server?.close());

type Expected = [method: string, path: string, status: 200 | 201 | 204, component?: string];

const OPERATIONS: Expected[] = [
  ['post', '/approval-templates', 201, 'Template'],
  ['get', '/approval-templates', 200, 'TemplatePage'],
  ['get', '/approval-templates/{id}', 200, 'Template'],
  ['put', '/approval-templates/{id}', 200, 'Template'],
  ['patch', '/approval-templates/{id}', 200, 'Template'],
  ['delete', '/approval-templates/{id}', 204],
  ['post', '/approval-templates/preview', 200, 'TemplateDraftPreview'],
  ['post', '/tickets/{id}/approvals/preview', 200, 'TicketApprovalPreview'],
  ['post', '/approval-groups', 201, 'Group'],
  ['get', '/approval-groups', 200, 'GroupPage'],
  ['get', '/approval-groups/{id}', 200, 'Group'],
  ['patch', '/approval-groups/{id}', 200, 'Group'],
  ['delete', '/approval-groups/{id}', 204],
  ['get', '/approval-links/{token}', 200, 'LinkPage'],
  ['post', '/approval-links/{token}/decisions', 200, 'LinkDecisionResult'],
  ['post', '/approval-links/{token}/comments', 201, 'LinkComment'],
  ['post', '/approval-links/{token}/needs-info', 200, 'LinkPage'],
  ['post', '/tickets', 201, 'Ticket'],
  ['get', '/tickets', 200, 'TicketPage'],
  ['get', '/tickets/views', 200, 'TicketViewCounts'],
  ['post', '/tickets/bulk', 200, 'BulkTicketUpdate'],
  ['get', '/tickets/{id}', 200, 'TicketWithMessages'],
  ['patch', '/tickets/{id}', 200, 'Ticket'],
  ['get', '/tickets/{id}/messages', 200, 'TicketMessagePage'],
  ['post', '/tickets/{id}/messages', 201, 'TicketMessage'],
  ['get', '/tickets/{id}/activity', 200, 'ActivityPage'],
];

describe(`OpenAPI responses of templates, groups, links and tickets (${engine})`, () => {
  it.each(OPERATIONS)('%s %s answers %i with a response schema', (method, path, status, component) => {
    const operation = doc.paths?.[`/api/v1${path}`]?.[method];
    expect(operation, `${method} ${path} is in the document`).toBeDefined();
    const responses = operation.responses ?? {};
    // Its own status code only: no "200 Default Response" beside a 201 or a 204.
    expect(Object.keys(responses).filter((code) => code.startsWith('2'))).toEqual([String(status)]);
    const answer = responses[String(status)];
    if (status === 204) {
      expect(answer.content, 'a 204 has no body').toBeUndefined();
      return;
    }
    const schema = answer.content?.['application/json']?.schema;
    expect(schema, `${method} ${path} describes its ${status} body`).toBeDefined();
    expect(schema.$ref).toBe(`#/components/schemas/${component}`);
  });

  it('every operation of these modules is listed above', () => {
    const ours = /^\/api\/v1\/(approval-templates|approval-groups|approval-links|tickets)(\/|$)/;
    // The ticket's approvals (other than the preview) are the approvals module's; a message's file is
    // bytes, not JSON (checked below).
    const theirs = /^\/api\/v1\/tickets\/\{id\}\/(approvals|attachments\/\{attachmentId\})$/;
    const listed = new Set(OPERATIONS.map(([method, path]) => `${method} /api/v1${path}`));
    const inDocument = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, item]) =>
        ours.test(path) && !theirs.test(path)
          ? Object.keys(item)
              .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
              .map((m) => `${m} ${path}`)
          : [],
    );
    expect(inDocument.filter((op) => !listed.has(op))).toEqual([]);
  });

  it('SPEC §8.2: GET /tickets/{id}/attachments/{attachmentId} answers the file as a binary download', () => {
    const operation = doc.paths?.['/api/v1/tickets/{id}/attachments/{attachmentId}']?.get;
    expect(operation).toBeDefined();
    expect(Object.keys(operation.responses).filter((code) => code.startsWith('2'))).toEqual(['200']);
    expect(operation.responses['200'].content['application/octet-stream'].schema).toMatchObject({
      type: 'string',
      format: 'binary',
    });
  });

  it('the public response page names people by type and name only: no email, no person id, no form data', () => {
    // The serializer strips every key its schema does not name, so what the schema lacks never
    // reaches a link visitor, whatever a handler puts in the answer.
    const keys: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (!node || typeof node !== 'object') return;
      const properties = (node as { properties?: Record<string, unknown> }).properties;
      for (const [key, child] of Object.entries(properties ?? {})) {
        keys.push(`${path}.${key}`);
        walk(child, `${path}.${key}`);
      }
      for (const [key, child] of Object.entries(node)) {
        if (key !== 'properties') walk(child, path);
      }
    };
    walk(z.toJSONSchema(linkPage, { io: 'output', unrepresentable: 'any' }), '');
    expect(keys.filter((k) => /email|formdata|requesterid|assigneeid|token/i.test(k))).toEqual([]);
    // The only ids are the workspace's (for sign-in), the approval's and its comments'.
    expect(keys.filter((k) => /\.id$/.test(k)).sort()).toEqual(
      ['.approval.comments.id', '.approval.id', '.workspace.id'].sort(),
    );
  });
});

describe(`answers serialized by their schema (${engine})`, () => {
  it("a posted message answers like a listed one (author's name included); a contact's ticket carries no internal note", async () => {
    const api = client(server.url);
    const ws = await newWorkspace(api, {});
    const customer = await ws.contact('Cora Customer');
    const ticket = await ws.ticket(customer, { subject: 'Serialized' });
    const note = await api.post(
      `/tickets/${ticket.id}/messages`,
      { body: 'Internal only', public: false },
      { token: ws.admin.token },
    );
    expect(note.status, JSON.stringify(note.body)).toBe(201);
    const reply = await api.post(
      `/tickets/${ticket.id}/messages`,
      { body: 'From the customer', public: true },
      { token: customer.token },
    );
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    expect(reply.body.author).toEqual({ type: 'contact', id: customer.id, name: 'Cora Customer' });
    const listed = await api.get(`/tickets/${ticket.id}/messages`, { token: customer.token });
    expect(listed.status).toBe(200);
    expect(listed.body.items[0]).toEqual(reply.body);
    const seen = await api.get(`/tickets/${ticket.id}`, { token: customer.token });
    expect(seen.status).toBe(200);
    expect(JSON.stringify(seen.body)).not.toContain('Internal only');
    const activity = await api.get(`/tickets/${ticket.id}/activity`, { token: customer.token });
    expect(activity.status).toBe(200);
    expect(activity.body.items.map((a: { type: string }) => a.type)).toEqual([
      'ticket_created',
      'message_added',
    ]);
  });
});
