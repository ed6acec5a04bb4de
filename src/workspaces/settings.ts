import { z } from 'zod';

export const localeSchema = z.enum(['en', 'fr']);

export const settingsSchema = z.strictObject({
  approvalsEnabled: z.boolean(),
  contactsCanViewApprovals: z.boolean(),
  contactApprovalEmails: z.boolean(),
  appealsEnabled: z.boolean(),
  requireSignInForEmailResponses: z.boolean(),
  approvalLinkTtlHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 365),
  defaultLocale: localeSchema,
  /** Remind approvers who have not answered after this many hours; null turns automatic reminders off. */
  autoRemindAfterHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .nullable(),
  /** At most this many reminders per approver and step, manual ones included. */
  maxAutoReminders: z.number().int().min(0).max(20),
});

export type WorkspaceSettings = z.infer<typeof settingsSchema>;

/** SPEC §2: every switch off except sign-in for email responses; links live a week. */
export const DEFAULT_SETTINGS: WorkspaceSettings = {
  approvalsEnabled: false,
  contactsCanViewApprovals: false,
  contactApprovalEmails: false,
  appealsEnabled: false,
  requireSignInForEmailResponses: true,
  approvalLinkTtlHours: 168,
  defaultLocale: 'en',
  autoRemindAfterHours: null,
  maxAutoReminders: 3,
};

export const settingsPatchSchema = settingsSchema.partial();

/** Stored settings merged over the defaults, so settings added later get their default. */
export function readSettings(stored: unknown): WorkspaceSettings {
  const parsed = settingsPatchSchema.safeParse(stored);
  return { ...DEFAULT_SETTINGS, ...(parsed.success ? parsed.data : {}) };
}
