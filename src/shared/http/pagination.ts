import { z } from 'zod';
import { invalid } from '../errors.js';

export const paginationQuery = {
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
};

export type Page<T> = { items: T[]; nextCursor: string | null };

/**
 * The sort keys cursors carry, range-checked like any input: a tampered cursor is `400 invalid_request`,
 * never a database error. Numbers (tickets, approvals) are PostgreSQL `int`; sequences are `bigint`,
 * of which JSON carries safely only what fits a double exactly.
 */
export const numberCursor = z.strictObject({ n: z.number().int().min(0).max(2_147_483_647) });
export const seqCursor = z.strictObject({ s: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) });
export const idCursor = z.strictObject({ id: z.guid() });

/** Cursors are opaque to clients: base64url JSON of the last row's sort key. */
export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<T extends z.ZodType>(cursor: string | undefined, shape: T): z.infer<T> | null {
  if (cursor === undefined) return null;
  try {
    const parsed = shape.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through
  }
  throw invalid('query.cursor', 'is not a valid cursor');
}

/** Takes `limit + 1` rows and turns the extra one into the next cursor. */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  map: (row: R) => T,
  keyOf: (row: R) => Record<string, string | number>,
): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items.at(-1);
  return {
    items: items.map(map),
    nextCursor: more && last !== undefined ? encodeCursor(keyOf(last)) : null,
  };
}
