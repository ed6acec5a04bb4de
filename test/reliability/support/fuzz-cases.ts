import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { MAX_BODY_DEPTH } from '../../../src/shared/http/input.js';
import { contactRef, groupRef, memberRef } from '../../support/approvals.js';
import { INBOUND_SECRET } from '../../support/inbound.js';
import { PASSWORD } from '../../support/workspace.js';
import type { FuzzFixture } from './fuzz-fixture.js';
import {
  clone,
  DELETE,
  nodes,
  ONE_MIB,
  type Schema,
  sample,
  setAt,
  toJson,
  uuidNodes,
  validate,
  variants,
} from './fuzz-schema.js';

/** One operation of the OpenAPI document. */
export type Operation = {
  key: string;
  method: string;
  path: string;
  bodySchema: Schema | null;
  params: Array<{ in: string; name: string; schema: Schema; required?: boolean }>;
};

/** A valid request for an operation, which the fuzzer then breaks one way at a time. */
export type Baseline = {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
  /** The bearer to send; null for the public routes, which are called without one. */
  token: string | null;
  /** Answers without a session (bad bearers are ignored, so a broken bearer is not a refusal). */
  isPublic?: boolean;
  /** Valid variants of it change or end the fixture (cancel, delete): sent last. */
  destructive?: boolean;
};

export type Expectation = 'reject' | 'any';

export type FuzzCase = {
  op: string;
  kind: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: () => string | Buffer | ReadableStream<Uint8Array>;
  /** `reject`: malformed per the published contract, so it must be refused (4xx) and change nothing. */
  expect: Expectation;
  destructive: boolean;
};

export function operationsOf(doc: any): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths ?? {})) {
    if (path.startsWith('/docs')) continue;
    for (const [method, op] of Object.entries<any>(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const key = `${method.toUpperCase()} ${path}`;
      out.push({
        key,
        method: method.toUpperCase(),
        path,
        bodySchema: op.requestBody?.content?.['application/json']?.schema ?? null,
        params: op.parameters ?? [],
      });
    }
  }
  return out;
}

/** Hand-written valid requests, one or more per operation, made of the fixture's real ids. */
export function baselines(fx: FuzzFixture): Record<string, Baseline[]> {
  const m = fx.mine;
  const admin = m.ws.admin.token;
  const ref = memberRef(m.approver);
  const stepBody = {
    name: 'Fuzzed template',
    description: 'desc',
    allowAppeals: true,
    appealReviewers: [memberRef(m.ws.admin), groupRef({ id: m.group })],
    steps: [
      {
        name: 'One',
        approvers: [
          ref,
          contactRef(m.contactApprover),
          groupRef({ id: m.group }),
          { type: 'ticket_requester' },
        ],
        rule: { type: 'min', count: 1 },
      },
      {
        name: 'Two',
        approvers: [{ type: 'ticket_assignee' }, { type: 'ticket_contacts' }],
        rule: { type: 'all' },
      },
    ],
    expireAfterHours: 48,
  };
  const v1 = '/api/v1';
  return {
    [`POST ${v1}/signup`]: [
      {
        token: null,
        isPublic: true,
        body: {
          workspaceName: 'Fuzz Inc',
          name: 'Fuzz Founder',
          email: 'founder@example.test',
          password: PASSWORD,
        },
      },
    ],
    [`POST ${v1}/auth/login`]: [
      {
        token: null,
        isPublic: true,
        body: { workspaceId: m.ws.id, email: m.targetMember.email, password: PASSWORD, session: 'token' },
      },
    ],
    [`POST ${v1}/auth/logout`]: [{ token: fx.mine.throwaway, destructive: true }],
    [`GET ${v1}/auth/csrf`]: [{ token: null, isPublic: true }],
    [`GET ${v1}/me`]: [{ token: admin }],
    [`POST ${v1}/auth/sign-in-links`]: [
      {
        token: null,
        isPublic: true,
        body: { workspaceId: m.ws.id, email: m.stranger.email, next: '/portal/tickets' },
      },
    ],
    [`POST ${v1}/auth/sign-in-links/redeem`]: [
      { token: null, isPublic: true, body: { token: fx.links.dead['random-43'] } },
    ],
    [`PATCH ${v1}/me`]: [{ token: admin, body: { name: 'Fuzz Admin', locale: 'en' } }],
    [`POST ${v1}/auth/password-resets`]: [
      { token: null, isPublic: true, body: { workspaceId: m.ws.id, email: m.stranger.email } },
    ],
    [`POST ${v1}/auth/password-resets/redeem`]: [
      { token: null, isPublic: true, body: { token: fx.links.dead['random-43'], password: PASSWORD } },
    ],
    [`GET ${v1}/audit-events`]: [{ token: admin, query: { limit: '10' } }],
    [`POST ${v1}/members/{id}/invite`]: [{ token: admin, params: { id: m.targetMember.id } }],
    [`GET ${v1}/settings`]: [{ token: admin }],
    [`PATCH ${v1}/settings`]: [
      {
        token: admin,
        destructive: true,
        body: {
          approvalsEnabled: true,
          contactsCanViewApprovals: true,
          appealsEnabled: true,
          contactApprovalEmails: true,
          approvalLinkTtlHours: 168,
          defaultLocale: 'en',
          autoRemindAfterHours: null,
          maxAutoReminders: 3,
        },
      },
    ],
    [`POST ${v1}/members`]: [
      {
        token: admin,
        body: {
          name: 'New Member',
          email: 'new-member@example.test',
          role: 'agent',
          password: PASSWORD,
          locale: 'fr',
        },
      },
    ],
    [`GET ${v1}/members`]: [{ token: admin, query: { limit: '10' } }],
    [`GET ${v1}/members/{id}`]: [{ token: admin, params: { id: m.targetMember.id } }],
    [`PATCH ${v1}/members/{id}`]: [
      {
        token: admin,
        params: { id: m.targetMember.id },
        body: { name: 'Fuzz Target', role: 'agent', locale: 'en' },
      },
    ],
    [`POST ${v1}/contacts`]: [
      {
        token: admin,
        body: { name: 'New Contact', email: 'new-contact@example.test', locale: 'en', organization: 'Org' },
      },
    ],
    [`GET ${v1}/contacts`]: [{ token: admin, query: { limit: '10' } }],
    [`GET ${v1}/contacts/{id}`]: [{ token: admin, params: { id: m.targetContact.id } }],
    [`PATCH ${v1}/contacts/{id}`]: [
      {
        token: admin,
        params: { id: m.targetContact.id },
        body: { name: 'Fuzz Target Contact', organization: 'Org', locale: 'fr' },
      },
    ],
    [`POST ${v1}/tickets`]: [
      {
        token: admin,
        body: {
          subject: 'Fuzzed ticket',
          body: 'Body',
          requesterId: m.requester.id,
          contactIds: [m.contactApprover.id],
          assigneeId: m.agent.id,
        },
      },
      { token: m.requester.token, body: { subject: 'Portal ticket', body: 'From the portal' } },
    ],
    [`GET ${v1}/tickets`]: [
      { token: admin, query: { limit: '10', status: 'open', approvalStatus: 'pending' } },
      {
        token: admin,
        query: {
          q: 'laptop "new one" -printer',
          assigneeId: 'me',
          priority: 'high',
          tag: 'vip',
          sort: 'priority',
          order: 'asc',
        },
      },
      { token: admin, query: { view: 'needs_my_approval', sort: 'updated', limit: '5' } },
      { token: m.requester.token, query: { q: 'laptop' } },
    ],
    [`GET ${v1}/tickets/views`]: [{ token: admin }],
    [`POST ${v1}/tickets/bulk`]: [
      {
        token: admin,
        body: {
          ids: [m.ticket.id, '00000000-0000-4000-8000-000000000000'],
          set: { status: 'open', assigneeId: m.agent.id, priority: 'urgent', addTags: ['vip', 'billing'] },
        },
      },
    ],
    [`GET ${v1}/tickets/{id}`]: [{ token: admin, params: { id: m.ticket.id } }],
    [`PATCH ${v1}/tickets/{id}`]: [
      {
        token: admin,
        params: { id: m.ticket.id },
        body: {
          subject: 'Need a laptop',
          status: 'open',
          assigneeId: m.agent.id,
          contactIds: [m.contactApprover.id],
          priority: 'high',
          tags: ['vip'],
        },
      },
    ],
    [`POST ${v1}/tickets/{id}/messages`]: [
      { token: admin, params: { id: m.ticket.id }, body: { body: 'A message', public: true } },
      {
        token: m.requester.token,
        params: { id: m.ticket.id },
        body: { body: 'From the customer', public: true },
      },
    ],
    [`GET ${v1}/tickets/{id}/activity`]: [
      { token: admin, params: { id: m.ticket.id }, query: { limit: '10' } },
    ],
    [`GET ${v1}/tickets/{id}/messages`]: [
      { token: admin, params: { id: m.ticket.id }, query: { limit: '10' } },
      { token: m.requester.token, params: { id: m.ticket.id } },
    ],
    [`POST ${v1}/approval-groups`]: [
      {
        token: admin,
        body: { name: 'Fuzzed group', memberIds: [m.approver.id], contactIds: [m.contactApprover.id] },
      },
    ],
    [`GET ${v1}/approval-groups`]: [{ token: admin, query: { limit: '10' } }],
    [`GET ${v1}/approval-groups/{id}`]: [{ token: admin, params: { id: m.targetGroup } }],
    [`PATCH ${v1}/approval-groups/{id}`]: [
      {
        token: admin,
        params: { id: m.targetGroup },
        body: { name: 'Fuzz target group', memberIds: [m.agent.id], contactIds: [] },
      },
    ],
    [`DELETE ${v1}/approval-groups/{id}`]: [
      { token: admin, params: { id: m.targetGroup }, destructive: true },
    ],
    [`POST ${v1}/approval-templates`]: [{ token: admin, body: stepBody }],
    [`GET ${v1}/approval-templates`]: [{ token: admin, query: { limit: '10' } }],
    [`GET ${v1}/approval-templates/{id}`]: [{ token: admin, params: { id: m.targetTemplate } }],
    [`PUT ${v1}/approval-templates/{id}`]: [
      { token: admin, params: { id: m.targetTemplate }, body: stepBody },
    ],
    [`DELETE ${v1}/approval-templates/{id}`]: [
      { token: admin, params: { id: m.targetTemplate }, destructive: true },
    ],
    [`POST ${v1}/tickets/{id}/approvals`]: [
      {
        token: m.agent.token,
        params: { id: m.ticket.id },
        body: {
          title: 'Fuzzed approval',
          description: 'Please',
          approvers: [
            ref,
            contactRef(m.contactApprover),
            groupRef({ id: m.group }),
            { type: 'ticket_requester' },
          ],
          rule: { type: 'min', count: 2 },
          onBehalfOf: contactRef(m.requester),
          formData: {
            cost: 1200,
            currency: 'EUR',
            lines: [{ item: 'laptop', qty: 1 }],
            urgent: true,
            note: null,
          },
        },
      },
      {
        token: m.agent.token,
        params: { id: m.ticket.id },
        body: { templateId: m.template, title: 'From template' },
      },
    ],
    [`GET ${v1}/tickets/{id}/approvals`]: [
      { token: admin, params: { id: m.ticket.id }, query: { limit: '10' } },
    ],
    [`GET ${v1}/approvals/{id}`]: [{ token: admin, params: { id: m.pending } }],
    [`POST ${v1}/approvals/{id}/decisions`]: [
      {
        token: admin,
        params: { id: m.pending },
        headers: { 'idempotency-key': 'fuzz-key-1' },
        body: { decision: 'approve', comment: 'Looks fine' },
      },
    ],
    [`POST ${v1}/approvals/{id}/comments`]: [
      { token: m.agent.token, params: { id: m.pending }, body: { body: 'More info please', internal: true } },
      { token: m.contactApprover.token, params: { id: m.pending }, body: { body: 'From the contact' } },
    ],
    [`PATCH ${v1}/approvals/{id}/recipients`]: [
      {
        token: m.agent.token,
        destructive: true,
        params: { id: m.pending },
        body: {
          add: [memberRef(m.targetMember), groupRef({ id: m.group })],
          remove: [contactRef(m.stranger)],
        },
      },
    ],
    [`POST ${v1}/approvals/{id}/reminders`]: [
      { token: m.agent.token, destructive: true, params: { id: m.pending }, body: { approver: ref } },
    ],
    [`POST ${v1}/approvals/{id}/cancel`]: [
      { token: m.agent.token, destructive: true, params: { id: m.pending } },
    ],
    [`POST ${v1}/approvals/{id}/appeal`]: [
      {
        token: m.agent.token,
        destructive: true,
        params: { id: m.denied },
        body: { reason: 'Please reconsider' },
      },
    ],
    [`POST ${v1}/approvals/{id}/appeal/decisions`]: [
      {
        token: admin,
        destructive: true,
        params: { id: m.denied },
        body: { decision: 'approve', comment: 'OK' },
      },
    ],
    // Asking moves the shared approval to needs_info (destructive); the answer then finds it waiting.
    [`POST ${v1}/approvals/{id}/needs-info`]: [
      {
        token: m.agent.token,
        destructive: true,
        params: { id: m.pending },
        body: { question: 'Which cost centre?' },
      },
    ],
    [`POST ${v1}/approvals/{id}/info`]: [
      {
        token: m.agent.token,
        destructive: true,
        params: { id: m.pending },
        body: { answer: 'Cost centre 42' },
      },
    ],
    [`POST ${v1}/approval-links/{token}/needs-info`]: [
      {
        token: null,
        isPublic: true,
        destructive: true,
        params: { token: fx.links.active },
        body: { question: 'Which cost centre?' },
      },
    ],
    [`GET ${v1}/me/approval-tasks`]: [{ token: m.approver.token, query: { limit: '10' } }],
    [`GET ${v1}/approval-links/{token}`]: [
      { token: null, isPublic: true, params: { token: fx.links.active } },
    ],
    [`POST ${v1}/approval-links/{token}/decisions`]: [
      {
        token: null,
        isPublic: true,
        params: { token: fx.links.active },
        body: { decision: 'approve', comment: 'Via link' },
      },
    ],
    [`POST ${v1}/approval-links/{token}/comments`]: [
      {
        token: null,
        isPublic: true,
        params: { token: fx.links.active },
        body: { body: 'A question via link' },
      },
    ],
    [`GET ${v1}/outbox/dead`]: [{ token: admin, query: { limit: '10' } }],
    [`POST ${v1}/outbox/{id}/retry`]: [{ token: admin, params: { id: m.outbox } }],
    [`GET ${v1}/dev/mailbox`]: [{ token: null, isPublic: true }],
    [`POST ${v1}/dev/mailbox/inbound`]: [
      {
        token: null,
        isPublic: true,
        body: {
          from: 'fuzz-sender@example.test',
          to: fx.inboundAddress,
          subject: 'Printer on fire',
          text: 'It is on fire.',
        },
      },
    ],
    // The door's bearer is INBOUND_SECRET, not a session; its body is a raw message, not JSON (the
    // body-node cases do not apply: the fuzzer's requests carry none, which is malformed_message).
    [`POST ${v1}/inbound/email`]: [
      { token: INBOUND_SECRET, isPublic: true, headers: { 'content-type': 'message/rfc822' } },
    ],
    [`GET ${v1}/tickets/{id}/attachments/{attachmentId}`]: [
      { token: admin, params: { id: m.ticket.id, attachmentId: m.attachment } },
    ],
  };
}

/** A valid request made from the schema alone, for an operation nobody wrote a baseline for. */
export function fallbackBaseline(op: Operation, token: string): Baseline {
  const params: Record<string, string> = {};
  for (const p of op.params) if (p.in === 'path') params[p.name] = randomUUID();
  return {
    token,
    params,
    ...(op.bodySchema ? { body: sample(op.bodySchema) } : {}),
  };
}

const b64 = (s: string) => Buffer.from(s).toString('base64url');

/** Depth of nesting of a JSON value (a scalar is 0). */
function depth(v: unknown): number {
  if (v === null || typeof v !== 'object') return 0;
  let d = 0;
  const stack: Array<[unknown, number]> = [[v, 1]];
  while (stack.length) {
    const [node, level] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    d = Math.max(d, level);
    for (const child of Object.values(node)) stack.push([child, level + 1]);
  }
  return d;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function badText(root: unknown): boolean {
  const bad = (s: string) => s.includes('\u0000') || LONE_SURROGATE.test(s);
  const stack: unknown[] = [root];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (bad(v)) return true;
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    for (const [key, child] of Object.entries(v)) {
      if (bad(key) || key === '__proto__') return true;
      if (key === 'constructor' && child !== null && typeof child === 'object' && 'prototype' in child)
        return true;
      stack.push(child);
    }
  }
  return false;
}

/**
 * Whether the published contract (the OpenAPI schema, plus the documented input rules: JSON
 * only, at most 1 MiB, no NUL or lone surrogates, no prototype keys, bounded nesting) refuses
 * this body text.
 */
export function contractRefuses(schema: Schema | null, text: string): boolean {
  if (Buffer.byteLength(text) > ONE_MIB) return true;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return true;
  }
  if (depth(parsed) > MAX_BODY_DEPTH || badText(parsed)) return true;
  return schema ? !validate(schema, parsed) : false;
}

function urlOf(op: Operation, base: Baseline, params: Record<string, string>, query: string): string {
  let path = op.path;
  for (const p of op.params.filter((x) => x.in === 'path')) {
    path = path.replace(`{${p.name}}`, params[p.name] ?? base.params?.[p.name] ?? randomUUID());
  }
  return query ? `${path}?${query}` : path;
}

const queryOf = (q: Record<string, string> | undefined) => new URLSearchParams(q ?? {}).toString();

type Gen = {
  fx: FuzzFixture;
  seed: number;
  /** Random but reproducible choices (seeded). */
  rand: () => number;
};

function fullwidth(s: string): string {
  return [...s]
    .map((c) => (/[0-9a-f]/.test(c) ? String.fromCodePoint(c.codePointAt(0)! + 0xfee0) : c))
    .join('');
}

/** All the ids of the other workspace, and ids of this one of another kind than the path wants. */
function foreignIds(fx: FuzzFixture): Array<[string, string]> {
  const t = fx.theirs.ids;
  return [
    ['their-member', t.member],
    ['their-contact', t.contact],
    ['their-ticket', t.ticket],
    ['their-approval', t.approval],
    ['their-group', t.group],
    ['their-template', t.template],
    ['their-outbox', t.outbox],
    ['their-workspace', fx.theirs.ws.id],
    ['their-admin', fx.theirs.ws.admin.id],
  ];
}

function mineOfOtherKind(fx: FuzzFixture, path: string): Array<[string, string]> {
  const m = fx.mine;
  const all: Array<[string, string, string]> = [
    ['members', 'my-member', m.targetMember.id],
    ['contacts', 'my-contact', m.targetContact.id],
    ['tickets', 'my-ticket', m.ticket.id],
    ['approvals', 'my-approval', m.pending],
    ['approval-groups', 'my-group', m.group],
    ['approval-templates', 'my-template', m.template],
    ['outbox', 'my-outbox', m.outbox],
  ];
  const own = path.split('/')[3];
  return all.filter(([kind]) => kind !== own).map(([, name, id]) => [name, id]);
}

/** Systematic and random malformed requests for one operation. */
export function casesFor(op: Operation, base: Baseline, gen: Gen, randomPerOp: number): FuzzCase[] {
  const { fx } = gen;
  const out: FuzzCase[] = [];
  const destructive = base.destructive ?? false;
  const authHeaders = (token: string | null): Record<string, string> =>
    token ? { authorization: `Bearer ${token}` } : {};
  const baseHeaders = { ...authHeaders(base.token), ...base.headers };
  const baseQuery = queryOf(base.query);
  const baseBodyText = base.body === undefined ? undefined : toJson(base.body);
  const jsonHeaders = (h: Record<string, string>) =>
    baseBodyText === undefined ? h : { 'content-type': 'application/json', ...h };
  const add = (c: Omit<FuzzCase, 'op' | 'method' | 'destructive'> & { destructive?: boolean }) =>
    out.push({ op: op.key, method: op.method, destructive, ...c });
  const bodyThunk = baseBodyText === undefined ? undefined : () => baseBodyText;
  const url = (params: Record<string, string> = {}, query = baseQuery) => urlOf(op, base, params, query);

  // 1. The body, node by node.
  if (op.bodySchema && base.body !== undefined) {
    let huge = 0;
    for (const v of variants(op.bodySchema, base.body)) {
      if (v.kind.includes('1MiB') && huge++ >= 4) continue;
      const text = () => toJson(setAt(base.body, v.path, v.value));
      const once = text();
      add({
        kind: `body:${v.kind}`,
        url: url(),
        headers: jsonHeaders(baseHeaders),
        body: once.length > 64 * 1024 ? text : () => once,
        expect: contractRefuses(op.bodySchema, once) ? 'reject' : 'any',
      });
    }
    // Ids of the other workspace, made-up ids, in every id field.
    for (const node of uuidNodes(op.bodySchema, base.body)) {
      const candidates: Array<[string, string]> = [
        ...foreignIds(fx),
        ['random', randomUUID()],
        ['nil', '00000000-0000-0000-0000-000000000000'],
        ['max', 'ffffffff-ffff-ffff-ffff-ffffffffffff'],
      ];
      for (const [name, id] of candidates) {
        const once = toJson(setAt(base.body, node.path, id));
        add({
          kind: `body-id:${name}`,
          url: url(),
          headers: jsonHeaders(baseHeaders),
          body: () => once,
          // A public route may legitimately accept any id (a sign-in link for an unknown workspace is 202).
          // A bulk update answers 200 with a `404` result for each unknown ticket (SPEC §8.6).
          expect:
            base.isPublic || (op.key.endsWith('/tickets/bulk') && node.path[0] === 'ids') ? 'any' : 'reject',
        });
      }
    }
    // Whole-body garbage.
    const raw: Array<[string, string | Buffer]> = [
      ['empty', ''],
      ['open-brace', '{'],
      ['null', 'null'],
      ['true', 'true'],
      ['string', '"body"'],
      ['number', '42'],
      ['array', '[]'],
      ['array-of-body', `[${baseBodyText}]`],
      ['single-quotes', "{'a': 1}"],
      ['trailing-comma', '{"a":1,}'],
      ['NaN', '{"a":NaN}'],
      ['comment', `/* c */ ${baseBodyText}`],
      ['two-documents', `${baseBodyText}${baseBodyText}`],
      ['trailing-garbage', `${baseBodyText} x`],
      ['duplicate-keys', `${baseBodyText!.slice(0, -1)}${baseBodyText === '{}' ? '' : ','}"a":1,"a":2}`],
      ['proto', `{"__proto__":{"isAdmin":true},${baseBodyText!.slice(1)}`],
      ['deep-array', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
      ['deep-object', `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`],
      [
        'invalid-utf8',
        Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('"}')]),
      ],
      ['utf16', Buffer.from(baseBodyText!, 'utf16le')],
      ['nul-byte', `${baseBodyText}\u0000`],
      ['over-1MiB', `{"x":"${'a'.repeat(ONE_MIB)}"}`],
    ];
    for (const [name, body] of raw) {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      add({
        kind: `raw:${name}`,
        url: url(),
        headers: jsonHeaders(baseHeaders),
        body: () => body,
        expect: contractRefuses(op.bodySchema, text) ? 'reject' : 'any',
      });
    }
    // A byte-order mark before JSON may be skipped (RFC 8259 §8.1): either answer is fine.
    add({
      kind: 'raw:bom',
      url: url(),
      headers: jsonHeaders(baseHeaders),
      body: () => `\ufeff${baseBodyText}`,
      expect: 'any',
    });
    // Exactly 1 MiB (JSON whitespace after a valid body) is read; one byte more is 413.
    const padded = baseBodyText! + ' '.repeat(ONE_MIB - Buffer.byteLength(baseBodyText!));
    add({
      kind: 'raw:exactly-1MiB',
      url: url(),
      headers: jsonHeaders(baseHeaders),
      body: () => padded,
      expect: 'any',
    });
    add({
      kind: 'raw:1MiB+1',
      url: url(),
      headers: jsonHeaders(baseHeaders),
      body: () => `${padded} `,
      expect: 'reject',
    });
    add({
      kind: 'raw:chunked-over-1MiB',
      url: url(),
      headers: jsonHeaders(baseHeaders),
      body: () =>
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"x":"'));
            for (let i = 0; i < 17; i++) controller.enqueue(new Uint8Array(65_536).fill(97));
            controller.close();
          },
        }),
      expect: 'reject',
    });
    // Content types that are not JSON.
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/octet-stream',
      'application/json-patch+json',
    ]) {
      add({
        kind: `content-type:${type.split(';')[0]}`,
        url: url(),
        headers: { ...baseHeaders, 'content-type': type },
        body: bodyThunk,
        expect: 'reject',
      });
    }
    for (const type of [
      'APPLICATION/JSON',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
    ]) {
      add({
        kind: `content-type:${type}`,
        url: url(),
        headers: { ...baseHeaders, 'content-type': type },
        body: bodyThunk,
        expect: 'any',
      });
    }
  }

  // 2. Path parameters.
  for (const p of op.params.filter((x) => x.in === 'path')) {
    const real = base.params?.[p.name] ?? randomUUID();
    const bad: Array<[string, string]> = [
      ['not-a-uuid', 'not-a-uuid'],
      ['number', '123'],
      ['negative', '-1'],
      ['zero', '0'],
      ['null', 'null'],
      ['undefined', 'undefined'],
      ['space', '%20'],
      ['nul', '%00'],
      ['percent', '%'],
      ['bad-escape', '%zz'],
      ['truncated-utf8', '%E0%A4%A'],
      ['surrogate-utf8', '%ED%A0%80'],
      ['overlong-utf8', '%C0%AF'],
      ['emoji', encodeURIComponent('😀👨‍👩‍👧')],
      ['rtl', encodeURIComponent('\u202e123')],
      ['combining', encodeURIComponent(`a${'\u0301'.repeat(60)}`)],
      ['dot-dot', '..%2F..%2Fsettings'],
      ['encoded-slash', encodeURIComponent(`${real}/x`)],
      ['sql', encodeURIComponent("1' OR '1'='1")],
      ['json', encodeURIComponent('{"$ne":null}')],
      ['long-101', 'a'.repeat(101)],
      ['long-5000', 'a'.repeat(5000)],
      ['braces', encodeURIComponent(`{${real}}`)],
      ['trailing-space', `${real}%20`],
      ['trailing-nul', `${real}%00`],
      ['short', real.slice(0, -1)],
      ['longer', `${real}0`],
      ['semicolon', `${real};x=1`],
      ['fullwidth', encodeURIComponent(fullwidth(real))],
      ['nil', '00000000-0000-0000-0000-000000000000'],
      ['max', 'ffffffff-ffff-ffff-ffff-ffffffffffff'],
      ['random', randomUUID()],
      ...foreignIds(fx),
      ...(p.name === 'token'
        ? Object.entries(fx.links.dead).map(([k, t]): [string, string] => [
            `dead-link:${k}`,
            encodeURIComponent(t),
          ])
        : mineOfOtherKind(fx, op.path)),
    ];
    for (const [name, value] of bad) {
      add({
        kind: `path:${name}`,
        url: url({ [p.name]: value }),
        headers: jsonHeaders(baseHeaders),
        body: bodyThunk,
        expect: 'reject',
      });
    }
    if (p.name !== 'token') {
      add({
        kind: 'path:upper-case-real-id',
        url: url({ [p.name]: real.toUpperCase() }),
        headers: jsonHeaders(baseHeaders),
        body: bodyThunk,
        expect: 'any',
      });
    }
  }

  // 3. The query string.
  const declared = op.params.filter((x) => x.in === 'query');
  const withQuery = (extra: string) => (baseQuery ? `${baseQuery}&${extra}` : extra);
  const setQuery = (name: string, value: string) => {
    const q = new URLSearchParams(base.query ?? {});
    q.delete(name);
    return q.toString() ? `${q.toString()}&${name}=${value}` : `${name}=${value}`;
  };
  for (const p of declared) {
    let values: Array<[string, string, Expectation]> = [];
    if (p.name === 'limit') {
      values = [
        ...[
          '0',
          '201',
          '-1',
          '1.5',
          'abc',
          '',
          '1e3',
          'NaN',
          'Infinity',
          '9'.repeat(400),
          '%00',
          '1%00',
          '%EF%BC%91',
        ].map((v): [string, string, Expectation] => [v.slice(0, 12), v, 'reject']),
        ['hex', '0x10', 'any'],
        ['padded', '%205%20', 'any'],
        ['plus', '%2B5', 'any'],
      ];
    } else if (p.name === 'cursor') {
      values = [
        ['garbage', 'garbage!', 'reject'],
        ['empty-object', b64('{}'), 'reject'],
        ['array', b64('[]'), 'reject'],
        ['string-key', b64('{"n":"x","s":"x","id":"x"}'), 'reject'],
        ['infinite', b64('{"n":1e400,"s":1e400}'), 'reject'],
        ['too-long', 'x'.repeat(501), 'reject'],
        ['nul', '%00', 'reject'],
        ['proto', b64('{"__proto__":{"n":1}}'), 'reject'],
        ['negative', b64('{"n":-1,"s":-1}'), 'any'],
        ['their-id', b64(JSON.stringify({ id: fx.theirs.ids.member })), 'any'],
      ];
    } else if (p.schema?.enum) {
      values = [
        ['bogus', 'bogus', 'reject'],
        ['upper', String(p.schema.enum[0]).toUpperCase(), 'reject'],
        ['empty', '', 'reject'],
        ['nul', `${p.schema.enum[0]}%00`, 'reject'],
        ['sql', encodeURIComponent("pending' OR 1=1 --"), 'reject'],
      ];
    } else {
      values = [['garbage', 'garbage', 'any']];
    }
    for (const [name, value, expect] of values) {
      add({
        kind: `query:${p.name}:${name}`,
        url: url({}, setQuery(p.name, value)),
        headers: jsonHeaders(baseHeaders),
        body: bodyThunk,
        expect,
      });
    }
    add({
      kind: `query:${p.name}:repeated`,
      url: url({}, withQuery(`${p.name}=1&${p.name}=2`)),
      headers: jsonHeaders(baseHeaders),
      body: bodyThunk,
      expect: p.name === 'cursor' || p.name === 'limit' || p.schema?.enum ? 'reject' : 'any',
    });
  }
  for (const [name, extra] of [
    ['unknown', 'unexpected=1'],
    ['proto', '__proto__=x'],
    ['constructor', 'constructor%5Bprototype%5D%5BisAdmin%5D=1'],
    ['empty-name', '=1'],
  ]) {
    add({
      kind: `query:extra:${name}`,
      url: url({}, withQuery(extra!)),
      headers: jsonHeaders(baseHeaders),
      body: bodyThunk,
      // Routes with a query schema refuse unknown parameters; the others ignore query strings.
      expect: declared.length > 0 ? 'reject' : 'any',
    });
  }

  // 4. Credentials that must not work.
  const authExpect: Expectation = base.isPublic ? 'any' : 'reject';
  const withAuth = (authorization: string | null, extra: Record<string, string> = {}) => {
    const h: Record<string, string> = { ...base.headers, ...extra };
    if (authorization !== null) h.authorization = authorization;
    return jsonHeaders(h);
  };
  const auth: Array<[string, Record<string, string>]> = [
    ['none', withAuth(null)],
    ...Object.entries(fx.badTokens).map(([name, t]): [string, Record<string, string>] => [
      name,
      withAuth(`Bearer ${t}`),
    ]),
    ['empty-bearer', withAuth('Bearer ')],
    ['basic', withAuth(`Basic ${Buffer.from(`${fx.mine.ws.admin.email}:${PASSWORD}`).toString('base64')}`)],
    ['token-without-scheme', withAuth(fx.mine.ws.admin.token)],
    ['two-tokens', withAuth(`Bearer ${fx.badTokens.revoked} ${fx.mine.ws.admin.token}`)],
    ['cookie-garbage', withAuth(null, { cookie: 'signoff_session=garbage' })],
    ['cookie-revoked', withAuth(null, { cookie: `signoff_session=${fx.badTokens.revoked}` })],
    ['header-over-16KiB', withAuth(`Bearer ${'a'.repeat(20_000)}`)],
  ];
  for (const [name, headers] of auth) {
    add({ kind: `auth:${name}`, url: url(), headers, body: bodyThunk, expect: authExpect });
  }
  if (op.params.some((p) => p.in === 'header' && p.name === 'idempotency-key')) {
    for (const [name, key] of [
      ['too-long', 'k'.repeat(201)],
      ['empty', ''],
    ]) {
      add({
        kind: `header:idempotency-key:${name}`,
        url: url(),
        headers: { ...jsonHeaders(baseHeaders), 'idempotency-key': key! },
        body: bodyThunk,
        expect: 'reject',
      });
    }
  }

  // 5. Random ones, reproducible from the seed.
  const seed = (gen.seed + hash(`${op.key}#${JSON.stringify(base.params ?? {})}`)) | 0;
  if (op.bodySchema && base.body !== undefined) {
    const all = nodes(op.bodySchema, base.body);
    const values = fc.sample(
      fc.jsonValue({
        maxDepth: 3,
        stringUnit: fc.constantFrom('a', 'é', '\u0000', '\ud800', '😀', '\u202e', ' ', '"', '\\') as any,
      }),
      { seed, numRuns: randomPerOp },
    );
    values.forEach((value, i) => {
      const node = all[Math.floor(gen.rand() * all.length)]!;
      const r = gen.rand();
      let body: unknown;
      let kind: string;
      if (r < 0.7 || node.path.length === 0) {
        body = setAt(base.body, node.path, value);
        kind = 'random:replace';
      } else if (r < 0.85) {
        body = setAt(base.body, node.path, DELETE);
        kind = 'random:delete';
      } else {
        body = clone(base.body);
        const parent: any =
          node.value !== null && typeof node.value === 'object' ? objectAt(body, node.path) : body;
        if (parent && typeof parent === 'object' && !Array.isArray(parent)) parent[`k${i}`] = value;
        kind = 'random:insert';
      }
      const text = toJson(body);
      add({
        kind,
        url: url(),
        headers: jsonHeaders(baseHeaders),
        body: () => text,
        expect: contractRefuses(op.bodySchema, text) ? 'reject' : 'any',
      });
    });
  } else {
    const pathParam = op.params.find((p) => p.in === 'path');
    const strings = fc.sample(fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }), {
      seed,
      numRuns: randomPerOp,
    });
    for (const s of strings) {
      if (pathParam) {
        add({
          kind: 'random:path',
          url: url({ [pathParam.name]: encodeURIComponent(s) }),
          headers: jsonHeaders(baseHeaders),
          body: bodyThunk,
          expect: 'reject',
        });
      } else if (declared.length > 0) {
        const name = declared[Math.floor(gen.rand() * declared.length)]!.name;
        const value = Number(s);
        const acceptable =
          name === 'limit'
            ? Number.isInteger(value) && value >= 1 && value <= 200
            : !(name === 'cursor' || declared.find((d) => d.name === name)?.schema?.enum);
        add({
          kind: `random:query:${name}`,
          url: url({}, setQuery(name, encodeURIComponent(s))),
          headers: jsonHeaders(baseHeaders),
          body: bodyThunk,
          expect: acceptable ? 'any' : 'reject',
        });
      } else {
        add({
          kind: 'random:bearer',
          url: url(),
          headers: withAuth(`Bearer ${Buffer.from(s).toString('base64url')}`),
          body: bodyThunk,
          expect: authExpect,
        });
      }
    }
  }
  return out;
}

function objectAt(root: any, path: (string | number)[]): any {
  let node = root;
  for (const key of path) node = node?.[key];
  return node;
}

export function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** mulberry32: a small seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
