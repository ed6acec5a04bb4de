import { z } from 'zod';
import { requireAdmin, requireMember } from '../../auth/authenticate.js';
import { assertPeopleExist } from '../../people/repo.js';
import { id, idParams, personRef } from '../../shared/http/schemas.js';
import type { Api, AppDeps } from '../../shared/http/types.js';
import { findTicket } from '../../tickets/repo.js';
import { requireApprovalsEnabled } from '../../workspaces/repo.js';
import { previewDraft, previewForTicket, type StepWarning } from '../core/preview.js';
import type { StepDefinition } from '../core/types.js';
import { groupPeople } from '../groups/repo.js';
import { assertRefsExist, normalizeRef } from '../refs.js';
import { inactiveMembers, resolutionContext, templateForRequest, templateStartInput } from '../service.js';

/**
 * Warnings before an approval is requested or a template saved (SPEC §8.1): steps that
 * resolve to nobody, and `min` counts above the people a step reaches.
 */

const warning = z
  .discriminatedUnion('code', [
    z.object({ code: z.literal('resolves_to_nobody') }),
    z.object({ code: z.literal('may_resolve_to_nobody') }),
    z.object({
      code: z.literal('min_above_reachable'),
      count: z.number().int(),
      reachable: z.number().int(),
    }),
    z.object({
      code: z.literal('min_may_be_above_reachable'),
      count: z.number().int(),
      atLeast: z.number().int(),
    }),
  ])
  .meta({ id: 'StepWarning' });

const ticketPreviewBody = z.strictObject({ templateId: id, onBehalfOf: personRef.optional() });

export const ticketPreviewAnswer = z
  .object({
    steps: z.array(
      z.object({
        name: z.string(),
        whenNobody: z.enum(['wait', 'skip']),
        approverCount: z.number().int().describe('People the step would ask if it started now.'),
        leftOutCount: z.number().int().describe('People preventSelfApproval would leave out.'),
        warnings: z.array(warning),
      }),
    ),
    refusal: z
      .string()
      .nullable()
      .describe('The error code a request made now would get (400), or null when it would be made.'),
  })
  .meta({ id: 'TicketApprovalPreview' });

export const draftPreviewAnswer = z
  .object({
    steps: z.array(z.object({ name: z.string(), warnings: z.array(warning) })),
  })
  .meta({ id: 'TemplateDraftPreview' });

/** Registers the two preview routes; `templateBody` is the template editor's body. */
export function previewRoutes(
  app: Api,
  { db, now }: AppDeps,
  templateBody: z.ZodType<{ steps: StepDefinition[] }>,
  normalizeSteps: (steps: StepDefinition[]) => StepDefinition[],
): void {
  app.post(
    '/tickets/:id/approvals/preview',
    {
      schema: {
        tags: ['approvals'],
        summary: 'What requesting this template on this ticket would do now, step by step',
        params: idParams,
        body: ticketPreviewBody,
        response: { 200: ticketPreviewAnswer },
      },
    },
    async (request): Promise<z.infer<typeof ticketPreviewAnswer>> => {
      const m = requireMember(request);
      const ws = m.workspaceId;
      await requireApprovalsEnabled(db, ws);
      const ticket = await findTicket(db, ws, request.params.id);
      const template = await templateForRequest(db, ws, request.body.templateId);
      const onBehalfOf = request.body.onBehalfOf ? normalizeRef(request.body.onBehalfOf) : null;
      if (onBehalfOf) await assertPeopleExist(db, ws, [onBehalfOf]);
      const input = { ...templateStartInput(template), requestedBy: m.id, expiresAt: null, onBehalfOf };
      const ctx = await resolutionContext(
        db,
        ws,
        ticket.id,
        input.steps.flatMap((s) => s.approvers),
      );
      const preview = previewForTicket(input, ctx, now());
      return {
        steps: preview.steps.map((s) => ({
          name: s.name,
          whenNobody: s.whenNobody,
          approverCount: s.approvers.length,
          leftOutCount: s.leftOut.length,
          warnings: s.warnings,
        })),
        refusal: preview.refusal,
      };
    },
  );

  app.post(
    '/approval-templates/preview',
    {
      schema: {
        tags: ['approval templates'],
        summary: 'Warnings about a template draft: steps that can resolve to nobody, min counts above reach',
        body: templateBody,
        response: { 200: draftPreviewAnswer },
      },
    },
    async (request): Promise<z.infer<typeof draftPreviewAnswer>> => {
      const admin = requireAdmin(request);
      const ws = admin.workspaceId;
      await requireApprovalsEnabled(db, ws);
      const steps = normalizeSteps(request.body.steps);
      const refs = steps.flatMap((s) => s.approvers);
      await assertRefsExist(db, ws, refs);
      const warnings: StepWarning[][] = previewDraft(steps, {
        groups: await groupPeople(
          db,
          ws,
          refs.flatMap((r) => (r.type === 'group' ? [r.id] : [])),
        ),
        inactiveMemberIds: await inactiveMembers(
          db,
          ws,
          refs.flatMap((r) => (r.type === 'member' ? [r.id] : [])),
        ),
      });
      return { steps: steps.map((s, i) => ({ name: s.name, warnings: warnings[i] ?? [] })) };
    },
  );
}
