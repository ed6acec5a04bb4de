import { STATUS_CODES } from 'node:http';
import type { SwaggerTransform, SwaggerTransformObject } from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ANSWERED_ERROR_CODES, ERROR_CODES, FRAMEWORK_CODE_PREFIX } from '../error-codes.js';

/**
 * The RFC 9457 body of every error answer. Loose: a problem may carry extension members (`reason` and
 * `decision` of a 410 link_inactive, `workspace` and `signIn` of a 401 sign_in_required, ...). It is
 * used only in the document, never to serialise a reply, so nothing a problem says is ever stripped.
 */
export const problemSchema = z
  .looseObject({
    type: z.string().describe('https://signoff.dev/problems/{code}'),
    title: z.string(),
    status: z.number().int(),
    code: z
      .enum(ANSWERED_ERROR_CODES as [string, ...string[]])
      .describe(
        `The stable machine code; x-error-codes at the document's root gives each one's status and meaning. A 4xx the HTTP framework raises itself may carry its own lower-cased code (${FRAMEWORK_CODE_PREFIX}*).`,
      ),
    detail: z.string(),
    errors: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .describe('invalid_request: each field at fault and why'),
  })
  .meta({ id: 'Problem', description: 'An RFC 9457 problem; extension members may follow.' });

const problemRef = { $ref: '#/components/schemas/Problem' };
const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: problemRef } },
});

/** Every operation may answer these; listed once here rather than on each route. */
const PROBLEM_RESPONSES = {
  '4XX': problemResponse('The request was refused: a problem whose `code` says why (see x-error-codes).'),
  '5XX': problemResponse('internal_error or service_unavailable (retry after Retry-After).'),
};

/** A response without a description of its own is named by its status rather than "Default Response". */
function withDescription(status: string, answer: unknown): unknown {
  const schema = answer as { description?: string };
  if (schema.description) return answer;
  return { ...schema, description: STATUS_CODES[Number(status)] ?? status };
}

/** A problem a route declares with its own extension members (`409 choose_workspace`), as problem+json. */
function problemAnswer(status: string, answer: unknown): unknown {
  const { description, ...schema } = answer as { description?: string };
  return {
    description: description ?? STATUS_CODES[Number(status)] ?? status,
    content: { 'application/problem+json': { schema } },
  };
}

/** The zod route schemas as JSON Schema (jsonSchemaTransform), plus the problem answers of every operation. */
export const withProblemResponses: SwaggerTransform = (input) => {
  const transformed = (jsonSchemaTransform as SwaggerTransform)(input);
  const schema = transformed.schema as { hide?: boolean; response?: Record<string, unknown> } | undefined;
  if (!schema || schema.hide) return transformed;
  const described = Object.fromEntries(
    Object.entries(schema.response ?? {}).map(([status, answer]) => [
      status,
      /^[45]/.test(status) ? problemAnswer(status, answer) : withDescription(status, answer),
    ]),
  );
  return { ...transformed, schema: { ...schema, response: { ...described, ...PROBLEM_RESPONSES } } };
};

/**
 * Named zod schemas (`.meta({ id })`) collected into components.schemas, where operations refer to them,
 * and the error-code table at the document's root.
 */
export const withComponentsAndErrorCodes: SwaggerTransformObject = (input) => {
  const document = (jsonSchemaTransformObject as SwaggerTransformObject)(input) as {
    components?: { schemas?: Record<string, unknown> };
  };
  // Every named schema comes in two forms, `Name` (answers) and `NameInput` (requests); keep only the
  // request forms some operation refers to.
  const text = JSON.stringify(document);
  const schemas = Object.fromEntries(
    Object.entries(document.components?.schemas ?? {}).filter(
      ([name]) => !name.endsWith('Input') || text.includes(`"$ref":"#/components/schemas/${name}"`),
    ),
  );
  return {
    ...document,
    components: { ...document.components, schemas },
    'x-error-codes': ERROR_CODES,
  } as ReturnType<SwaggerTransformObject>;
};
