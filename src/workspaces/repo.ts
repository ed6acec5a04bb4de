import { randomUUID } from 'node:crypto';
import type { Db } from '../shared/db/connect.js';
import { conflict, notFound } from '../shared/errors.js';
import { DEFAULT_SETTINGS, readSettings, type WorkspaceSettings } from './settings.js';

export async function createWorkspace(
  db: Db,
  input: { name: string; settings?: Partial<WorkspaceSettings> },
): Promise<{ id: string }> {
  const id = randomUUID();
  await db
    .insertInto('workspaces')
    .values({ id, name: input.name, settings: JSON.stringify({ ...DEFAULT_SETTINGS, ...input.settings }) })
    .execute();
  return { id };
}

export async function getWorkspace(db: Db, workspaceId: string) {
  const row = await db
    .selectFrom('workspaces')
    .select(['id', 'name', 'settings', 'created_at'])
    .where('id', '=', workspaceId)
    .executeTakeFirst();
  if (!row) throw notFound('Workspace');
  return { id: row.id, name: row.name, settings: readSettings(row.settings), createdAt: row.created_at };
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
