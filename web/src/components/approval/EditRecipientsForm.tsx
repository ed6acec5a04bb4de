import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Approval, ApproverRef, Directory, PersonRef } from '../../api/types.js';
import { patch } from '../../api.js';
import { ApproverPicker } from './ApproverPicker.js';
import { refKey } from './directory.js';
import { ActionError, useAction } from './feedback.js';

/**
 * "Edit recipients" of the current step (SPEC rule 7): take people off, add others. Only the added people
 * are notified; taking everyone off cancels the approval.
 */
export function EditRecipientsForm({
  approval,
  directory,
  onSaved,
  onCancel,
}: {
  approval: Approval;
  directory: Directory;
  onSaved: (approval: Approval) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation('agent');
  const headingId = useId();
  const step = approval.steps[approval.currentStepIndex];
  const current = step?.approvers ?? [];
  const [removed, setRemoved] = useState<Set<string>>(new Set());
  const [added, setAdded] = useState<ApproverRef[]>([]);
  const action = useAction();
  const removesEveryone = current.length > 0 && removed.size === current.length && added.length === 0;

  function toggle(key: string, on: boolean) {
    setRemoved((prev) => {
      const next = new Set(prev);
      if (on) next.add(key);
      else next.delete(key);
      return next;
    });
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const remove: PersonRef[] = current
      .filter((a) => removed.has(refKey(a)))
      .map((a) => ({ type: a.type, id: a.id }));
    const saved = await action.run(() =>
      patch<Approval>(`/approvals/${approval.id}/recipients`, {
        ...(added.length ? { add: added } : {}),
        ...(remove.length ? { remove } : {}),
      }),
    );
    if (saved) onSaved(saved);
  }

  return (
    <form className="form ag-panel" onSubmit={submit} aria-labelledby={headingId}>
      <h4 id={headingId}>{t('recipients.title', { step: step?.name ?? '' })}</h4>
      <fieldset>
        <legend>{t('recipients.current')}</legend>
        {current.length === 0 ? <p className="muted">{t('approval.nobody')}</p> : null}
        <ul className="ag-plain">
          {current.map((a) => {
            const key = refKey(a);
            const id = `${headingId}-${key}`;
            const name = a.name ?? t('people.unknown');
            return (
              <li key={key}>
                <input
                  id={id}
                  type="checkbox"
                  checked={removed.has(key)}
                  onChange={(e) => toggle(key, e.target.checked)}
                />{' '}
                <label htmlFor={id}>{t('recipients.removeOne', { name })}</label>
                {a.decision ? <span className="muted"> — {t(`answer.${a.decision}`)}</span> : null}
              </li>
            );
          })}
        </ul>
      </fieldset>
      <ApproverPicker
        label={t('recipients.add')}
        directory={directory}
        value={added}
        onChange={setAdded}
        exclude={current.map((a) => ({ type: a.type, id: a.id }))}
      />
      <p className="muted">{t('recipients.onlyAddedNotified')}</p>
      {removesEveryone ? (
        <p className="ag-warning" role="status">
          {t('recipients.removesEveryone')}
        </p>
      ) : null}
      <ActionError error={action.error} />
      <div className="row">
        <button
          type="submit"
          className={removesEveryone ? 'deny' : 'primary'}
          disabled={action.busy || (removed.size === 0 && added.length === 0)}
        >
          {removesEveryone ? t('recipients.removeAndCancel') : t('recipients.save')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('common:actions.cancel')}
        </button>
      </div>
    </form>
  );
}
