import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { LOCALES, type Locale, setLocale } from '../i18n.js';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const id = useId();
  return (
    <span className="language-switch">
      <label htmlFor={id} className="visually-hidden">
        {t('nav.language')}
      </label>
      <select id={id} value={i18n.language} onChange={(e) => setLocale(e.target.value as Locale)}>
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {t(`locales.${l}`)}
          </option>
        ))}
      </select>
    </span>
  );
}
