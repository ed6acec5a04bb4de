import { randomBytes } from 'node:crypto';
import { type Client, client } from '../../support/client.js';
import { PASSWORD } from '../../support/workspace.js';

/**
 * The data the load works on: a few workspaces with every approval switch on, ~20 members,
 * ~10 contacts, groups, templates of every rule (any / all / min, multi-step, appeals with
 * reviewers), tickets and ~100 approvals. Every person is signed in (a bearer token).
 */

export type LoadPerson = {
  type: 'member' | 'contact';
  id: string;
  email: string;
  token: string;
  role?: 'admin' | 'agent';
};

export type LoadWorkspace = {
  index: number;
  id: string;
  admin: LoadPerson;
  /** Members who may be asked (templates, groups, ad hoc requests, recipient edits). */
  staff: LoadPerson[];
  /** Members never asked to approve or review anything: their decisions must never count. */
  outsiders: LoadPerson[];
  contacts: LoadPerson[];
  /** Appeal reviewers of every template that allows appeals. */
  reviewers: LoadPerson[];
  templates: { id: string; name: string }[];
  tickets: { id: string; requesterId: string; contactIds: string[] }[];
  requireSignIn: boolean;
};

export type LoadFixture = {
  workspaces: LoadWorkspace[];
  approvals: { ws: number; id: string; ticketId: string }[];
  /** Lower-cased email → person, to know whose link an email carries. */
  byEmail: Map<string, { ws: number; person: LoadPerson }>;
};

const unique = () => randomBytes(4).toString('hex');

function expectCode(res: { status: number; body: any }, status: number, what: string): any {
  if (res.status !== status) {
    throw new Error(`seeding ${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body;
}

/** Runs `fn` over `items`, `width` at a time. */
export async function inBatches<T, R>(items: T[], width: number, fn: (item: T, i: number) => Promise<R>) {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width) {
    out.push(...(await Promise.all(items.slice(i, i + width).map((item, j) => fn(item, i + j)))));
  }
  return out;
}

const member = (p: { id: string }) => ({ type: 'member' as const, id: p.id });
const contact = (p: { id: string }) => ({ type: 'contact' as const, id: p.id });

async function seedWorkspace(
  apis: Client[],
  index: number,
  sizes: { staff: number; contacts: number; tickets: number; approvalsPerTicket: number },
  rand: () => number,
): Promise<{ ws: LoadWorkspace; approvals: { id: string; ticketId: string }[] }> {
  const api = apis[index % apis.length]!;
  const email = `load-admin-${unique()}@example.test`;
  const signup = expectCode(
    await api.post('/signup', {
      workspaceName: `Load ${index}`,
      name: 'Load Admin',
      email,
      password: PASSWORD,
    }),
    201,
    'signup',
  );
  const admin: LoadPerson = {
    type: 'member',
    id: signup.member.id,
    email,
    token: signup.token,
    role: 'admin',
  };
  const wsId: string = signup.workspace.id;
  const requireSignIn = index % 2 === 0;
  expectCode(
    await api.patch(
      '/settings',
      {
        approvalsEnabled: true,
        appealsEnabled: true,
        contactApprovalEmails: true,
        contactsCanViewApprovals: true,
        requireSignInForEmailResponses: requireSignIn,
      },
      { token: admin.token },
    ),
    200,
    'settings',
  );

  const person = async (type: 'member' | 'contact', i: number, tag: string): Promise<LoadPerson> => {
    const a = apis[i % apis.length]!;
    const mail = `load-${tag}-${i}-${unique()}@example.test`;
    const body =
      type === 'member'
        ? { name: `${tag} ${i}`, email: mail, role: 'agent', password: PASSWORD }
        : { name: `${tag} ${i}`, email: mail, password: PASSWORD };
    const created = expectCode(
      await a.post(type === 'member' ? '/members' : '/contacts', body, { token: admin.token }),
      201,
      type,
    );
    const login = expectCode(
      await a.post('/auth/login', { workspaceId: wsId, email: mail, password: PASSWORD }),
      200,
      'login',
    );
    return {
      type,
      id: created.id,
      email: mail,
      token: login.token,
      ...(type === 'member' ? { role: 'agent' } : {}),
    };
  };
  const staff = await inBatches(
    Array.from({ length: sizes.staff }, (_, i) => i),
    6,
    (i) => person('member', i, 'Staff'),
  );
  const outsiders = await inBatches([0, 1, 2], 3, (i) => person('member', i, 'Outsider'));
  const contacts = await inBatches(
    Array.from({ length: sizes.contacts }, (_, i) => i),
    6,
    (i) => person('contact', i, 'Customer'),
  );

  const group = async (name: string, members: LoadPerson[], cs: LoadPerson[]) =>
    expectCode(
      await api.post(
        '/approval-groups',
        { name, memberIds: members.map((m) => m.id), contactIds: cs.map((c) => c.id) },
        { token: admin.token },
      ),
      201,
      'group',
    ).id as string;
  const s = (i: number) => staff[i % staff.length]!;
  const c = (i: number) => contacts[i % contacts.length]!;
  const leads = await group('Leads', [s(0), s(1), s(2), s(3), s(4)], []);
  const mixed = await group('Mixed', [s(5), s(6), s(7), s(8)], [c(0), c(1)]);
  const board = await group('Board', [s(15), s(16), s(17)], []);
  const reviewers = [s(15), s(16), s(17), s(18)];
  const reviewerRefs = [{ type: 'group', id: board }, member(s(18))];

  const templateBodies = [
    {
      name: 'Any lead',
      allowAppeals: true,
      appealReviewers: reviewerRefs,
      steps: [{ name: 'A lead', approvers: [{ type: 'group', id: leads }], rule: { type: 'any' } }],
    },
    {
      name: 'All three, then the customer',
      allowAppeals: true,
      appealReviewers: reviewerRefs,
      steps: [
        { name: 'Three', approvers: [member(s(10)), member(s(11)), member(s(12))], rule: { type: 'all' } },
        { name: 'Customer', approvers: [{ type: 'ticket_requester' }], rule: { type: 'any' } },
      ],
    },
    {
      name: 'Two of mixed, then both managers',
      allowAppeals: true,
      appealReviewers: reviewerRefs,
      steps: [
        { name: 'Mixed', approvers: [{ type: 'group', id: mixed }], rule: { type: 'min', count: 2 } },
        { name: 'Managers', approvers: [member(s(13)), member(s(14))], rule: { type: 'all' } },
      ],
    },
    {
      name: 'Assignee, leads, contacts',
      allowAppeals: false,
      steps: [
        { name: 'Assignee', approvers: [{ type: 'ticket_assignee' }], rule: { type: 'any' } },
        {
          name: 'Two leads',
          approvers: [{ type: 'group', id: leads }, member(s(19))],
          rule: { type: 'min', count: 2 },
        },
        { name: 'Contacts', approvers: [{ type: 'ticket_contacts' }], rule: { type: 'any' } },
      ],
    },
  ];
  const templates = [];
  for (const body of templateBodies) {
    const t = expectCode(
      await api.post('/approval-templates', body, { token: admin.token }),
      201,
      'template',
    );
    templates.push({ id: t.id as string, name: body.name });
  }

  const tickets = await inBatches(
    Array.from({ length: sizes.tickets }, (_, i) => i),
    8,
    async (i) => {
      const requester = c(i);
      const cc = [c(i + 3), ...(i % 3 === 0 ? [c(i + 5)] : [])];
      const t = expectCode(
        await apis[i % apis.length]!.post(
          '/tickets',
          {
            subject: `Load ticket ${i}`,
            body: `Please approve ${i}.`,
            requesterId: requester.id,
            contactIds: cc.map((x) => x.id),
            assigneeId: s(i + 7).id,
          },
          { token: admin.token },
        ),
        201,
        'ticket',
      );
      return { id: t.id as string, requesterId: requester.id, contactIds: cc.map((x) => x.id) };
    },
  );

  const ws: LoadWorkspace = {
    index,
    id: wsId,
    admin,
    staff,
    outsiders,
    contacts,
    reviewers,
    templates,
    tickets,
    requireSignIn,
  };
  const requests = tickets.flatMap((t) => Array.from({ length: sizes.approvalsPerTicket }, () => t));
  const approvals = await inBatches(requests, 8, async (t, i) => {
    const body = approvalRequestBody(ws, rand);
    const by = i % 4 === 0 ? s(i) : admin;
    const res = await apis[i % apis.length]!.post(`/tickets/${t.id}/approvals`, body, { token: by.token });
    const created = expectCode(res, 201, `approval ${JSON.stringify(body)}`);
    return { id: created.id as string, ticketId: t.id };
  });
  return { ws, approvals };
}

/** A request from one of the templates, or ad hoc with 1 to 4 people and a random rule. */
export function approvalRequestBody(ws: LoadWorkspace, rand: () => number): Record<string, unknown> {
  if (rand() < 0.6) {
    const t = ws.templates[Math.floor(rand() * ws.templates.length)]!;
    return { templateId: t.id };
  }
  const pool = [...ws.staff.slice(0, 15), ...ws.contacts];
  const n = 1 + Math.floor(rand() * 4);
  const chosen = new Map<string, LoadPerson>();
  while (chosen.size < n) {
    const p = pool[Math.floor(rand() * pool.length)]!;
    chosen.set(p.id, p);
  }
  const people = [...chosen.values()];
  const r = rand();
  const rule =
    r < 0.4
      ? { type: 'any' }
      : r < 0.7
        ? { type: 'all' }
        : { type: 'min', count: 1 + Math.floor(rand() * people.length) };
  return {
    title: `Ad hoc ${unique()}`,
    description: 'Load test request',
    approvers: people.map((p) => (p.type === 'member' ? member(p) : contact(p))),
    rule,
  };
}

export async function seedLoad(
  urls: string[],
  rand: () => number,
  sizes = { workspaces: 2, staff: 20, contacts: 10, tickets: 25, approvalsPerTicket: 2 },
): Promise<LoadFixture> {
  const apis = urls.map((u) => client(u));
  const seeded = await Promise.all(
    Array.from({ length: sizes.workspaces }, (_, i) => seedWorkspace(apis, i, sizes, rand)),
  );
  const byEmail = new Map<string, { ws: number; person: LoadPerson }>();
  for (const { ws } of seeded) {
    for (const p of [ws.admin, ...ws.staff, ...ws.outsiders, ...ws.contacts]) {
      byEmail.set(p.email.toLowerCase(), { ws: ws.index, person: p });
    }
  }
  return {
    workspaces: seeded.map((s) => s.ws),
    approvals: seeded.flatMap((s) => s.approvals.map((a) => ({ ws: s.ws.index, ...a }))),
    byEmail,
  };
}

/** A small, seedable PRNG (mulberry32), so a run can be replayed with the seed it prints. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
