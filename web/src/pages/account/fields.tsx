import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { post } from '../../api.js';
import { problemStatus } from '../portal/util.js';

/** One labelled password input (the browser's password manager reads `autoComplete`). */
export function PasswordField({
  label,
  value,
  onChange,
  autoComplete,
  invalid = false,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  autoComplete: 'current-password' | 'new-password';
  invalid?: boolean;
}) {
  const id = useId();
  const isNew = autoComplete === 'new-password';
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="password"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        required
        minLength={isNew ? 8 : undefined}
        maxLength={200}
        autoComplete={autoComplete}
        aria-invalid={invalid || undefined}
      />
    </>
  );
}

/** "New password" and "New password again", as the reset page and the profile ask for them. */
export function NewPasswordFields({
  password,
  confirm,
  onPassword,
  onConfirm,
  mismatch,
}: {
  password: string;
  confirm: string;
  onPassword: (value: string) => void;
  onConfirm: (value: string) => void;
  mismatch: boolean;
}) {
  const { t } = useTranslation();
  return (
    <>
      <PasswordField
        label={t('account.newPassword')}
        value={password}
        onChange={onPassword}
        autoComplete="new-password"
      />
      <PasswordField
        label={t('account.confirmPassword')}
        value={confirm}
        onChange={onConfirm}
        autoComplete="new-password"
        invalid={mismatch}
      />
    </>
  );
}

/** What a form's last submission gave: a polite status line, or an alert. */
export type OutcomeMessage = { kind: 'done' | 'error'; text: string };

export function Outcome({ message }: { message: OutcomeMessage | null }) {
  return (
    <>
      <p className="success" role="status">
        {message?.kind === 'done' ? message.text : ''}
      </p>
      {message?.kind === 'error' ? (
        <p className="error" role="alert">
          {message.text}
        </p>
      ) : null}
    </>
  );
}

/**
 * Asks for an account email (a password reset, a sign-in link): `request` posts it and says the `sent`
 * sentence, which never tells whether the address has an account, or why it could not be asked.
 */
export function useAccountEmailRequest() {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<OutcomeMessage | null>(null);
  async function request(path: string, body: Record<string, unknown>, sent: string) {
    setBusy(true);
    setMessage(null);
    try {
      await post(path, body);
      setMessage({ kind: 'done', text: sent });
    } catch (err) {
      const status = problemStatus(err);
      const key = status === 429 ? 'emailTooMany' : status === 400 ? 'emailInvalid' : 'emailFailed';
      setMessage({ kind: 'error', text: t(`account.${key}`) });
    } finally {
      setBusy(false);
    }
  }
  return { busy, message, setMessage, request };
}
