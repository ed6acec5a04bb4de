import { sql } from 'kysely';
import type { Db } from '../../../src/shared/db/connect.js';

/**
 * Tables left out of "a rejected request changed nothing", and why. Everything else in the
 * schema is compared row by row.
 */
export const UNCHECKED_TABLES: Record<string, string> = {
  rate_limits:
    'abuse-limit counters: a refused sign-in, signup or approval-link call legitimately counts an attempt (SPEC §5)',
  kysely_migration: 'schema bookkeeping, written only by migrations',
  kysely_migration_lock: 'schema bookkeeping, written only by migrations',
};

export type TableState = { rows: number; md5: string };
export type DbState = Record<string, TableState>;

let tableCache: WeakMap<Db, string[]> = new WeakMap();

async function checkedTables(db: Db): Promise<string[]> {
  const cached = tableCache.get(db);
  if (cached) return cached;
  const { rows } = await sql<{ name: string }>`
    SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
    ORDER BY table_name`.execute(db);
  const names = rows.map((r) => r.name).filter((n) => !(n in UNCHECKED_TABLES));
  tableCache.set(db, names);
  return names;
}

/** Forgets the table list (after a migration in the same process, say). */
export function resetTableCache(): void {
  tableCache = new WeakMap();
}

/**
 * Row count and an md5 of every row (as text, in a stable order) of each checked table,
 * in one statement, so that a snapshot is consistent.
 */
export async function snapshot(db: Db): Promise<DbState> {
  const tables = await checkedTables(db);
  const parts = tables.map(
    (t) =>
      sql`SELECT ${t}::text AS name, count(*)::int AS rows,
            md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '')) AS md5
          FROM ${sql.table(t)} x`,
  );
  const { rows } = await sql<{ name: string; rows: number; md5: string }>`${sql.join(
    parts,
    sql` UNION ALL `,
  )}`.execute(db);
  return Object.fromEntries(rows.map((r) => [r.name, { rows: Number(r.rows), md5: r.md5 }]));
}

/** The tables whose rows differ between two snapshots, with their counts. */
export function diffStates(before: DbState, after: DbState): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  const changed: string[] = [];
  for (const name of [...names].sort()) {
    const a = before[name];
    const b = after[name];
    if (a?.md5 !== b?.md5 || a?.rows !== b?.rows)
      changed.push(`${name} (${a?.rows ?? '-'} → ${b?.rows ?? '-'} rows)`);
  }
  return changed;
}
