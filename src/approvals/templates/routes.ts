import { z } from 'zod';
import { requireAdmin, requireMember } from '../../auth/authenticate.js';
import { decodeCursor, idCursor, paginationQuery, toPage } from '../../shared/http/pagination.js';
import { noContent } from '../../shared/http/responses.js';
import { approverRef, idParams, name, rule } from '../../shared/http/schemas.js';
import type { Api, AppDeps } from '../../shared/http/types.js';
import { requireApprovalsEnabled } from '../../workspaces/repo.js';
import { normalizeRef } from '../refs.js';
import { previewRoutes } from './preview.js';
import * as repo from './repo.js';
import { template, templatePage } from './schemas.js';

const step = z.strictObject({
  name,
  approvers: z.array(approverRef).min(1).max(100),
  rule,
  whenNobody: z
    .enum(['wait', 'skip'])
    .optional()
    .describe(
      'When the approvers resolve to nobody: `wait` (default) stays on the step until edit recipients adds someone; `skip` passes it.',
    ),
});

const switchField = (description: string) => z.boolean().optional().describe(`${description} Default false.`);

export const templateBody = z.strictObject({
  name,
  description: z.string().trim().max(10_000).nullable().optional(),
  allowAppeals: z.boolean().optional(),
  appealReviewers: z
    .array(
      z.discriminatedUnion('type', [approverRef.options[0], approverRef.options[1], approverRef.options[2]]),
    )
    .max(100)
    .optional(),
  steps: z.array(step).min(1).max(20),
  expireAfterHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 365)
    .nullable()
    .optional(),
  preventSelfApproval: switchField(
    'The requesting member and the on-behalf-of person are never approvers of a request made from this template.',
  ),
  requireCommentOnDeny: switchField('A denial needs a non-empty comment.'),
  lockRecipients: switchField('Only admins may edit the recipients of a request made from this template.'),
});

function normalize(body: z.infer<typeof templateBody>): repo.TemplateInput {
  return {
    ...body,
    appealReviewers: (body.appealReviewers ?? []).map(normalizeRef),
    steps: body.steps.map((s) => ({ ...s, approvers: s.approvers.map(normalizeRef) })),
  };
}

/** PATCH: the fields given replace the template's, the others stay (the switches, for one). */
const templatePatch = templateBody.partial();

export function templateRoutes(app: Api, deps: AppDeps): void {
  const { db } = deps;
  const tags = ['approval templates'];
  previewRoutes(app, deps, templateBody, (steps) => normalize({ name: '', steps }).steps);

  app.post(
    '/approval-templates',
    { schema: { tags, body: templateBody, response: { 201: template } } },
    async (request, reply) => {
      const admin = requireAdmin(request);
      await requireApprovalsEnabled(db, admin.workspaceId);
      return reply.code(201).send(await repo.createTemplate(db, admin.workspaceId, normalize(request.body)));
    },
  );

  app.get(
    '/approval-templates',
    { schema: { tags, querystring: z.strictObject(paginationQuery), response: { 200: templatePage } } },
    async (request) => {
      const m = requireMember(request);
      await requireApprovalsEnabled(db, m.workspaceId);
      const after = decodeCursor(request.query.cursor, idCursor);
      const rows = await repo.listTemplates(db, m.workspaceId, after?.id ?? null, request.query.limit);
      return toPage(
        rows,
        request.query.limit,
        (r) => r,
        (r) => ({ id: r.id }),
      );
    },
  );

  app.get(
    '/approval-templates/:id',
    { schema: { tags, params: idParams, response: { 200: template } } },
    async (request) => {
      const m = requireMember(request);
      await requireApprovalsEnabled(db, m.workspaceId);
      return repo.getTemplate(db, m.workspaceId, request.params.id);
    },
  );

  app.put(
    '/approval-templates/:id',
    { schema: { tags, params: idParams, body: templateBody, response: { 200: template } } },
    async (request) => {
      const admin = requireAdmin(request);
      await requireApprovalsEnabled(db, admin.workspaceId);
      return repo.replaceTemplate(db, admin.workspaceId, request.params.id, normalize(request.body));
    },
  );

  app.patch(
    '/approval-templates/:id',
    { schema: { tags, params: idParams, body: templatePatch, response: { 200: template } } },
    async (request) => {
      const admin = requireAdmin(request);
      await requireApprovalsEnabled(db, admin.workspaceId);
      const current = await repo.getTemplate(db, admin.workspaceId, request.params.id);
      const merged = { ...current, ...request.body } as z.infer<typeof templateBody>;
      return repo.replaceTemplate(db, admin.workspaceId, current.id, normalize(merged));
    },
  );

  app.delete(
    '/approval-templates/:id',
    { schema: { tags, params: idParams, response: { 204: noContent } } },
    async (request, reply) => {
      const admin = requireAdmin(request);
      await requireApprovalsEnabled(db, admin.workspaceId);
      await repo.archiveTemplate(db, admin.workspaceId, request.params.id);
      return reply.code(204).send(undefined);
    },
  );
}
