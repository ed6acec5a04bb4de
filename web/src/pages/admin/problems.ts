import { ApiError } from '../../api.js';

/** Translates a key of the 'admin' namespace. */
export type Translate = (key: string, options?: Record<string, unknown>) => string;

/** One failing field: `field` is a path in the request body (`name`, `steps.0.rule.count`). */
export type FieldIssue = { field: string; message: string };

/** What a form shows after a failed save: a sentence and the failing fields. */
export type FormProblem = { message: string; issues: FieldIssue[] };

/** Zod's messages (the API's) in the person's language; anything else passes through. */
function translateIssue(message: string, t: Translate): string {
  const patterns: [RegExp, (m: RegExpMatchArray) => string][] = [
    [/^Too small: expected string to have >=1 characters/, () => t('validation.required')],
    [/^Too small: expected string to have >=(\d+) characters/, (m) => t('validation.minLength', { n: m[1] })],
    [/^Too big: expected string to have <=(\d+) characters/, (m) => t('validation.maxLength', { n: m[1] })],
    [/^Too small: expected array to have >=1 items/, () => t('validation.atLeastOne')],
    [/^Too small: expected number to be >=(\d+)/, (m) => t('validation.minNumber', { n: m[1] })],
    [/^Too big: expected number to be <=(\d+)/, (m) => t('validation.maxNumber', { n: m[1] })],
    [/^Invalid email/, () => t('validation.email')],
    [/^Required$|^Invalid input: expected \w+, received undefined/, () => t('validation.required')],
  ];
  for (const [pattern, render] of patterns) {
    const match = message.match(pattern);
    if (match) return render(match);
  }
  return message;
}

/** Problems about one field of the body, though the API answers them without `errors`. */
const FIELD_OF_CODE: Record<string, string> = { slug_taken: 'slug' };

/** The form problem for an error thrown by api.ts (or anything else). */
export function toFormProblem(error: unknown, t: Translate): FormProblem {
  if (error instanceof ApiError) {
    const { code, detail, errors } = error.problem;
    const issues = (errors ?? []).map((e) => ({
      field: e.field.replace(/^body\.?/, ''),
      message: translateIssue(e.message, t),
    }));
    // A conflict that belongs to one field is shown next to it, not only above the form.
    const field = FIELD_OF_CODE[code];
    if (field && issues.length === 0)
      issues.push({ field, message: t(`problems.${code}`, { defaultValue: detail }) });
    if (code === 'not_found' && issues.length === 0 && /no longer|does not exist|not found/i.test(detail)) {
      return { message: t('validation.notFound'), issues };
    }
    return { message: t(`problems.${code}`, { defaultValue: detail }), issues };
  }
  return { message: error instanceof Error ? error.message : String(error), issues: [] };
}

export function problemCode(error: unknown): string | null {
  return error instanceof ApiError ? error.problem.code : null;
}

/** The first issue on `field` or inside it (`steps.0.approvers` also matches `steps.0.approvers.1.id`). */
export function issueFor(problem: FormProblem | null, field: string): string | undefined {
  return problem?.issues.find((i) => i.field === field || i.field.startsWith(`${field}.`))?.message;
}

export function isEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim());
}

/** A whole number in [min, max] typed in a field, or null. */
export function parseWhole(value: string, min: number, max: number): number | null {
  if (!/^\s*\d+\s*$/.test(value)) return null;
  const n = Number(value);
  return n >= min && n <= max ? n : null;
}
