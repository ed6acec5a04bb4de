import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Locale, Settings, SettingsUpdate } from '../../api/types.js';
import { get, patch } from '../../api.js';
import { ErrorMessage, Loading, Page, useAsync } from '../../components/common.js';
import { useSession } from '../../session.js';
import { type FieldIssue, issueFor, parseWhole } from './problems.js';
import { CheckboxField, Field, LocaleOptions, ProblemAlert, StatusMessage, SwitchField } from './ui.js';
import { useFormProblem } from './useFormProblem.js';

type BooleanSetting =
  | 'approvalsEnabled'
  | 'contactsCanViewApprovals'
  | 'contactApprovalEmails'
  | 'appealsEnabled'
  | 'requireSignInForEmailResponses'
  | 'acceptMailFromUnknownSenders'
  | 'acknowledgeNewTickets';

/** The form's state: numbers as typed, so that a half-typed value can be shown and corrected. */
type Draft = {
  switches: Record<BooleanSetting, boolean>;
  approvalLinkTtlHours: string;
  defaultLocale: Locale;
  autoRemind: boolean;
  autoRemindAfterHours: string;
  maxAutoReminders: string;
  maxApproversPerStep: string;
  /** The workspace's inbound address is `{slug}@{INBOUND_DOMAIN}` (SPEC §8.2). */
  slug: string;
};

function toDraft(s: Settings): Draft {
  return {
    switches: {
      approvalsEnabled: s.approvalsEnabled,
      contactsCanViewApprovals: s.contactsCanViewApprovals,
      contactApprovalEmails: s.contactApprovalEmails,
      appealsEnabled: s.appealsEnabled,
      requireSignInForEmailResponses: s.requireSignInForEmailResponses,
      acceptMailFromUnknownSenders: s.acceptMailFromUnknownSenders,
      acknowledgeNewTickets: s.acknowledgeNewTickets,
    },
    approvalLinkTtlHours: String(s.approvalLinkTtlHours),
    defaultLocale: s.defaultLocale,
    autoRemind: s.autoRemindAfterHours !== null,
    autoRemindAfterHours: String(s.autoRemindAfterHours ?? 24),
    maxAutoReminders: String(s.maxAutoReminders),
    maxApproversPerStep: String(s.maxApproversPerStep),
    slug: s.slug,
  };
}

/** SPEC §8.6: 3 to 40 of a-z, 0-9 and -, unique ignoring case (the server lowers it too). */
const SLUG = /^[a-z0-9-]{3,40}$/;

type NumberSetting =
  | 'approvalLinkTtlHours'
  | 'autoRemindAfterHours'
  | 'maxAutoReminders'
  | 'maxApproversPerStep';

/** The whole-number settings and their bounds (the API's, src/workspaces/settings.ts). */
const BOUNDS: Record<NumberSetting, [min: number, max: number]> = {
  approvalLinkTtlHours: [1, 8760],
  autoRemindAfterHours: [1, 720],
  maxAutoReminders: [0, 20],
  maxApproversPerStep: [1, 2000],
};

/** The PATCH body for a draft, or the fields that are not valid. */
function fromDraft(d: Draft, t: (key: string, o?: Record<string, unknown>) => string) {
  const issues: FieldIssue[] = [];
  const whole = (field: string, value: string, min: number, max: number) => {
    const n = parseWhole(value, min, max);
    if (n === null) issues.push({ field, message: t('validation.wholeNumber', { min, max }) });
    return n ?? min;
  };
  const slug = d.slug.trim().toLowerCase();
  if (!SLUG.test(slug)) issues.push({ field: 'slug', message: t('settings.slugInvalid') });
  const body: SettingsUpdate = {
    slug,
    ...d.switches,
    approvalLinkTtlHours: whole(
      'approvalLinkTtlHours',
      d.approvalLinkTtlHours,
      ...BOUNDS.approvalLinkTtlHours,
    ),
    defaultLocale: d.defaultLocale,
    autoRemindAfterHours: d.autoRemind
      ? whole('autoRemindAfterHours', d.autoRemindAfterHours, ...BOUNDS.autoRemindAfterHours)
      : null,
    maxAutoReminders: whole('maxAutoReminders', d.maxAutoReminders, ...BOUNDS.maxAutoReminders),
    maxApproversPerStep: whole('maxApproversPerStep', d.maxApproversPerStep, ...BOUNDS.maxApproversPerStep),
  };
  return { body, issues };
}

/** Switches that only matter while the approvals module is on. */
const APPROVAL_SWITCHES: BooleanSetting[] = [
  'contactsCanViewApprovals',
  'contactApprovalEmails',
  'appealsEnabled',
  'requireSignInForEmailResponses',
];

/** The mail switches (SPEC §8.2), shown in the Email section. */
const MAIL_SWITCHES: BooleanSetting[] = ['acceptMailFromUnknownSenders', 'acknowledgeNewTickets'];

/**
 * The inbound address as text a person can select, and a button that copies it. The button says it
 * copied in a status message, read by screen readers too.
 */
function InboundAddress({ address }: { address: string }) {
  const { t } = useTranslation('admin');
  const [copied, setCopied] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(address);
      setCopied(t('settings.copied'));
    } catch {
      setCopied(t('settings.copyFailed'));
    }
  };
  return (
    <div className="admin-field">
      <dl>
        <dt>{t('settings.inboundAddress')}</dt>
        <dd className="row">
          <code data-testid="inbound-address">{address}</code>
          <button type="button" onClick={() => void copy()}>
            {t('settings.copy')}
          </button>
          <StatusMessage message={copied} />
        </dd>
      </dl>
      <p className="muted admin-hint">{t('settings.inboundAddressHelp')}</p>
    </div>
  );
}

function SettingsForm({ initial }: { initial: Settings }) {
  const { t } = useTranslation('admin');
  const session = useSession();
  const [draft, setDraft] = useState(() => toDraft(initial));
  const [inboundAddress, setInboundAddress] = useState(initial.inboundAddress);
  const form = useFormProblem(draft, (d) => fromDraft(d, t).issues);
  const problem = form.problem;
  const [status, setStatus] = useState('');
  const [saving, setSaving] = useState(false);
  const approvalsOn = draft.switches.approvalsEnabled;

  const setSwitch = (key: BooleanSetting, value: boolean) =>
    setDraft((d) => ({ ...d, switches: { ...d.switches, [key]: value } }));
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const numberField = (key: NumberSetting) => (
    <Field label={t(`settings.${key}`)} hint={t(`settings.${key}Help`)} error={issueFor(problem, key)}>
      {(a11y) => (
        <input
          {...a11y}
          className="admin-number"
          type="number"
          inputMode="numeric"
          min={BOUNDS[key][0]}
          max={BOUNDS[key][1]}
          value={draft[key]}
          onChange={(e) => set(key, e.target.value)}
        />
      )}
    </Field>
  );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setStatus('');
    if (!form.check()) return;
    const { body } = fromDraft(draft, t);
    setSaving(true);
    try {
      const saved = await patch<Settings>('/settings', body);
      setDraft(toDraft(saved));
      setInboundAddress(saved.inboundAddress);
      await session.refresh();
      setStatus(t('settings.saved'));
    } catch (e) {
      form.fail(e);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="stack admin-settings" onSubmit={submit} noValidate>
      <section className="card" aria-labelledby="settings-approvals">
        <h2 id="settings-approvals">{t('settings.approvalsSection')}</h2>
        <SwitchField
          label={t('settings.approvalsEnabled')}
          help={t('settings.approvalsEnabledHelp')}
          checked={approvalsOn}
          onChange={(v) => setSwitch('approvalsEnabled', v)}
        />
        {approvalsOn ? null : <p className="admin-warning">{t('settings.approvalsOffWarning')}</p>}
      </section>

      <section className="card" aria-labelledby="settings-contacts">
        <h2 id="settings-contacts">{t('settings.contactsSection')}</h2>
        {APPROVAL_SWITCHES.map((key) => (
          <SwitchField
            key={key}
            label={t(`settings.${key}`)}
            help={t(`settings.${key}Help`)}
            note={!approvalsOn ? t('settings.dependsOnApprovals') : undefined}
            checked={draft.switches[key]}
            onChange={(v) => setSwitch(key, v)}
          />
        ))}
      </section>

      <section className="card form" aria-labelledby="settings-links">
        <h2 id="settings-links">{t('settings.linksSection')}</h2>
        {numberField('approvalLinkTtlHours')}
        <CheckboxField
          label={t('settings.autoRemind')}
          hint={t('settings.autoRemindHelp')}
          checked={draft.autoRemind}
          onChange={(v) => set('autoRemind', v)}
        />
        {draft.autoRemind ? numberField('autoRemindAfterHours') : null}
        {numberField('maxAutoReminders')}
        {numberField('maxApproversPerStep')}
      </section>

      <section className="card form" aria-labelledby="settings-email" id="settings-email-section">
        <h2 id="settings-email">{t('settings.emailSection')}</h2>
        <p className="muted">{t('settings.emailIntro')}</p>
        <InboundAddress address={inboundAddress} />
        <Field label={t('settings.slug')} hint={t('settings.slugHelp')} error={issueFor(problem, 'slug')}>
          {(a11y) => (
            <input
              {...a11y}
              autoComplete="off"
              spellCheck={false}
              maxLength={40}
              value={draft.slug}
              onChange={(e) => set('slug', e.target.value)}
            />
          )}
        </Field>
        {MAIL_SWITCHES.map((key) => (
          <SwitchField
            key={key}
            label={t(`settings.${key}`)}
            help={t(`settings.${key}Help`)}
            checked={draft.switches[key]}
            onChange={(v) => setSwitch(key, v)}
          />
        ))}
      </section>

      <section className="card form" aria-labelledby="settings-general">
        <h2 id="settings-general">{t('settings.generalSection')}</h2>
        <Field label={t('settings.defaultLocale')} hint={t('settings.defaultLocaleHelp')}>
          {(a11y) => (
            <select
              {...a11y}
              value={draft.defaultLocale}
              onChange={(e) => set('defaultLocale', e.target.value as Locale)}
            >
              <LocaleOptions withDefault={false} />
            </select>
          )}
        </Field>
      </section>

      <ProblemAlert problem={problem} />
      <div className="row admin-actions">
        <button type="submit" className="primary" disabled={saving}>
          {saving ? t('common.saving') : t('settings.save')}
        </button>
        <StatusMessage message={status} />
      </div>
    </form>
  );
}

/** `/admin`: the workspace switches of SPEC §2. */
export function SettingsPage() {
  const { t } = useTranslation('admin');
  const { data, error, loading, reload } = useAsync(() => get<Settings>('/settings'), 'settings');
  return (
    <Page title={t('settings.title')}>
      <p className="muted">{t('settings.intro')}</p>
      {loading && !data ? <Loading /> : null}
      <ErrorMessage error={error} onRetry={reload} />
      {data ? <SettingsForm initial={data} /> : null}
    </Page>
  );
}
