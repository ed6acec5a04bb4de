import type { Translate } from './i18n.js';
import type { Locale } from './types.js';

/** `\r\n` and lone `\r` become `\n`. */
export function normalizeNewlines(value: string): string {
  return value.replace(/\r\n?/g, '\n');
}

/** For a header such as Subject: no line breaks or control characters, spaces collapsed. */
export function singleLine(value: string): string {
  return (
    value
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
      .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
      .replace(/ {2,}/g, ' ')
      .trim()
  );
}

/** Cut to at most `max` UTF-16 units without splitting a surrogate pair. */
export function truncate(value: string, max: number): { text: string; truncated: boolean } {
  if (value.length <= max) return { text: value, truncated: false };
  let end = max;
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return { text: value.slice(0, end), truncated: true };
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** In the recipient's locale and in UTC, so the output never depends on the server; callers add "UTC". */
export function formatDate(locale: Locale, date: Date, style: 'long' | 'medium'): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) return '';
  const id = `${locale}:${style}`;
  let format = dateFormats.get(id);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: style, timeStyle: 'short', timeZone: 'UTC' });
    dateFormats.set(id, format);
  }
  return format.format(date);
}

const listFormats = new Map<Locale, Intl.ListFormat>();

export function formatList(locale: Locale, items: string[]): string {
  let format = listFormats.get(locale);
  if (!format) {
    format = new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' });
    listFormats.set(locale, format);
  }
  return format.format(items);
}

const MAX_VALUE = 2000;

/** A form value as one readable string. */
export function formatValue(locale: Locale, t: Translate, value: unknown): string {
  let out: string;
  if (value === null || value === undefined || value === '') out = t('value.empty');
  else if (typeof value === 'string') out = value;
  else if (typeof value === 'boolean') out = t(value ? 'value.yes' : 'value.no');
  else if (typeof value === 'number' || typeof value === 'bigint') out = String(value);
  else if (value instanceof Date) out = `${formatDate(locale, value, 'long')} UTC`;
  else if (Array.isArray(value)) out = value.map((v) => formatValue(locale, t, v)).join(', ');
  else {
    try {
      out = JSON.stringify(value) ?? String(value);
    } catch {
      out = String(value);
    }
  }
  const cut = truncate(normalizeNewlines(out), MAX_VALUE);
  return cut.truncated ? `${cut.text}…` : cut.text;
}
