import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../shared/db/connect.js';
import { slugFromName } from '../shared/email/addresses.js';
import { conflict, notFound } from '../shared/errors.js';
import { DEFAULT_SETTINGS, readSettings, type WorkspaceSettings } from './settings.js';

/**
 * A new workspace. Its slug (its inbound address, SPEC §8.2) is the one asked for (`409 slug_taken` when
 * another workspace has it), else one made from its name: `acme`, or `acme-2`, `acme-3`… when taken, so
 * that two companies of the same name can both sign up.
 */
export async function createWorkspace(
  db: Db,
  input: { name: string; slug?: string; settings?: Partial<WorkspaceSettings> },
): Promise<{ id: string; slug: string }> {
  const id = randomUUID();
  const settings = JSON.stringify({ ...DEFAULT_SETTINGS, ...input.settings });
  const insert = async (slug: string) => {
    const row = await sql<{ id: string }>`
      INSERT INTO workspaces (id, name, settings, slug) VALUES (${id}, ${input.name}, ${settings}::jsonb, ${slug})
      ON CONFLICT ((lower(slug))) DO NOTHING RETURNING id`.execute(db);
    return row.rows.length === 1;
  };
  if (input.slug !== undefined) {
    if (!(await insert(input.slug.toLowerCase())))
      throw conflict('slug_taken', `The slug ${input.slug} is taken`);
    return { id, slug: input.slug.toLowerCase() };
  }
  const stem = slugFromName(input.name);
  const taken = await db
    .selectFrom('workspaces')
    .select(sql<string>`lower(slug)`.as('slug'))
    .where(sql<string>`lower(slug)`, 'like', `${stem}%`) // a stem is [a-z0-9-]: nothing to escape
    .execute();
  const used = new Set(taken.map((r) => r.slug));
  // A concurrent sign-up may take the free slug found here: then the next one is tried.
  for (let n = 1; n <= 1000; n++) {
    const slug = n === 1 ? stem : `${stem}-${n}`;
    if (used.has(slug)) continue;
    if (await insert(slug)) return { id, slug };
  }
  const slug = `${stem}-${randomUUID().slice(0, 8)}`;
  if (!(await insert(slug))) throw conflict('slug_taken', `The slug ${slug} is taken`);
  return { id, slug };
}

/** Moves the workspace's inbound address; `409 slug_taken` when another workspace has the slug. */
export async function setSlug(db: Db, workspaceId: string, slug: string): Promise<void> {
  const taken = () => conflict('slug_taken', `The slug ${slug} is taken`);
  const { rows } = await sql<{ id: string }>`
    UPDATE workspaces SET slug = ${slug} WHERE id = ${workspaceId}
      AND NOT EXISTS (SELECT 1 FROM workspaces o WHERE lower(o.slug) = lower(${slug}) AND o.id <> ${workspaceId})
    RETURNING id`
    .execute(db)
    .catch((error: unknown) => {
      // Another workspace took it since the check (the unique index is the judge).
      if ((error as { code?: string }).code === '23505') throw taken();
      throw error;
    });
  if (rows.length === 0) throw taken();
}

export async function getWorkspace(db: Db, workspaceId: string) {
  const row = await db
    .selectFrom('workspaces')
    .select(['id', 'name', 'slug', 'settings', 'created_at'])
    .where('id', '=', workspaceId)
    .executeTakeFirst();
  if (!row) throw notFound('Workspace');
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    settings: readSettings(row.settings),
    createdAt: row.created_at,
  };
}

/** The workspace a portal address `/portal/{slug}` names (slugs are unique ignoring case). */
export async function findWorkspaceBySlug(
  db: Db,
  slug: string,
): Promise<{ id: string; name: string; slug: string }> {
  const row = await db
    .selectFrom('workspaces')
    .select(['id', 'name', 'slug'])
    .where(sql<string>`lower(slug)`, '=', slug.toLowerCase())
    .executeTakeFirst();
  if (!row) throw notFound('Workspace');
  return row;
}

export async function getSettings(db: Db, workspaceId: string): Promise<WorkspaceSettings> {
  return (await getWorkspace(db, workspaceId)).settings;
}

/** The settings, with the workspace row locked until the transaction ends; null when there is no such workspace. */
export async function lockedSettings(tx: Db, workspaceId: string): Promise<WorkspaceSettings | null> {
  const row = await tx
    .selectFrom('workspaces')
    .select('settings')
    .where('id', '=', workspaceId)
    .forUpdate()
    .executeTakeFirst();
  return row ? readSettings(row.settings) : null;
}

export async function writeSettings(db: Db, workspaceId: string, settings: WorkspaceSettings): Promise<void> {
  await db
    .updateTable('workspaces')
    .set({ settings: JSON.stringify(settings) })
    .where('id', '=', workspaceId)
    .execute();
}

/** SPEC rule 1: 409 approvals_disabled unless the module is on. */
export function assertApprovalsEnabled(settings: WorkspaceSettings): WorkspaceSettings {
  if (!settings.approvalsEnabled) {
    throw conflict('approvals_disabled', 'The approvals module is turned off for this workspace');
  }
  return settings;
}

/** Settings of the approvals module, or 409 approvals_disabled (SPEC rule 1). */
export async function requireApprovalsEnabled(db: Db, workspaceId: string): Promise<WorkspaceSettings> {
  return assertApprovalsEnabled(await getSettings(db, workspaceId));
}

/** Next per-workspace number; the row lock serialises concurrent creations in one workspace. */
export async function nextNumber(db: Db, workspaceId: string, kind: 'ticket' | 'approval'): Promise<number> {
  const column = kind === 'ticket' ? 'next_ticket_number' : 'next_approval_number';
  const row = await db
    .updateTable('workspaces')
    .set((eb) => ({ [column]: eb(column, '+', 1) }))
    .where('id', '=', workspaceId)
    .returning(`${column} as next`)
    .executeTakeFirstOrThrow();
  return Number(row.next) - 1;
}
