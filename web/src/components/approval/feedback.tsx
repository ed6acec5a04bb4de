import type { TFunction } from 'i18next';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api.js';

/** What went wrong, in words for the person: the API's problem detail, or a friendlier sentence we know. */
export function problemText(error: unknown, t: TFunction): string {
  if (error instanceof ApiError) {
    const { problem } = error;
    if (problem.status === 429) {
      const seconds = error.retryAfterSeconds;
      return seconds
        ? t('agent:errors.tryAgainIn', { count: Math.max(1, Math.ceil(seconds / 60)) })
        : t('agent:errors.tooMany');
    }
    if (problem.code === 'approval_pending') return t('agent:errors.approvalPending');
    const fields = (problem.errors ?? []).map((e) => `${e.field}: ${e.message}`);
    return [problem.detail, ...fields.filter((f) => !problem.detail.includes(f))].join(' — ');
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/** An error shown to assistive technology as soon as it appears. */
export function ActionError({ error, id }: { error: unknown; id?: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <p className="error" role="alert" id={id}>
      {problemText(error, t)}
    </p>
  );
}

/** A polite confirmation ("Reminder sent") read out after an action. */
export function ActionDone({ message }: { message: string | null }) {
  return (
    <p className="success ag-done" role="status">
      {message ?? ''}
    </p>
  );
}

/** Runs one action at a time, keeping its error; `run` answers undefined when the action failed. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async <T,>(action: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await action();
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  const clear = useCallback(() => setError(null), []);
  return { busy, error, run, clear };
}
