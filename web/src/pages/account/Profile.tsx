import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Locale, Me } from '../../api/types.js';
import { ApiError, patch } from '../../api.js';
import { ErrorMessage, Page } from '../../components/common.js';
import { setLocale } from '../../i18n.js';
import { useSession } from '../../session.js';
import { NewPasswordFields, Outcome, PasswordField } from './fields.js';

/** The signed-in person's profile (`/profile`, `/portal/profile`): name, language, email switches (members), password. */
export function Profile() {
  const { t } = useTranslation();
  const { me, refresh } = useSession();
  const [name, setName] = useState(me?.name ?? '');
  const [locale, setProfileLocale] = useState<Locale | ''>(me?.locale ?? '');
  const [saved, setSaved] = useState(false);
  const [profileError, setProfileError] = useState<unknown>(null);
  const ids = { name: useId(), locale: useId() };

  async function saveProfile(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    setProfileError(null);
    try {
      await patch('/me', { name: name.trim(), locale: locale || null });
      if (locale) setLocale(locale);
      await refresh();
      setSaved(true);
    } catch (err) {
      setProfileError(err);
    }
  }

  return (
    <Page title={t('account.profileTitle')}>
      <form className="card form narrow" onSubmit={saveProfile}>
        <label htmlFor={ids.name}>{t('account.name')}</label>
        <input
          id={ids.name}
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          maxLength={100}
          autoComplete="name"
        />
        <label htmlFor={ids.locale}>{t('account.language')}</label>
        <select
          id={ids.locale}
          value={locale}
          onChange={(e) => setProfileLocale(e.target.value as Locale | '')}
        >
          <option value="">{t('account.languageDefault')}</option>
          <option value="en" lang="en">
            English
          </option>
          <option value="fr" lang="fr">
            Français
          </option>
        </select>
        <ErrorMessage error={profileError} />
        <Outcome message={saved ? { kind: 'done', text: t('account.saved') } : null} />
        <button type="submit" className="primary">
          {t('account.save')}
        </button>
      </form>
      {me?.type === 'member' ? <Notifications /> : null}
      <ChangePassword />
    </Page>
  );
}

/** The member's switches, as the API answers them (`NotificationPreferences`). */
type Switches = Extract<Me, { type: 'member' }>['notifications'];

/**
 * A member's email switches (SPEC §8.2): new tickets and customer replies, for tickets assigned to them or
 * unassigned. Each switch is saved as soon as it is flipped.
 */
function Notifications() {
  const { t } = useTranslation();
  const { me, refresh } = useSession();
  const stored = me?.type === 'member' ? me.notifications : null;
  const [values, setValues] = useState<Switches>(stored ?? { newTickets: true, customerReplies: true });
  const [message, setMessage] = useState<{ kind: 'done' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { heading: useId(), hint: useId(), newTickets: useId(), customerReplies: useId() };

  async function flip(key: keyof Switches, value: boolean) {
    const before = values;
    setValues({ ...values, [key]: value });
    setBusy(true);
    setMessage(null);
    try {
      await patch('/me', { notifications: { [key]: value } });
      await refresh();
      setMessage({ kind: 'done', text: t('account.saved') });
    } catch {
      setValues(before);
      setMessage({ kind: 'error', text: t('account.failed') });
    } finally {
      setBusy(false);
    }
  }

  const row = (key: keyof Switches, label: string) => (
    <div>
      <input
        id={ids[key]}
        type="checkbox"
        role="switch"
        checked={values[key]}
        aria-checked={values[key]}
        disabled={busy}
        onChange={(e) => void flip(key, e.target.checked)}
      />{' '}
      <label htmlFor={ids[key]}>{label}</label>
    </div>
  );

  return (
    <section className="card form narrow" aria-labelledby={ids.heading} aria-describedby={ids.hint}>
      <h2 id={ids.heading}>{t('account.notificationsTitle')}</h2>
      <p id={ids.hint} className="field-hint">
        {t('account.notificationsHint')}
      </p>
      {row('newTickets', t('account.notifyNewTickets'))}
      {row('customerReplies', t('account.notifyCustomerReplies'))}
      <Outcome message={message} />
    </section>
  );
}

function ChangePassword() {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [message, setMessage] = useState<{ kind: 'done' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { hint: useId(), heading: useId() };

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (next !== confirm) {
      setMessage({ kind: 'error', text: t('account.mismatch') });
      return;
    }
    setBusy(true);
    setMessage(null);
    try {
      await patch('/me', { password: next, currentPassword: current });
      setCurrent('');
      setNext('');
      setConfirm('');
      setMessage({ kind: 'done', text: t('account.passwordChanged') });
    } catch (err) {
      const text =
        err instanceof ApiError && err.status === 400 && /no password yet/.test(err.message)
          ? t('account.noPasswordYet')
          : err instanceof ApiError && err.status === 400
            ? t('account.wrongCurrent')
            : t('account.failed');
      setMessage({ kind: 'error', text });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="card form narrow"
      onSubmit={submit}
      aria-labelledby={ids.heading}
      aria-describedby={ids.hint}
    >
      <h2 id={ids.heading}>{t('account.changePassword')}</h2>
      <p id={ids.hint} className="field-hint">
        {t('account.passwordHint')}
      </p>
      <PasswordField
        label={t('account.currentPassword')}
        value={current}
        onChange={setCurrent}
        autoComplete="current-password"
      />
      <NewPasswordFields
        password={next}
        confirm={confirm}
        onPassword={setNext}
        onConfirm={setConfirm}
        mismatch={message?.text === t('account.mismatch')}
      />
      <Outcome message={message} />
      <button type="submit" className="primary" disabled={busy}>
        {t('account.changePassword')}
      </button>
    </form>
  );
}
