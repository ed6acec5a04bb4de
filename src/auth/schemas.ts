import { z } from 'zod';
import { personRefAnswer } from '../shared/http/responses.js';

const localeAnswer = z.enum(['en', 'fr']).nullable();

/** A member's email switches (SPEC §8.2, §8.3 "notification preferences"); contacts have none. */
export const notificationsAnswer = z
  .object({
    newTickets: z.boolean().describe('Emailed when a ticket is opened (assigned to me, or unassigned)'),
    customerReplies: z
      .boolean()
      .describe('Emailed when a customer replies on a ticket (assigned to me, or unassigned)'),
  })
  .meta({ id: 'NotificationPreferences' });

/** Who is signed in: members carry their role and their notification switches. */
export const meAnswer = z
  .discriminatedUnion('type', [
    z.object({
      type: z.literal('member'),
      id: z.string(),
      workspaceId: z.string(),
      name: z.string(),
      email: z.string(),
      role: z.enum(['admin', 'agent']),
      locale: localeAnswer,
      notifications: notificationsAnswer,
    }),
    z.object({
      type: z.literal('contact'),
      id: z.string(),
      workspaceId: z.string(),
      name: z.string(),
      email: z.string(),
      locale: localeAnswer,
    }),
  ])
  .meta({ id: 'Me' });

/**
 * A sign-in: with `session: token` (scripts) the bearer token; with `session: cookie` (the web app) the
 * token went into an HttpOnly cookie and the answer carries the CSRF token instead.
 */
export const sessionAnswer = z
  .union([
    z.object({ token: z.string().describe('Send as Authorization: Bearer'), principal: personRefAnswer }),
    z.object({ principal: personRefAnswer, csrfToken: z.string().describe('Send as x-csrf-token') }),
  ])
  .meta({ id: 'Session' });

export const csrfAnswer = z.object({ csrfToken: z.string() }).meta({ id: 'CsrfToken' });

export const passwordSetAnswer = z
  .object({
    workspaceId: z.string(),
    email: z.string(),
    principal: personRefAnswer,
    purpose: z.enum(['password_reset', 'invitation']),
  })
  .meta({ id: 'PasswordSet', description: 'The password is set; every session ended, nobody is signed in.' });

export const signInLinkSessionAnswer = z
  .object({
    principal: personRefAnswer,
    next: z.string().nullable().describe('The page to open, when the link named one'),
    csrfToken: z.string(),
  })
  .meta({ id: 'SignInLinkSession', description: 'Signed in: the session is in an HttpOnly cookie.' });

/** What the account audit log records (admins read it at GET /audit-events). */
export const AUDIT_KINDS = [
  'password_changed',
  'password_reset',
  'invitation_sent',
  'invitation_redeemed',
  'sessions_ended',
  'member_deactivated',
  'member_reactivated',
  'role_changed',
] as const;

const auditPerson = z.object({
  type: z.enum(['member', 'contact']),
  id: z.string(),
  name: z.string().nullable().describe('Their current name; null once they are gone'),
});

export const auditEventAnswer = z
  .object({
    id: z.string(),
    kind: z.enum(AUDIT_KINDS),
    actor: auditPerson.nullable().describe('null: nobody signed in (a link, the system)'),
    subject: auditPerson,
    data: z.record(z.string(), z.unknown()),
    createdAt: z.date(),
  })
  .meta({ id: 'AuditEvent' });

/** A workspace as the sign-in chooser shows it. */
export const workspaceChoice = z
  .object({ id: z.string(), name: z.string(), slug: z.string() })
  .meta({ id: 'WorkspaceChoice' });

/**
 * `409 choose_workspace` (SPEC §8.3, §8.6): the email and password match accounts in several
 * workspaces; sign in again with one of `workspaces`. Answered only to someone who knows the password.
 */
export const chooseWorkspaceProblem = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.literal(409),
    code: z.literal('choose_workspace'),
    detail: z.string(),
    workspaces: z.array(workspaceChoice),
  })
  .meta({ id: 'ChooseWorkspaceProblem' });
