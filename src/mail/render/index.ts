/**
 * The approval emails (SPEC §4) in English and French. Pure: no I/O, no clock;
 * the same input always gives the same output.
 */
import { compose } from './compose.js';
import { renderHtml } from './html.js';
import { renderText } from './text.js';
import type { EmailInput, RenderedEmail } from './types.js';

export { MAX_FORM_FIELDS, MAX_THREAD_BODY, MAX_THREAD_MESSAGES } from './compose.js';
export type { ApprovalRule, EmailInput, Locale, RenderedEmail, ThreadMessage } from './types.js';

export function renderEmail(input: EmailInput): RenderedEmail {
  const doc = compose(input);
  return { subject: doc.subject, text: renderText(doc), html: renderHtml(doc) };
}
