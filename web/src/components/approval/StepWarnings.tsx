import { useTranslation } from 'react-i18next';
import type { StepWarning, WhenNobody } from '../../api/types.js';

/** One warning of a step, in words: what resolves to nobody and what happens then, or a min count out of reach. */
export function useStepWarningText() {
  const { t } = useTranslation('common');
  return (warning: StepWarning, whenNobody: WhenNobody): string => {
    switch (warning.code) {
      case 'resolves_to_nobody':
      case 'may_resolve_to_nobody':
        return t(`stepWarnings.${warning.code}_${whenNobody}`);
      case 'min_above_reachable':
        return t('stepWarnings.min_above_reachable', { count: warning.count, reachable: warning.reachable });
      case 'min_may_be_above_reachable':
        return t('stepWarnings.min_may_be_above_reachable', {
          count: warning.count,
          atLeast: warning.atLeast,
        });
    }
  };
}

/** A step's warnings (SPEC §8.1), announced politely as they change; nothing when there are none. */
export function StepWarnings({
  warnings,
  whenNobody,
  id,
}: {
  warnings: StepWarning[];
  whenNobody: WhenNobody;
  id?: string;
}) {
  const text = useStepWarningText();
  return (
    <div className="step-warnings" aria-live="polite" id={id}>
      {warnings.length ? (
        <ul className="admin-warning">
          {warnings.map((w) => (
            <li key={w.code}>{text(w, whenNobody)}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
