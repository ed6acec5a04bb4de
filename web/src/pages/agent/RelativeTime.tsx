import { formatDate } from '../../i18n.js';

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "3 hours ago", "il y a 2 jours": the largest whole unit, or "now" under a minute. */
export function relativeTime(value: string | Date, language: string, now = Date.now()): string {
  const seconds = Math.round((new Date(value).getTime() - now) / 1000);
  const format = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return format.format(Math.trunc(seconds / size), unit);
  }
  return format.format(0, 'second');
}

/** A time shown relative to now, with the full date and time as its machine value and tooltip. */
export function RelativeTime({ value, language }: { value: string; language: string }) {
  return (
    <time dateTime={value} title={formatDate(value, language)}>
      {relativeTime(value, language)}
    </time>
  );
}
