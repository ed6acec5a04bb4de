import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Principal } from '../auth/principal.js';
import { isUuid } from '../auth/tokens.js';
import { assertPeopleExist } from '../people/repo.js';
import { type Db, inTransaction } from '../shared/db/connect.js';
import type { MessageChannel, TicketPriority, TicketStatus } from '../shared/db/schema.js';
import { notFound } from '../shared/errors.js';
import type { PersonRef } from '../shared/vocabulary.js';
import { nextNumber } from '../workspaces/repo.js';
import { recordActivities } from './activity.js';
import { notifyMessageAdded, notifyTicketCreated } from './notifications.js';
import type { TicketApprovalStatus } from './schemas.js';

export type TicketView = {
  id: string;
  number: number;
  subject: string;
  status: TicketStatus;
  requesterId: string;
  requester: { id: string; name: string } | null;
  contactIds: string[];
  assigneeId: string | null;
  priority: TicketPriority;
  tags: string[];
  approvalStatus: TicketApprovalStatus | null;
  /** SPEC §8.1: approvals not canceled, and how many of them are unfinished. */
  approvalCounts: { unfinished: number; total: number };
  createdAt: Date;
  updatedAt: Date;
};

type TicketRow = {
  id: string;
  number: number;
  subject: string;
  status: TicketStatus;
  requester_id: string;
  assignee_id: string | null;
  priority: TicketPriority;
  tags: string[];
  approval_status: string | null;
  approvals_unfinished: number;
  approvals_total: number;
  created_at: Date;
  updated_at: Date;
};

const ticketColumns = [
  'tickets.id',
  'tickets.number',
  'tickets.subject',
  'tickets.status',
  'tickets.requester_id',
  'tickets.assignee_id',
  'tickets.priority',
  'tickets.tags',
  'tickets.approval_status',
  'tickets.approvals_unfinished',
  'tickets.approvals_total',
  'tickets.created_at',
  'tickets.updated_at',
  // The per-ticket reply address (SPEC §8.2): read with the row by the emails that print it.
  'tickets.reply_token',
] as const;

export type TicketFacts = {
  requesterId: string;
  contactIds: string[];
  assigneeId: string | null;
  status: TicketStatus;
};

/** The ticket row, or 404. `forUpdate` locks it (ticket status changes and approval creation). */
export async function findTicket(db: Db, workspaceId: string, id: string, forUpdate = false) {
  if (!isUuid(id)) throw notFound('Ticket');
  let q = db
    .selectFrom('tickets')
    .select(ticketColumns)
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('Ticket');
  return row;
}

export async function ticketContactIds(db: Db, workspaceId: string, ticketId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('ticket_contacts')
    .select('contact_id')
    .where('workspace_id', '=', workspaceId)
    .where('ticket_id', '=', ticketId)
    .orderBy('contact_id')
    .execute();
  return rows.map((r) => r.contact_id);
}

export async function ticketFacts(db: Db, workspaceId: string, ticketId: string): Promise<TicketFacts> {
  const row = await findTicket(db, workspaceId, ticketId);
  return {
    requesterId: row.requester_id,
    contactIds: await ticketContactIds(db, workspaceId, ticketId),
    assigneeId: row.assignee_id,
    status: row.status,
  };
}

/** SPEC §2: a contact has access to a ticket when they are its requester or one of its contacts. */
export async function contactHasTicketAccess(
  db: Db,
  workspaceId: string,
  ticketId: string,
  contactId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('tickets')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', ticketId)
    .where((eb) =>
      eb.or([
        eb('requester_id', '=', contactId),
        eb.exists(
          eb
            .selectFrom('ticket_contacts')
            .select(sql`1`.as('one'))
            .where('ticket_contacts.workspace_id', '=', workspaceId)
            .where('ticket_contacts.ticket_id', '=', ticketId)
            .where('ticket_contacts.contact_id', '=', contactId),
        ),
      ]),
    )
    .executeTakeFirst();
  return row !== undefined;
}

/** The ticket as the principal may see it, or 404 (contacts without access). */
export async function visibleTicket(db: Db, principal: Principal, id: string) {
  const row = await findTicket(db, principal.workspaceId, id);
  if (
    principal.type === 'contact' &&
    !(await contactHasTicketAccess(db, principal.workspaceId, row.id, principal.id))
  ) {
    throw notFound('Ticket');
  }
  return row;
}

export async function toTicketViews(db: Db, workspaceId: string, rows: TicketRow[]): Promise<TicketView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [contacts, requesters] = await Promise.all([
    db
      .selectFrom('ticket_contacts')
      .select(['ticket_id', 'contact_id'])
      .where('workspace_id', '=', workspaceId)
      .where('ticket_id', 'in', ids)
      .execute(),
    db
      .selectFrom('contacts')
      .select(['id', 'name'])
      .where('workspace_id', '=', workspaceId)
      .where('id', 'in', [...new Set(rows.map((r) => r.requester_id))])
      .execute(),
  ]);
  const names = new Map(requesters.map((r) => [r.id, r.name]));
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    subject: r.subject,
    status: r.status,
    requesterId: r.requester_id,
    requester: names.has(r.requester_id) ? { id: r.requester_id, name: names.get(r.requester_id)! } : null,
    contactIds: contacts.filter((c) => c.ticket_id === r.id).map((c) => c.contact_id),
    assigneeId: r.assignee_id,
    priority: r.priority,
    tags: r.tags,
    // Written only by ticket_approval_summary (migration 008), which yields these statuses.
    approvalStatus: r.approval_status as TicketApprovalStatus | null,
    approvalCounts: { unfinished: r.approvals_unfinished, total: r.approvals_total },
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

/**
 * Where a ticket message came from: typed in Signoff, or an email taken in by the inbound pipeline
 * (SPEC §8.2), whose raw original stays in `inbound_messages`. `autoSubmitted`: the email must get no
 * automatic answer (RFC 3834), so no acknowledgement goes back.
 */
export type MessageOrigin =
  | { channel: 'web' }
  | { channel: 'email'; inboundMessageId: string; autoSubmitted: boolean };

const WEB: MessageOrigin = { channel: 'web' };

export async function createTicket(
  db: Db,
  author: PersonRef,
  workspaceId: string,
  input: {
    subject: string;
    body: string;
    requesterId: string;
    contactIds: string[];
    assigneeId: string | null;
    origin?: MessageOrigin;
    /** The first message's id, when the caller must know it (to attach the email's files to it). */
    firstMessageId?: string;
    /** The Message-ID of the email the ticket came from: the ticket's emails answer it. */
    emailThreadId?: string | null;
  },
): Promise<TicketView> {
  const origin = input.origin ?? WEB;
  const contactIds = [...new Set(input.contactIds.map((c) => c.toLowerCase()))];
  return inTransaction(db, async (tx) => {
    await assertPeopleExist(tx, workspaceId, [
      { type: 'contact', id: input.requesterId },
      ...contactIds.map((id) => ({ type: 'contact' as const, id })),
      ...(input.assigneeId ? [{ type: 'member' as const, id: input.assigneeId }] : []),
    ]);
    const number = await nextNumber(tx, workspaceId, 'ticket');
    const id = randomUUID();
    const row = await tx
      .insertInto('tickets')
      .values({
        workspace_id: workspaceId,
        id,
        number,
        subject: input.subject,
        status: 'open',
        requester_id: input.requesterId,
        assignee_id: input.assigneeId,
        created_by_type: author.type,
        created_by_id: author.id,
        email_thread_id: input.emailThreadId ?? null,
      })
      .returning(ticketColumns)
      .executeTakeFirstOrThrow();
    if (contactIds.length > 0) {
      await tx
        .insertInto('ticket_contacts')
        .values(contactIds.map((contact_id) => ({ workspace_id: workspaceId, ticket_id: id, contact_id })))
        .execute();
    }
    const firstMessageId = input.firstMessageId ?? randomUUID();
    await tx
      .insertInto('ticket_messages')
      .values({
        workspace_id: workspaceId,
        id: firstMessageId,
        ticket_id: id,
        author_type: author.type,
        author_id: author.id,
        body: input.body,
        public: true,
        ...originColumns(origin),
      })
      .execute();
    await recordActivities(tx, workspaceId, [
      { ticketId: id, type: 'ticket_created', actor: author, data: { number, subject: input.subject } },
    ]);
    // SPEC §8.2: the acknowledgement and the agents' notice, in this transaction.
    await notifyTicketCreated(
      tx,
      workspaceId,
      { id, requesterId: input.requesterId, assigneeId: input.assigneeId },
      firstMessageId,
      author,
      origin,
    );
    return (await toTicketViews(tx, workspaceId, [row]))[0]!;
  });
}

/** The saved views of SPEC §8.3 (their definitions: `ticketView` in schemas.ts). */
export type TicketViewName =
  | 'mine'
  | 'unassigned'
  | 'awaiting_approval'
  | 'needs_my_approval'
  | 'all_open'
  | 'solved';

const UNSOLVED = ['open', 'pending', 'on_hold'] as const;
const SOLVED = ['solved', 'closed'] as const;

/** `tickets.search_vector` matches, ranked (`rank`), or a sort column, with `number` breaking ties. */
export type TicketSort = 'created' | 'updated' | 'priority' | 'rank';

/** The sort key of the last row of a page: what the next page starts after. */
export type TicketSortKey = { n: number; u?: string; p?: number; r?: number };

export type TicketListOptions = {
  approvalStatus?: string;
  status?: TicketStatus;
  /** `null`: nobody assigned. */
  assigneeId?: string | null;
  priority?: TicketPriority;
  tag?: string;
  /** Applied with the other filters; `member` is whose view it is. */
  view?: { name: TicketViewName; memberId: string; approvalsOn: boolean };
  /** Full-text search (SPEC §8.3): the text as typed. */
  q?: string;
  /** How many of the newest matches a ranked search ranks (RANKED_MATCHES unless a test says). */
  rankedMatches?: number;
  sort: TicketSort;
  order: 'asc' | 'desc';
  after: TicketSortKey | null;
  limit: number;
};

/**
 * The text search query of `q`: `websearch_to_tsquery` (quotes, `or`, `-word`) with the `simple`
 * configuration, the index's. The last word, when it is a plain word of 3 characters or more not in
 * quotes, also finds the words it begins (typing "lapt" finds "laptop").
 */
export function searchQuery(q: string) {
  const quotes = (q.match(/"/g) ?? []).length;
  const last = /(^|\s)([\p{L}\p{N}]{3,})$/u.exec(q);
  if (!last || quotes % 2 === 1) return sql`websearch_to_tsquery('simple', ${q})`;
  const head = q.slice(0, last.index + last[1]!.length);
  return sql`(websearch_to_tsquery('simple', ${head}) && to_tsquery('simple', ${`${last[2]!.toLowerCase()}:*`}))`;
}

/**
 * What a contact's search looks in: the same document as `search_vector` but with public messages only
 * (internal notes are members' alone). Computed per ticket, over the few tickets a contact may see.
 */
const publicDocument = (ws: string) => sql`(ticket_search_head(tickets.subject,
    (SELECT c.name FROM contacts c WHERE c.workspace_id = ${ws} AND c.id = tickets.requester_id),
    (SELECT c.email FROM contacts c WHERE c.workspace_id = ${ws} AND c.id = tickets.requester_id))
  || coalesce((SELECT setweight(to_tsvector('simple',
        left(string_agg(left(m.body, 100000), ' ' ORDER BY m.seq), 400000)), 'C')
      FROM ticket_messages m
      WHERE m.workspace_id = ${ws} AND m.ticket_id = tickets.id AND m.public), ''::tsvector))`;

/** Tickets where this member is asked to answer an approval now (what /me/approval-tasks lists). */
export function needsMyApproval(ws: string, memberId: string) {
  return sql<boolean>`tickets.id IN (
    SELECT a.ticket_id FROM approvals a
    WHERE a.workspace_id = ${ws} AND a.id IN (
      SELECT x.approval_id FROM approval_assignments x
      WHERE x.workspace_id = ${ws} AND x.person_type = 'member' AND x.person_id = ${memberId} AND x.awaiting)
    UNION
    SELECT a.ticket_id FROM approvals a
    WHERE a.workspace_id = ${ws} AND a.status = 'appeal_pending'
      AND a.appeal -> 'reviewers' @> ${JSON.stringify([{ type: 'member', id: memberId }])}::jsonb)`;
}

/** The condition of a saved view, over `tickets`. */
export function viewCondition(view: NonNullable<TicketListOptions['view']>, ws: string) {
  switch (view.name) {
    case 'mine':
      return sql<boolean>`(tickets.assignee_id = ${view.memberId} AND tickets.status IN (${sql.join([...UNSOLVED])}))`;
    case 'unassigned':
      return sql<boolean>`(tickets.assignee_id IS NULL AND tickets.status IN (${sql.join([...UNSOLVED])}))`;
    case 'awaiting_approval':
      return view.approvalsOn ? sql<boolean>`tickets.approvals_unfinished > 0` : sql<boolean>`false`;
    case 'needs_my_approval':
      return view.approvalsOn ? needsMyApproval(ws, view.memberId) : sql<boolean>`false`;
    case 'all_open':
      return sql<boolean>`tickets.status IN (${sql.join([...UNSOLVED])})`;
    case 'solved':
      return sql<boolean>`tickets.status IN (${sql.join([...SOLVED])})`;
  }
}

/** How many of the newest matches a search ranks (the rest are reached by sorting or filtering). */
export const RANKED_MATCHES = 1000;

/**
 * The statement of `GET /tickets` (built, not run): `listTickets` runs it, and `npm run bench` EXPLAINs the
 * very same statement to show which index answers a search.
 */
export function ticketListQuery(db: Db, principal: Principal, options: TicketListOptions) {
  const ws = principal.workspaceId;
  // SPEC §8.3: members search `search_vector` through its GIN index; contacts their public messages.
  const document = principal.type === 'member' ? sql`tickets.search_vector` : publicDocument(ws);
  const tsquery = options.q !== undefined ? searchQuery(options.q) : null;
  const rank = tsquery ? sql<number>`ts_rank_cd(${document}, ${tsquery})::float8` : sql<number>`0::float8`;
  let q = db.selectFrom('tickets').where('tickets.workspace_id', '=', ws);
  if (options.approvalStatus === 'none') q = q.where('tickets.approval_status', 'is', null);
  // Served by the partial index tickets_unfinished_approvals_idx (migration 008).
  else if (options.approvalStatus === 'unfinished') q = q.where('tickets.approvals_unfinished', '>', 0);
  else if (options.approvalStatus) q = q.where('tickets.approval_status', '=', options.approvalStatus);
  if (options.status) q = q.where('tickets.status', '=', options.status);
  if (options.assigneeId === null) q = q.where('tickets.assignee_id', 'is', null);
  else if (options.assigneeId !== undefined) q = q.where('tickets.assignee_id', '=', options.assigneeId);
  if (options.priority) q = q.where('tickets.priority', '=', options.priority);
  if (options.tag) q = q.where(sql<boolean>`tickets.tags @> ARRAY[${options.tag}]::text[]`);
  if (options.view) q = q.where(viewCondition(options.view, ws));
  if (principal.type === 'contact') {
    const contactId = principal.id;
    q = q.where((eb) =>
      eb.or([
        eb('tickets.requester_id', '=', contactId),
        eb.exists(
          eb
            .selectFrom('ticket_contacts')
            .select(sql`1`.as('one'))
            .where('ticket_contacts.workspace_id', '=', ws)
            .whereRef('ticket_contacts.ticket_id', '=', 'tickets.id')
            .where('ticket_contacts.contact_id', '=', contactId),
        ),
      ]),
    );
  }
  if (tsquery) q = q.where(sql<boolean>`${document} @@ ${tsquery}`);
  const filtered = q;
  let list = filtered.select(ticketColumns).select([
    // The exact microsecond of updated_at (a JS Date keeps milliseconds): the `updated` cursor's key.
    sql<string>`(extract(epoch from tickets.updated_at) * 1000000)::bigint::text`.as('updated_us'),
    rank.as('rank'),
  ]);
  const desc = options.order === 'desc';
  const cmp = sql.raw(desc ? '<' : '>');
  const dir = desc ? 'desc' : 'asc';
  const after = options.after;
  const n = after?.n ?? 0;
  switch (options.sort) {
    case 'created':
      if (after) list = list.where(sql<boolean>`tickets.number ${cmp} ${n}`);
      list = list.orderBy('tickets.number', dir);
      break;
    case 'updated':
      if (after)
        list = list.where(
          sql<boolean>`(tickets.updated_at, tickets.number) ${cmp}
            (timestamptz 'epoch' + ${after.u ?? '0'}::bigint * interval '1 microsecond', ${n})`,
        );
      list = list.orderBy('tickets.updated_at', dir).orderBy('tickets.number', dir);
      break;
    case 'priority':
      if (after)
        list = list.where(
          sql<boolean>`(tickets.priority_rank, tickets.number) ${cmp} (${after.p ?? 0}, ${n})`,
        );
      list = list.orderBy('tickets.priority_rank', dir).orderBy('tickets.number', dir);
      break;
    case 'rank': {
      // Ranked among the newest RANKED_MATCHES matches (docs/decisions.md, issue 15): a word that most
      // tickets hold (a customer's name) would otherwise have every match read and ranked for each page. The
      // newest matches come from the GIN index (a rare word) or the workspace's number index read backwards
      // (a common one), whichever the planner finds cheaper, and are searched once: the page is sorted from
      // them, as `tickets` again so that the cursor reads alike.
      const newest = list
        .orderBy('tickets.number', 'desc')
        .limit(options.rankedMatches ?? RANKED_MATCHES)
        .as('tickets');
      let ranked = db.selectFrom(newest).selectAll();
      if (after)
        ranked = ranked.where(
          sql<boolean>`(tickets.rank, tickets.number) ${cmp} (${after.r ?? 0}::float8, ${n})`,
        );
      return ranked
        .orderBy('tickets.rank', dir)
        .orderBy('tickets.number', dir)
        .limit(options.limit + 1);
    }
  }
  return list.limit(options.limit + 1);
}

export function listTickets(db: Db, principal: Principal, options: TicketListOptions) {
  return ticketListQuery(db, principal, options).execute();
}

/** The sort key of a row of `listTickets`, for the cursor of the page after it. */
export function sortKeyOf(
  row: { number: number; updated_us: string; priority: TicketPriority; rank: number },
  sort: TicketSort,
): TicketSortKey {
  switch (sort) {
    case 'created':
      return { n: row.number };
    case 'updated':
      return { u: row.updated_us, n: row.number };
    case 'priority':
      return { p: PRIORITY_RANK[row.priority], n: row.number };
    case 'rank':
      return { r: row.rank, n: row.number };
  }
}

const PRIORITY_RANK: Record<TicketPriority, number> = { low: 0, normal: 1, high: 2, urgent: 3 };

/**
 * SPEC §8.3: how many tickets each saved view holds for this member, in one statement; each count is a
 * subquery of its own so that each is read from its own index.
 */
export async function countViews(
  db: Db,
  ws: string,
  memberId: string,
  approvalsOn: boolean,
): Promise<Record<TicketViewName, number>> {
  const names: TicketViewName[] = [
    'mine',
    'unassigned',
    'awaiting_approval',
    'needs_my_approval',
    'all_open',
    'solved',
  ];
  const counts = names.map(
    (name) =>
      sql`(SELECT count(*)::int FROM tickets WHERE tickets.workspace_id = ${ws}
        AND ${viewCondition({ name, memberId, approvalsOn }, ws)}) AS ${sql.ref(name)}`,
  );
  const { rows } = await sql<Record<TicketViewName, number>>`SELECT ${sql.join(counts)}`.execute(db);
  return rows[0]!;
}

/** Approval statuses that still wait for an answer. */
const LIVE = ['pending', 'needs_info', 'appeal_pending'];

/** Whether the ticket has an approval still waiting for an answer (read for rule 10). */
export async function hasLiveApproval(db: Db, workspaceId: string, ticketId: string): Promise<boolean> {
  const live = await db
    .selectFrom('approvals')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('ticket_id', '=', ticketId)
    .where('status', 'in', LIVE)
    .executeTakeFirst();
  return live !== undefined;
}

export type TicketChanges = {
  status?: TicketStatus;
  subject?: string;
  assigneeId?: string | null;
  priority?: TicketPriority;
  tags?: string[];
  /** The ticket's contacts (CC), the whole new list. */
  contactIds?: string[];
};

/** Writes the changed fields of a ticket and its `ticket_updated` activity line; bumps `updated_at`. */
export async function saveTicketChanges(
  db: Db,
  actor: PersonRef,
  workspaceId: string,
  ticketId: string,
  changes: TicketChanges,
): Promise<TicketView> {
  const row = await db
    .updateTable('tickets')
    .set({
      ...(changes.status !== undefined ? { status: changes.status } : {}),
      ...(changes.subject !== undefined ? { subject: changes.subject } : {}),
      ...(changes.assigneeId !== undefined ? { assignee_id: changes.assigneeId } : {}),
      ...(changes.priority !== undefined ? { priority: changes.priority } : {}),
      ...(changes.tags !== undefined ? { tags: changes.tags } : {}),
      updated_at: sql<Date>`now()`,
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', ticketId)
    .returning(ticketColumns)
    .executeTakeFirstOrThrow();
  if (changes.contactIds !== undefined) {
    let removal = db
      .deleteFrom('ticket_contacts')
      .where('workspace_id', '=', workspaceId)
      .where('ticket_id', '=', ticketId);
    if (changes.contactIds.length > 0) removal = removal.where('contact_id', 'not in', changes.contactIds);
    await removal.execute();
    if (changes.contactIds.length > 0) {
      await db
        .insertInto('ticket_contacts')
        .values(
          changes.contactIds.map((contact_id) => ({
            workspace_id: workspaceId,
            ticket_id: ticketId,
            contact_id,
          })),
        )
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  }
  await recordActivities(db, workspaceId, [{ ticketId, type: 'ticket_updated', actor, data: changes }]);
  return (await toTicketViews(db, workspaceId, [row]))[0]!;
}

export async function addMessage(
  db: Db,
  author: PersonRef,
  workspaceId: string,
  ticketId: string,
  input: { body: string; public: boolean; origin?: MessageOrigin; id?: string },
) {
  return inTransaction(db, async (tx) => {
    const row = await tx
      .insertInto('ticket_messages')
      .values({
        workspace_id: workspaceId,
        id: input.id ?? randomUUID(),
        ticket_id: ticketId,
        author_type: author.type,
        author_id: author.id,
        body: input.body,
        public: input.public,
        ...originColumns(input.origin ?? WEB),
      })
      .returning(['id', 'author_type', 'author_id', 'body', 'public', 'channel', 'created_at'])
      .executeTakeFirstOrThrow();
    await tx
      .updateTable('tickets')
      .set({ updated_at: sql<Date>`now()` })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', ticketId)
      .execute();
    await recordActivities(tx, workspaceId, [
      {
        ticketId,
        type: 'message_added',
        actor: author,
        data: { messageId: row.id, public: input.public },
        internal: !input.public,
      },
    ]);
    // SPEC §8.2: an agent's public message to the customer, a customer's reply to the agents.
    await notifyMessageAdded(tx, workspaceId, ticketId, row.id, author, input.public);
    return toMessage(row, []);
  });
}

function originColumns(origin: MessageOrigin) {
  return origin.channel === 'email'
    ? { channel: 'email' as const, inbound_message_id: origin.inboundMessageId }
    : { channel: 'web' as const, inbound_message_id: null };
}

type MessageRow = {
  id: string;
  author_type: 'member' | 'contact';
  author_id: string;
  body: string;
  public: boolean;
  channel: MessageChannel;
  created_at: Date;
};

/** A file kept with a message (the email's attachments); its content is downloaded on its own. */
export type AttachmentInfo = { id: string; filename: string; contentType: string; size: number };

const toMessage = (r: MessageRow, attachments: AttachmentInfo[]) => ({
  id: r.id,
  author: { type: r.author_type, id: r.author_id },
  body: r.body,
  public: r.public,
  channel: r.channel,
  attachments,
  createdAt: r.created_at,
});

/** The attachments of these messages (without their content), by message id. */
async function attachmentsOf(
  db: Db,
  workspaceId: string,
  messageIds: string[],
): Promise<Map<string, AttachmentInfo[]>> {
  const byMessage = new Map<string, AttachmentInfo[]>();
  if (messageIds.length === 0) return byMessage;
  const rows = await db
    .selectFrom('ticket_attachments')
    .select(['id', 'message_id', 'filename', 'content_type', 'size_bytes'])
    .where('workspace_id', '=', workspaceId)
    .where('message_id', 'in', messageIds)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  for (const r of rows) {
    const list = byMessage.get(r.message_id) ?? [];
    list.push({ id: r.id, filename: r.filename, contentType: r.content_type, size: r.size_bytes });
    byMessage.set(r.message_id, list);
  }
  return byMessage;
}

/**
 * A page of a ticket's messages, newest first: `limit + 1` rows (for `toPage`), older than the message
 * whose `seq` is `beforeSeq` when given. Contacts (`publicOnly`) see public messages only.
 */
export async function listMessages(
  db: Db,
  workspaceId: string,
  ticketId: string,
  options: { publicOnly: boolean; beforeSeq?: number | null; limit: number },
) {
  let q = db
    .selectFrom('ticket_messages')
    .select(['id', 'seq', 'author_type', 'author_id', 'body', 'public', 'channel', 'created_at'])
    .where('workspace_id', '=', workspaceId)
    .where('ticket_id', '=', ticketId);
  if (options.publicOnly) q = q.where('public', '=', true);
  if (options.beforeSeq != null) q = q.where('seq', '<', options.beforeSeq);
  const rows = await q.orderBy('seq', 'desc').limit(options.limit).execute();
  const attachments = await attachmentsOf(
    db,
    workspaceId,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({ ...toMessage(r, attachments.get(r.id) ?? []), seq: r.seq }));
}
