import { z } from 'zod';

/**
 * Building blocks of response schemas (issue 13 item 1). The serializer (fastify-type-provider-zod)
 * checks every answer against its route's schema and drops any key the schema does not name, so a
 * column added to a query never leaks by accident: these are plain (non-strict) objects. Fields are
 * plain types (no trimming or lower-casing): an answer is described, not transformed.
 */

/** A cursor page of `item`, registered as an OpenAPI component named `id`. */
export function pageOf<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({
      items: z.array(item),
      nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last.'),
    })
    .meta({ id });
}

/** A person as others refer to them. */
export const personRefAnswer = z.object({ type: z.enum(['member', 'contact']), id: z.string() });

/** `202`: the request is taken; the email (if any account matches) leaves in the background. */
export const acceptedAnswer = z
  .object({ sent: z.literal(true) })
  .meta({ id: 'Accepted', description: 'Taken; any email leaves in the background.' });

/**
 * A 204 answer has no body. The OpenAPI transform writes `undefined` as a `null` schema, which
 * `@fastify/swagger` turns into a response without content; handlers answer `send(undefined)`, which
 * Fastify sends without serializing.
 */
export const noContent = z.undefined().describe('No content');
