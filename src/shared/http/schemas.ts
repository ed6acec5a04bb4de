import { z } from 'zod';

/** Ids are UUIDs; any 8-4-4-4-12 hex string is accepted so a made-up id reads as "not found". */
export const id = z.guid();
export const idParams = z.strictObject({ id: z.string().max(100) });
export const name = z.string().trim().min(1).max(200);
/**
 * A person's name: one line, at most 100 characters once trimmed. Line breaks and other control
 * characters are refused (400) rather than folded, so nobody is renamed behind their back; names
 * appear in other people's emails, where a multi-line name could pass for the email's own text.
 */
export const PERSON_NAME_MAX = 100;
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
const ONE_LINE = /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*$/;
const oneLineName = (max: number) =>
  z.string().trim().min(1).max(max).regex(ONE_LINE, 'must be one line without control characters');
export const personName = oneLineName(PERSON_NAME_MAX);
/** A workspace's name, shown in every email's subject and footer: one line too. */
export const workspaceName = oneLineName(200);
export const email = z.string().trim().toLowerCase().pipe(z.email().max(320));
export const password = z.string().min(8).max(200);
export const locale = z.enum(['en', 'fr']);

export const personRef = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('member'), id }),
  z.strictObject({ type: z.literal('contact'), id }),
]);

export const approverRef = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('member'), id }),
  z.strictObject({ type: z.literal('contact'), id }),
  z.strictObject({ type: z.literal('group'), id }),
  z.strictObject({ type: z.literal('ticket_requester') }),
  z.strictObject({ type: z.literal('ticket_contacts') }),
  z.strictObject({ type: z.literal('ticket_assignee') }),
]);

export const rule = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('any') }),
  z.strictObject({ type: z.literal('all') }),
  z.strictObject({ type: z.literal('min'), count: z.number().int().min(1).max(1000) }),
]);
