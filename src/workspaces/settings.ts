import { z } from 'zod';
import { SLUG_PATTERN } from '../shared/email/addresses.js';

export const localeSchema = z.enum(['en', 'fr']);

/** The largest `maxApproversPerStep` a workspace may choose. */
export const MAX_APPROVERS_PER_STEP_LIMIT = 2000;

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
  /**
   * At most this many people on one approval step (issue 10: one request may not cost unbounded rows,
   * emails and time). Its upper bound keeps the largest step's transaction short on the embedded database.
   */
  maxApproversPerStep: z.number().int().min(1).max(MAX_APPROVERS_PER_STEP_LIMIT),
  /** SPEC §8.2: mail from an address the workspace does not know makes a contact and a ticket; off: dropped and logged. */
  acceptMailFromUnknownSenders: z.boolean(),
  /** SPEC §8.2: a new ticket is acknowledged to its requester by email. */
  acknowledgeNewTickets: z.boolean(),
});

export type WorkspaceSettings = z.infer<typeof settingsSchema>;

/**
 * The settings as answered: every switch, with its current value (unknown keys are dropped, not refused),
 * and the workspace's inbound address (SPEC §8.2), which is a column, not a switch.
 */
export const settingsAnswer = z
  .object({
    ...settingsSchema.shape,
    slug: z.string().describe('The workspace receives mail at {slug}@{INBOUND_DOMAIN}.'),
    inboundAddress: z.string().describe('{slug}@{INBOUND_DOMAIN}: mail sent here makes tickets and replies.'),
  })
  .meta({ id: 'Settings' });

export const slugSchema = z.string().trim().toLowerCase().regex(SLUG_PATTERN, '3 to 40 of a-z, 0-9 and -');

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
  maxApproversPerStep: 500,
  acceptMailFromUnknownSenders: true,
  acknowledgeNewTickets: true,
};

export const settingsPatchSchema = settingsSchema.partial();

/** Stored settings merged over the defaults, so settings added later get their default. */
export function readSettings(stored: unknown): WorkspaceSettings {
  const parsed = settingsPatchSchema.safeParse(stored);
  return { ...DEFAULT_SETTINGS, ...(parsed.success ? parsed.data : {}) };
}
