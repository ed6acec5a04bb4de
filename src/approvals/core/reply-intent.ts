/**
 * What an approver's emailed reply means (SPEC §8.2 "Reply to approve", §8.6): a decision when its
 * first word is one of the decision words, with the rest of its first paragraph as the comment;
 * otherwise the whole reply is a comment. Pure: no I/O.
 *
 * - The text is put in NFC first, so "Approuvé" typed with a combining accent (NFD, as some mail
 *   clients on macOS send it) reads like the precomposed one.
 * - The first word is the first run of letters (Unicode letters, and the combining marks that belong
 *   to them): "*Approved*", "OUI!" and "  refusé." all count; anything before it that is not a letter
 *   (punctuation, digits, emoji) is skipped.
 * - Case is ignored (`toLowerCase`, locale-independent).
 * - The unaccented "approuve" and "refuse" count too: French typed on a keyboard or phone without
 *   accents, and "refuse" means the same in English.
 */

export type ReplyIntent =
  | { kind: 'decision'; decision: 'approve' | 'deny'; comment: string | null }
  | { kind: 'comment'; body: string }
  /** Nothing but white space: nothing to do. */
  | { kind: 'empty' };

const WORDS: ReadonlyMap<string, 'approve' | 'deny'> = new Map([
  ...['approve', 'approved', 'yes', 'approuver', 'approuvé', 'approuve', 'oui'].map(
    (w) => [w, 'approve'] as const,
  ),
  ...['deny', 'denied', 'no', 'refuser', 'refusé', 'refuse', 'non'].map((w) => [w, 'deny'] as const),
]);

/** The words that decide, as listed by SPEC §8.2 plus the unaccented French spellings. */
export const DECISION_WORDS: ReadonlyMap<string, 'approve' | 'deny'> = WORDS;

const FIRST_WORD = /[\p{L}\p{M}]+/u;
/** What separates the decision word from its comment: spaces, dashes, and the punctuation of a sentence. */
const SEPARATOR = /^[\s\p{Pd},.;:!?…*_~)\]»”’"']+/u;
/** A blank line (only white space on it) ends the first paragraph. */
const BLANK_LINE = /\r?\n[^\S\r\n]*\r?\n/;

export function readReplyIntent(text: string): ReplyIntent {
  const body = text.normalize('NFC').trim();
  if (body === '') return { kind: 'empty' };
  const match = FIRST_WORD.exec(body);
  const decision = match ? WORDS.get(match[0].toLowerCase()) : undefined;
  if (!match || !decision) return { kind: 'comment', body };
  // The rest of the word's paragraph: what follows it up to the next blank line.
  const after = body.slice(match.index + match[0].length).split(BLANK_LINE, 1)[0]!;
  const rest = after.replace(SEPARATOR, '').trim();
  return { kind: 'decision', decision, comment: rest === '' ? null : rest };
}
