import { z } from 'zod';

/**
 * Building blocks of response schemas (issue 13 item 1). The serializer (fastify-type-provider-zod)
 * checks every answer against its route's schema and strips keys the schema does not name, so these
 * are plain (non-strict) objects.
 */

/**
 * A 204 answer has no body. The OpenAPI transform writes `undefined` as a `null` schema, which
 * `@fastify/swagger` turns into a response without content; handlers answer `send(undefined)`, which
 * Fastify sends without serializing.
 */
export const noContent = z.undefined().describe('No content');

/** A cursor page of `item`, registered as an OpenAPI component named `id`. */
export function pageOf<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({
      items: z.array(item),
      nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last.'),
    })
    .meta({ id });
}
