import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { isUuid } from '../../auth/tokens.js';
import type { Db } from '../../shared/db/connect.js';
import { notFound } from '../../shared/errors.js';
import type { ApproverRef, StepDefinition, TemplateSwitches, WhenNobody } from '../core/types.js';
import { assertRefsExist } from '../refs.js';

export type TemplateInput = {
  name: string;
  description?: string | null;
  allowAppeals?: boolean;
  appealReviewers?: ApproverRef[];
  steps: StepDefinition[];
  expireAfterHours?: number | null;
} & Partial<TemplateSwitches>;

export type TemplateView = {
  id: string;
  name: string;
  description: string | null;
  allowAppeals: boolean;
  appealReviewers: ApproverRef[];
  /** Read back with `whenNobody` always set (stored steps may predate it). */
  steps: (StepDefinition & { whenNobody: WhenNobody })[];
  expireAfterHours: number | null;
  createdAt: Date;
  updatedAt: Date;
} & TemplateSwitches;

const columns = [
  'id',
  'name',
  'description',
  'allow_appeals',
  'appeal_reviewers',
  'steps',
  'expire_after_hours',
  'prevent_self_approval',
  'require_comment_on_deny',
  'lock_recipients',
  'created_at',
  'updated_at',
] as const;

type Row = {
  id: string;
  name: string;
  description: string | null;
  allow_appeals: boolean;
  appeal_reviewers: unknown[];
  steps: unknown[];
  expire_after_hours: number | null;
  prevent_self_approval: boolean;
  require_comment_on_deny: boolean;
  lock_recipients: boolean;
  created_at: Date;
  updated_at: Date;
};

const toView = (r: Row): TemplateView => ({
  id: r.id,
  name: r.name,
  description: r.description,
  allowAppeals: r.allow_appeals,
  appealReviewers: r.appeal_reviewers as ApproverRef[],
  // Steps stored before `whenNobody` existed wait, the default (SPEC §8.1).
  steps: (r.steps as StepDefinition[]).map((s) => ({ ...s, whenNobody: s.whenNobody ?? ('wait' as const) })),
  expireAfterHours: r.expire_after_hours,
  preventSelfApproval: r.prevent_self_approval,
  requireCommentOnDeny: r.require_comment_on_deny,
  lockRecipients: r.lock_recipients,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The columns both creation and replacement write; a step without `whenNobody` is stored as `wait`. */
function templateColumns(input: TemplateInput) {
  return {
    name: input.name,
    description: input.description ?? null,
    allow_appeals: input.allowAppeals ?? false,
    appeal_reviewers: JSON.stringify(input.appealReviewers ?? []),
    steps: JSON.stringify(input.steps.map((s) => ({ ...s, whenNobody: s.whenNobody ?? 'wait' }))),
    expire_after_hours: input.expireAfterHours ?? null,
    prevent_self_approval: input.preventSelfApproval ?? false,
    require_comment_on_deny: input.requireCommentOnDeny ?? false,
    lock_recipients: input.lockRecipients ?? false,
  };
}

async function assertTemplateRefs(db: Db, workspaceId: string, input: TemplateInput) {
  await assertRefsExist(db, workspaceId, [
    ...input.steps.flatMap((s) => s.approvers),
    ...(input.appealReviewers ?? []),
  ]);
}

export async function createTemplate(
  db: Db,
  workspaceId: string,
  input: TemplateInput,
): Promise<TemplateView> {
  await assertTemplateRefs(db, workspaceId, input);
  const row = await db
    .insertInto('approval_templates')
    .values({
      workspace_id: workspaceId,
      id: randomUUID(),
      ...templateColumns(input),
    })
    .returning(columns)
    .executeTakeFirstOrThrow();
  return toView(row);
}

export async function replaceTemplate(
  db: Db,
  workspaceId: string,
  id: string,
  input: TemplateInput,
): Promise<TemplateView> {
  const current = await getTemplate(db, workspaceId, id);
  await assertTemplateRefs(db, workspaceId, input);
  const row = await db
    .updateTable('approval_templates')
    .set({
      ...templateColumns(input),
      updated_at: sql<Date>`now()`,
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', current.id)
    .returning(columns)
    .executeTakeFirstOrThrow();
  return toView(row);
}

export async function archiveTemplate(db: Db, workspaceId: string, id: string): Promise<void> {
  const current = await getTemplate(db, workspaceId, id);
  await db
    .updateTable('approval_templates')
    .set({ archived_at: sql<Date>`now()` })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', current.id)
    .execute();
}

export async function getTemplate(db: Db, workspaceId: string, id: string): Promise<TemplateView> {
  const row = isUuid(id)
    ? await db
        .selectFrom('approval_templates')
        .select(columns)
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .where('archived_at', 'is', null)
        .executeTakeFirst()
    : undefined;
  if (!row) throw notFound('Approval template');
  return toView(row);
}

export async function listTemplates(db: Db, workspaceId: string, after: string | null, limit: number) {
  let q = db
    .selectFrom('approval_templates')
    .select(columns)
    .where('workspace_id', '=', workspaceId)
    .where('archived_at', 'is', null);
  if (after) q = q.where('id', '>', after);
  const rows = await q
    .orderBy('id')
    .limit(limit + 1)
    .execute();
  return rows.map(toView);
}
