import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type FieldIssue, type FormProblem, toFormProblem } from './problems.js';

/**
 * A form's problem: after the first submit, the draft's own issues, kept up to date as the person
 * corrects them; after a failed save, the server's answer, until the draft changes (a moved step would
 * otherwise show an error on the wrong step).
 */
export function useFormProblem<T>(draft: T, validate: (draft: T) => FieldIssue[]) {
  const { t } = useTranslation('admin');
  const [checked, setChecked] = useState(false);
  const [server, setServer] = useState<{ problem: FormProblem; draft: T } | null>(null);

  let problem: FormProblem | null = null;
  if (server && server.draft === draft) problem = server.problem;
  else if (checked) {
    const issues = validate(draft);
    if (issues.length) problem = { message: t('common.fixErrors'), issues };
  }

  return {
    problem,
    /** Shows the draft's issues from now on; true when there are none and the draft may be sent. */
    check(): boolean {
      setChecked(true);
      setServer(null);
      return validate(draft).length === 0;
    },
    /** Shows why a save failed. */
    fail(error: unknown) {
      setServer({ problem: toFormProblem(error, t), draft });
    },
  };
}
