import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Locale } from './api/types.js';
import * as en from './locales/en/index.js';
import * as fr from './locales/fr/index.js';

export type { Locale };
export const LOCALES: Locale[] = ['en', 'fr'];
const STORAGE_KEY = 'signoff.locale';

/** The person's choice, else their profile's locale (set after sign-in), else the browser's language. */
export function initialLocale(): Locale {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'fr') return stored;
  return navigator.language.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

void i18next.use(initReactI18next).init({
  resources: { en, fr },
  lng: initialLocale(),
  fallbackLng: 'en',
  defaultNS: 'common',
  ns: Object.keys(en),
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
});

export function setLocale(locale: Locale, remember = true) {
  if (remember) localStorage.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
  void i18next.changeLanguage(locale);
}

export function hasChosenLocale(): boolean {
  return localStorage.getItem(STORAGE_KEY) !== null;
}

document.documentElement.lang = i18next.language;

export function formatDate(value: string | Date | null | undefined, locale: string): string {
  if (!value) return '';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(value));
}

export function formatNumber(value: number, locale: string): string {
  return new Intl.NumberFormat(locale).format(value);
}

export default i18next;
