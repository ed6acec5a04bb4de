import i18next from 'i18next';
import { type MessageKey, messages } from './messages.js';
import type { Locale } from './types.js';

/** French typography: a no-break space before « : ; ! ? » and after « and n°. */
function frenchSpacing(value: string): string {
  return value
    .replace(/ ([:;!?»])/g, '\u00a0$1')
    .replace(/« /g, '«\u00a0')
    .replace(/n° /g, 'n°\u00a0');
}

function mapStrings<T>(value: T, f: (s: string) => string): T {
  if (typeof value === 'string') return f(value) as T;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, mapStrings(v, f)]),
  ) as T;
}

/**
 * A private instance: nothing is shared with any other i18next user in the
 * process. Resources are inline and `initAsync: false` makes `init` synchronous.
 */
const instance = i18next.createInstance();
void instance.init({
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: ['en', 'fr'],
  initAsync: false,
  showSupportNotice: false,
  returnNull: false,
  resources: {
    en: { translation: messages.en },
    fr: { translation: mapStrings(messages.fr, frenchSpacing) },
  },
  interpolation: { escapeValue: false },
});

export type Vars = Record<string, string | number>;

/**
 * The string i18next picks for a key (and a count) never changes once loaded: kept per locale, since
 * looking it up again was a tenth of the delivery worker's CPU per email.
 */
const templates: Record<Locale, Map<string, string>> = { en: new Map(), fr: new Map() };
export type Translate = (key: MessageKey, vars?: Vars) => string;

/**
 * i18next picks the string (locale, fallback, plural form from `vars.count`);
 * the placeholders are then filled here in one pass. Values are never scanned
 * again, so a title such as `{{requester}}` or `$t(...)` stays literal text
 * (i18next's own interpolation and nesting would look inside them).
 */
export function translator(locale: Locale): Translate {
  const t = instance.getFixedT(locale);
  const cached = templates[locale];
  return (key, vars = {}) => {
    const count = typeof vars.count === 'number' ? vars.count : undefined;
    const cacheKey = count === undefined ? key : `${key}|${count}`;
    let template = cached.get(cacheKey);
    if (template === undefined) {
      template = String(t(key, { ...(count === undefined ? {} : { count }), skipInterpolation: true }));
      cached.set(cacheKey, template);
    }
    return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (placeholder, name: string) =>
      Object.hasOwn(vars, name) ? String(vars[name]) : placeholder,
    );
  };
}
