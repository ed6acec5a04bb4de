import { tokensIn } from '../../mail/harness.js';
import type { SmtpSink } from '../../support/smtp-sink.js';
import { approvalRequestBody, type LoadFixture, type LoadPerson, type LoadWorkspace } from './load-seed.js';

/**
 * The mixed load: `clients` concurrent clients run `operations` random operations, each on
 * a random API process: decisions by the right and the wrong people, comments, recipient
 * edits, resends, cancels, appeals and appeal decisions, decisions through links taken from
 * the emails the SMTP sink received, and new requests. Each operation reads the approval
 * first (as its admin) to aim at the right people, so it races with everyone else.
 *
 * Every answer is checked against the statuses its operation allows (a wrong person never
 * gets a 2xx), and every accepted decision goes into a ledger the audit compares with the
 * database (no vote lost, none counted that was refused).
 */

export type Kind =
  | 'read'
  | 'decide'
  | 'decide_contact'
  | 'decide_wrong'
  | 'comment_member'
  | 'comment_contact'
  | 'recipients'
  | 'resend'
  | 'cancel'
  | 'cancel_wrong'
  | 'appeal'
  | 'appeal_decide'
  | 'appeal_decide_wrong'
  | 'link'
  | 'link_anonymous'
  | 'link_wrong'
  | 'request';

/** What each kind of request may answer. A fault may add 503 (database) or a network error (crash). */
const ALLOWED: Record<Kind, number[]> = {
  read: [200],
  // 403: removed by a concurrent edit, or the step moved on; 409: already decided, or finished.
  decide: [200, 403, 409],
  // A contact removed from the step by a concurrent edit no longer sees the approval (rule 2).
  decide_contact: [200, 403, 404, 409],
  decide_wrong: [403, 409],
  comment_member: [201],
  comment_contact: [201, 403, 404],
  recipients: [200, 409],
  // 400: nobody (or not this person) is awaited; 429: reminded in the last 5 minutes.
  resend: [200, 400, 409, 429],
  cancel: [200, 409],
  cancel_wrong: [403],
  appeal: [200, 409],
  appeal_decide: [200, 409],
  appeal_decide_wrong: [403, 409],
  // 410: used, revoked or no longer current; 429: the per-address limit of link calls.
  link: [200, 410, 429],
  link_anonymous: [401, 410, 429],
  link_wrong: [403, 410, 429],
  request: [201],
};

const WEIGHTS: [Kind, number][] = [
  ['decide', 26],
  ['decide_wrong', 5],
  ['comment_member', 5],
  ['comment_contact', 3],
  ['recipients', 8],
  ['resend', 5],
  ['cancel', 2],
  ['cancel_wrong', 2],
  ['appeal', 9],
  ['appeal_decide', 8],
  ['appeal_decide_wrong', 2],
  ['link', 12],
  ['link_anonymous', 2],
  ['link_wrong', 3],
  ['request', 4],
];

export type Scheduled = { at: number; name: string; run: () => Promise<void> };

export type LoadOptions = {
  fixture: LoadFixture;
  /** The API processes up right now. */
  urls: () => string[];
  sink: SmtpSink;
  operations: number;
  clients: number;
  rand: () => number;
  /** Database faults: any request may also answer 503 service_unavailable. */
  unavailableAllowed?: boolean;
  /** Faults started (not awaited by the clients) when the operation counter reaches `at`. */
  schedule?: Scheduled[];
  timeLimitMs?: number;
  requestTimeoutMs?: number;
};

export type Answer = { status: number; body: any; contentType: string; url: string };

export type LoadResult = {
  operations: number;
  requests: number;
  /** When the load began (epoch ms): outbox rows created from then on are the load's. */
  startedAt: number;
  durationMs: number;
  /** By HTTP status ('network' for a request that got no answer). */
  statuses: Record<string, number>;
  byKind: Record<string, Record<string, number>>;
  /** Answers outside what their operation allows (including any 5xx). */
  unexpected: { kind: Kind; status: number | 'network'; url: string; detail: string }[];
  serverErrors: { kind: Kind; status: number; contentType: string; code: unknown; url: string }[];
  networkErrors: { kind: Kind; url: string; at: number; error: string }[];
  /**
   * Accepted decisions (steps and appeals, API and links) per `approvalId|type:id`: `ok`
   * answered 2xx, `unknown` got a 503 or no answer (the transaction may or may not have committed).
   */
  ledger: Map<string, { ok: number; unknown: number }>;
  faults: { name: string; at: number; startedMs: number; endedMs: number; error?: string }[];
};

type LinkEntry = { ws: number; person: LoadPerson; token: string };

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { fixture, sink, rand } = options;
  const started = Date.now();
  const deadline = started + (options.timeLimitMs ?? 180_000);
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const result: LoadResult = {
    operations: 0,
    requests: 0,
    startedAt: started,
    durationMs: 0,
    statuses: {},
    byKind: {},
    unexpected: [],
    serverErrors: [],
    networkErrors: [],
    ledger: new Map(),
    faults: [],
  };
  const approvals = [...fixture.approvals];
  const people = fixture.workspaces.map(
    (ws) =>
      new Map([ws.admin, ...ws.staff, ...ws.outsiders, ...ws.contacts].map((p) => [`${p.type}:${p.id}`, p])),
  );
  const links: LinkEntry[] = [];
  let seenEmails = 0;
  const collectLinks = () => {
    for (; seenEmails < sink.messages.length; seenEmails++) {
      const m = sink.messages[seenEmails]!;
      const who = fixture.byEmail.get(m.to[0] ?? '');
      if (!who) continue;
      for (const token of tokensIn(m)) links.push({ ws: who.ws, person: who.person, token });
    }
  };
  const pick = <T>(list: readonly T[]): T | undefined =>
    list.length === 0 ? undefined : list[Math.floor(rand() * list.length)];
  const totalWeight = WEIGHTS.reduce((s, [, w]) => s + w, 0);
  const pickKind = (): Kind => {
    let r = rand() * totalWeight;
    for (const [k, w] of WEIGHTS) {
      r -= w;
      if (r < 0) return k;
    }
    return 'decide';
  };

  const count = (kind: Kind, status: string) => {
    result.statuses[status] = (result.statuses[status] ?? 0) + 1;
    const k = result.byKind[kind] ?? {};
    k[status] = (k[status] ?? 0) + 1;
    result.byKind[kind] = k;
  };

  /** One HTTP request to a random live API process; never throws. */
  async function call(
    kind: Kind,
    method: string,
    path: string,
    opts: { token?: string | undefined; body?: unknown } = {},
  ): Promise<Answer | null> {
    const url = pick(options.urls());
    if (!url) {
      await new Promise((r) => setTimeout(r, 50));
      return null;
    }
    result.requests++;
    const headers: Record<string, string> = {};
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    try {
      const res = await fetch(`${url}/api/v1${path}`, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      let body: any = text;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        // not JSON
      }
      const contentType = res.headers.get('content-type') ?? '';
      const answer = { status: res.status, body, contentType, url };
      count(kind, String(res.status));
      if (kind !== 'read') seen(answer);
      const allowed =
        ALLOWED[kind].includes(res.status) ||
        (options.unavailableAllowed === true &&
          res.status === 503 &&
          contentType.startsWith('application/problem+json') &&
          body?.code === 'service_unavailable');
      if (res.status >= 500) {
        result.serverErrors.push({ kind, status: res.status, contentType, code: body?.code, url });
      }
      if (!allowed) {
        result.unexpected.push({
          kind,
          status: res.status,
          url,
          detail: `${method} ${path} → ${JSON.stringify(body).slice(0, 300)}`,
        });
      }
      return answer;
    } catch (error: any) {
      count(kind, 'network');
      result.networkErrors.push({
        kind,
        url,
        at: Date.now(),
        error: `${error?.name}: ${error?.message} ${error?.cause?.code ?? ''}`.trim(),
      });
      return null;
    }
  }

  const note = (key: string, answer: Answer | null) => {
    const e = result.ledger.get(key) ?? { ok: 0, unknown: 0 };
    if (answer && answer.status >= 200 && answer.status < 300) e.ok++;
    else if (answer === null || answer.status >= 500) e.unknown++;
    else return;
    result.ledger.set(key, e);
  };
  const key = (approvalId: string, p: { type: string; id: string }) => `${approvalId}|${p.type}:${p.id}`;

  // The status each approval had when last seen, to aim most operations where they can succeed,
  // and a few "hot" pending approvals that many clients hit at once (rule 13).
  const lastStatus = new Map<string, string>();
  const seen = (answer: Answer | null) => {
    const b = answer?.body;
    if (answer && answer.status < 300 && typeof b?.id === 'string' && typeof b?.status === 'string') {
      lastStatus.set(b.id, b.status);
    }
  };
  const WANTED: Partial<Record<Kind, string>> = {
    decide: 'pending',
    recipients: 'pending',
    resend: 'pending',
    comment_contact: 'pending',
    appeal: 'denied',
    appeal_decide: 'appeal_pending',
  };
  const pickTarget = (kind: Kind) => {
    const want = WANTED[kind];
    if (want && rand() < 0.7) {
      const candidates = approvals.filter((a) => lastStatus.get(a.id) === want);
      const hot = want === 'pending' && rand() < 0.4 ? candidates.slice(0, 6) : candidates;
      if (hot.length > 0) return pick(hot)!;
    }
    return pick(approvals)!;
  };

  async function operation(kind: Kind) {
    collectLinks();
    const target = pickTarget(kind);
    const ws: LoadWorkspace = fixture.workspaces[target.ws]!;
    const who = people[target.ws]!;
    const personOf = (ref: { type: string; id: string } | undefined) =>
      ref ? who.get(`${ref.type}:${ref.id}`) : undefined;

    if (kind === 'link' || kind === 'link_anonymous' || kind === 'link_wrong') {
      return linkOperation(kind);
    }
    if (kind === 'request') {
      const ticket = pick(ws.tickets)!;
      const res = await call(kind, 'POST', `/tickets/${ticket.id}/approvals`, {
        token: ws.admin.token,
        body: approvalRequestBody(ws, rand),
      });
      if (res?.status === 201) approvals.push({ ws: ws.index, id: res.body.id, ticketId: ticket.id });
      return;
    }

    const snapRes = await call('read', 'GET', `/approvals/${target.id}`, { token: ws.admin.token });
    seen(snapRes);
    if (snapRes?.status !== 200) return;
    const snap = snapRes.body;
    const step = snap.steps[snap.currentStepIndex];
    const live: { type: string; id: string; decision: string | null }[] = step?.approvers ?? [];
    const everyone: { type: string; id: string }[] = snap.steps.flatMap((s: any) => s.approvers);
    const decision = () => (rand() < 0.65 ? 'approve' : 'deny');
    const withComment = (body: Record<string, unknown>) =>
      rand() < 0.3 ? { ...body, comment: `because ${Math.floor(rand() * 1000)}` } : body;

    switch (kind) {
      case 'decide': {
        let by: LoadPerson | undefined;
        if (snap.status === 'appeal_pending') by = personOf(pick(snap.appeal.reviewers as any[]));
        else if (snap.status === 'pending') {
          const undecided = live.filter((a) => a.decision === null);
          by = personOf(pick(undecided.length > 0 && rand() < 0.85 ? undecided : live));
        } else by = personOf(pick(everyone));
        if (!by) return;
        const res = await call(
          by.type === 'contact' ? 'decide_contact' : kind,
          'POST',
          `/approvals/${target.id}/decisions`,
          {
            token: by.token,
            body: withComment({ decision: decision() }),
          },
        );
        return note(key(target.id, by), res);
      }
      case 'decide_wrong': {
        const by = pick(ws.outsiders)!;
        const res = await call(kind, 'POST', `/approvals/${target.id}/decisions`, {
          token: by.token,
          body: { decision: decision() },
        });
        return note(key(target.id, by), res);
      }
      case 'comment_member': {
        const by = rand() < 0.3 ? ws.admin : pick(ws.staff)!;
        await call(kind, 'POST', `/approvals/${target.id}/comments`, {
          token: by.token,
          body: { body: `Any news? ${Math.floor(rand() * 1e6)}`, internal: rand() < 0.2 },
        });
        return;
      }
      case 'comment_contact': {
        const asked = live.filter((a) => a.type === 'contact');
        const by = (rand() < 0.6 ? personOf(pick(asked)) : undefined) ?? pick(ws.contacts)!;
        await call(kind, 'POST', `/approvals/${target.id}/comments`, {
          token: by.token,
          body: { body: `A question ${Math.floor(rand() * 1e6)}` },
        });
        return;
      }
      case 'recipients': {
        const by = pick(ws.staff)!;
        const candidates = [...ws.staff.slice(0, 15), ...ws.contacts];
        const add: any[] = [];
        const remove: any[] = [];
        const r = rand();
        if (r < 0.55 || live.length === 0) {
          const p = pick(candidates)!;
          add.push({ type: p.type, id: p.id });
        }
        if (r >= 0.4 && live.length > 0) {
          const p = pick(live)!;
          remove.push({ type: p.type, id: p.id });
        }
        await call(kind, 'PATCH', `/approvals/${target.id}/recipients`, {
          token: by.token,
          body: { ...(add.length ? { add } : {}), ...(remove.length ? { remove } : {}) },
        });
        return;
      }
      case 'resend': {
        const by = pick(ws.staff)!;
        const undecided = live.filter((a) => a.decision === null);
        const one = rand() < 0.5 ? pick(undecided) : undefined;
        await call(kind, 'POST', `/approvals/${target.id}/reminders`, {
          token: by.token,
          body: one ? { approver: { type: one.type, id: one.id } } : {},
        });
        return;
      }
      case 'cancel': {
        const by = rand() < 0.5 ? ws.admin : (personOf(snap.requestedBy) ?? ws.admin);
        await call(kind, 'POST', `/approvals/${target.id}/cancel`, { token: by.token });
        return;
      }
      case 'cancel_wrong': {
        const by = pick([...ws.staff, ...ws.outsiders].filter((p) => p.id !== snap.requestedBy.id))!;
        await call(kind, 'POST', `/approvals/${target.id}/cancel`, { token: by.token });
        return;
      }
      case 'appeal': {
        const ticket = ws.tickets.find((t) => t.id === target.ticketId);
        const requester = ticket ? personOf({ type: 'contact', id: ticket.requesterId }) : undefined;
        const by = rand() < 0.5 && requester ? requester : pick(ws.staff)!;
        await call(kind, 'POST', `/approvals/${target.id}/appeal`, {
          token: by.token,
          body: { reason: `Please reconsider ${Math.floor(rand() * 1000)}` },
        });
        return;
      }
      case 'appeal_decide': {
        const reviewers: any[] = snap.appeal?.reviewers ?? ws.reviewers;
        const by = personOf(pick(reviewers));
        if (!by) return;
        const res = await call(kind, 'POST', `/approvals/${target.id}/appeal/decisions`, {
          token: by.token,
          body: withComment({ decision: rand() < 0.5 ? 'approve' : 'deny' }),
        });
        return note(key(target.id, by), res);
      }
      case 'appeal_decide_wrong': {
        const by = pick(ws.outsiders)!;
        const res = await call(kind, 'POST', `/approvals/${target.id}/appeal/decisions`, {
          token: by.token,
          body: { decision: 'approve' },
        });
        return note(key(target.id, by), res);
      }
    }
  }

  async function linkOperation(kind: 'link' | 'link_anonymous' | 'link_wrong') {
    if (links.length === 0) return;
    const index = Math.floor(rand() * links.length);
    const entry = links[index]!;
    // Mostly fresh links: a used one is taken out once tried by its owner.
    if (kind === 'link' && rand() < 0.7) links.splice(index, 1);
    const ws = fixture.workspaces[entry.ws]!;
    let token: string | undefined;
    let k: Kind = kind;
    if (kind === 'link') {
      token = ws.requireSignIn ? entry.person.token : undefined;
    } else if (kind === 'link_anonymous') {
      if (!ws.requireSignIn) k = 'link';
    } else {
      token = pick(ws.outsiders)!.token;
    }
    const res = await call(k, 'POST', `/approval-links/${entry.token}/decisions`, {
      token,
      body: { decision: rand() < 0.65 ? 'approve' : 'deny' },
    });
    if (res?.status === 200) note(key(res.body.approval.id, entry.person), res);
    else if (k === 'link' && (!res || res.status >= 500)) {
      // The approval is not known without an answer: recorded under the link, matched by person.
      note(`?|${entry.person.type}:${entry.person.id}`, res);
    }
  }

  const schedule = [...(options.schedule ?? [])].sort((a, b) => a.at - b.at);
  const faultRuns: Promise<void>[] = [];
  let issued = 0;
  const client = async () => {
    for (;;) {
      if (issued >= options.operations || Date.now() > deadline) return;
      const n = issued++;
      while (schedule.length > 0 && schedule[0]!.at <= n) {
        const s = schedule.shift()!;
        const fault: LoadResult['faults'][number] = {
          name: s.name,
          at: n,
          startedMs: Date.now() - started,
          endedMs: -1,
        };
        result.faults.push(fault);
        faultRuns.push(
          s.run().then(
            () => {
              fault.endedMs = Date.now() - started;
            },
            (error) => {
              fault.endedMs = Date.now() - started;
              fault.error = String(error?.stack ?? error);
            },
          ),
        );
      }
      await operation(pickKind());
      result.operations++;
    }
  };
  await Promise.all(Array.from({ length: options.clients }, client));
  await Promise.all(faultRuns);
  result.durationMs = Date.now() - started;
  return result;
}

/** One line per kind: `decide 200:312 403:12 409:80`. */
export function formatStatuses(result: LoadResult): string {
  const lines = Object.entries(result.byKind)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([kind, s]) =>
        `  ${kind.padEnd(20)} ${Object.entries(s)
          .sort()
          .map(([k, v]) => `${k}:${v}`)
          .join(' ')}`,
    );
  const total = Object.entries(result.statuses)
    .sort()
    .map(([k, v]) => `${k}:${v}`)
    .join(' ');
  return `operations ${result.operations}, requests ${result.requests}, ${(result.durationMs / 1000).toFixed(1)} s\n  all statuses: ${total}\n${lines.join('\n')}`;
}
