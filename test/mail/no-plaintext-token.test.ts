import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/auth/tokens.js';
import type { Db } from '../../src/shared/db/connect.js';
import { contactRef, expectStatus, memberRef } from '../support/approvals.js';
import { engine } from '../support/database.js';
import { newWorkspace } from '../support/workspace.js';
import {
  addContact,
  addMember,
  drain,
  FAST_POLICY,
  type MailEnv,
  nonTicketTo,
  startMailEnv,
  tokensIn,
} from './harness.js';

/**
 * SPEC §4: a link token is 32 random bytes "stored only as a hash"; the
 * outbox "never holds a raw token". After real emails with links went out
 * (and some links were used), no text, varchar or jsonb column of any table
 * holds one of the tokens the emails carried.
 */

type Column = { table_name: string; column_name: string; data_type: string };

async function textColumns(db: Db): Promise<Column[]> {
  const { rows } = await sql<Column>`
    SELECT c.table_name, c.column_name, c.data_type
    FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
      AND c.data_type IN ('text', 'character varying', 'character', 'jsonb', 'json', 'ARRAY')
    ORDER BY c.table_name, c.column_name`.execute(db);
  return rows;
}

/** Every table and column where `needle` appears as a substring. */
async function whereIs(db: Db, columns: Column[], needle: string): Promise<string[]> {
  const hits: string[] = [];
  for (const c of columns) {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM ${sql.table(c.table_name)}
      WHERE strpos(${sql.ref(c.column_name)}::text, ${needle}) > 0`.execute(db);
    if (Number(rows[0]!.n) > 0) hits.push(`${c.table_name}.${c.column_name}`);
  }
  return hits;
}

let env: MailEnv;

beforeAll(async () => {
  env = await startMailEnv({ policy: FAST_POLICY });
});
afterAll(() => env?.close());

describe(`SPEC §4 no plaintext link token in the database (${engine})`, () => {
  it('§4 tokens are stored only as a hash: no column of any table holds a token that an email carried', async () => {
    const { api, db, sink } = env;
    const ws = await newWorkspace(api, {
      approvalsEnabled: true,
      contactApprovalEmails: true,
      appealsEnabled: true,
    });
    const a1 = await addMember(api, ws, { name: 'Token One' });
    const a2 = await addMember(api, ws, { name: 'Token Two', locale: 'fr' });
    const reviewer = await addMember(api, ws, { name: 'Token Reviewer' });
    const customer = await addContact(api, ws, { name: 'Token Customer' });
    const ticket = await ws.ticket(customer, { subject: 'Tokens everywhere' });
    const template = expectStatus(
      await api.post(
        '/approval-templates',
        {
          name: 'Token template',
          allowAppeals: true,
          appealReviewers: [memberRef(reviewer)],
          steps: [
            {
              name: 'One',
              approvers: [memberRef(a1), memberRef(a2), contactRef(customer)],
              rule: { type: 'all' },
            },
          ],
        },
        { token: ws.admin.token },
      ),
      201,
    );
    // Step emails (members and a contact), a reminder, a decision through a link, a denial, an appeal.
    const approval = expectStatus(
      await api.post(
        `/tickets/${ticket.id}/approvals`,
        { templateId: template.id },
        { token: ws.admin.token },
      ),
      201,
    );
    await drain(db, sink);
    expectStatus(
      await api.post(
        `/approvals/${approval.id}/reminders`,
        { approver: memberRef(a2) },
        { token: ws.admin.token },
      ),
      200,
    );
    await drain(db, sink);
    const first = sink.messages.find(nonTicketTo(a1))!;
    const [used] = tokensIn(first);
    expectStatus(
      await api.post(`/approval-links/${used}/decisions`, { decision: 'approve' }, { token: a1.token }),
      200,
    );
    // Opening a link (GET) must not store it either, e.g. in a rate-limit or log table.
    const [opened] = tokensIn(sink.messages.find(nonTicketTo(a2))!);
    expectStatus(await api.get(`/approval-links/${opened}`, { token: a2.token }), 200);
    expectStatus(
      await api.post(`/approvals/${approval.id}/decisions`, { decision: 'deny' }, { token: a2.token }),
      200,
    );
    expectStatus(
      await api.post(
        `/approvals/${approval.id}/appeal`,
        { reason: 'Token appeal' },
        { token: ws.admin.token },
      ),
      200,
    );
    await drain(db, sink);

    const tokens = [...new Set(sink.messages.flatMap((m) => tokensIn(m)))];
    // a1, a2 (twice: request and reminder), the contact, the reviewer.
    expect(tokens.length).toBeGreaterThanOrEqual(5);
    for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const columns = await textColumns(db);
    const names = columns.map((c) => `${c.table_name}.${c.column_name}`);
    // The scan covers the tables that could plausibly hold one.
    for (const must of [
      'outbox.payload',
      'approval_links.token_hash',
      'activities.data',
      'approvals.step_states',
      'rate_limits.key',
    ]) {
      expect(names).toContain(must);
    }
    // And it finds what is there: each token's hash, in approval_links only; a known title.
    expect(await whereIs(db, columns, 'Token template')).toContain('approvals.title');
    for (const t of tokens) {
      expect(await whereIs(db, columns, sha256(t)), `hash of ${t.slice(0, 6)}…`).toEqual([
        'approval_links.token_hash',
      ]);
    }
    const leaks: Record<string, string[]> = {};
    for (const t of tokens) {
      const hits = await whereIs(db, columns, t);
      if (hits.length > 0) leaks[t.slice(0, 6)] = hits;
    }
    expect(leaks).toEqual({});
  });
});
