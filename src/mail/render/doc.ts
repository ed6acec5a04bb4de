import type { Locale } from './types.js';

/**
 * What an email says, independent of its format: `compose` builds it once and
 * the text and HTML renderers both print it, so the two always carry the same
 * content. Every string here is plain, unescaped text.
 */
export type Action = { label: string; url: string; tone: 'approve' | 'deny' | 'neutral' | 'primary' };
export type Field = { label: string; value: string };
export type ThreadEntry = { author: string; date: string; line: string; body: string };

export type Block =
  | { type: 'paragraph'; text: string }
  | { type: 'actions'; heading: string | null; actions: Action[] }
  | { type: 'notes'; lines: string[] }
  | { type: 'quote'; label: string; body: string }
  | { type: 'fields'; heading: string; rows: Field[]; note: string | null }
  | { type: 'section'; heading: string; body: string }
  | { type: 'thread'; heading: string; note: string | null; entries: ThreadEntry[] }
  | { type: 'link'; label: string; url: string };

export type EmailDoc = {
  locale: Locale;
  subject: string;
  preheader: string;
  workspaceName: string;
  headline: string;
  greeting: string;
  blocks: Block[];
  footer: string;
  /** What follows a label in plain text: ": " in English, " : " (no-break space) in French. */
  colon: string;
};
