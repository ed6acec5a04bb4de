import { z } from 'zod';

/**
 * Shapes of answers. Plain `z.object`s: the serializer parses each reply with its route's schema and
 * drops any key the schema does not name, so a column added to a query never leaks by accident.
 * Fields are plain types (no trimming or lower-casing): an answer is described, not transformed.
 */

/** A page of a list: `nextCursor` goes into `?cursor=` for the next one, null on the last page. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** A person as others refer to them. */
export const personRefAnswer = z.object({ type: z.enum(['member', 'contact']), id: z.string() });

/** `202`: the request is taken; the email (if any account matches) leaves in the background. */
export const acceptedAnswer = z
  .object({ sent: z.literal(true) })
  .meta({ id: 'Accepted', description: 'Taken; any email leaves in the background.' });

/** `204`: nothing in the body. */
export const noContent = z.undefined().describe('No content');
