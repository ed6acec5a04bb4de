import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import type { ApprovalTemplate } from '../../api/types.js';
import { ErrorMessage, Loading, Page } from '../../components/common.js';
import { useSession } from '../../session.js';
import { usePagedList } from './data.js';
import { problemCode } from './problems.js';
import type { TemplatesFlash } from './TemplateEditor.js';
import { ApprovalsOffNotice, MoreButton, StatusMessage } from './ui.js';

function StepSummary({ template }: { template: ApprovalTemplate }) {
  const { t } = useTranslation('admin');
  return (
    <>
      {t('templates.stepCount', { count: template.steps.length })}
      <ol className="admin-step-summary">
        {template.steps.map((step, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: steps are ordered and have no id
          <li key={i}>
            {step.name}{' '}
            <span className="muted">
              (
              {t(`steps.ruleSummary.${step.rule.type}`, {
                n: step.rule.type === 'min' ? step.rule.count : 0,
              })}
              )
            </span>
          </li>
        ))}
      </ol>
    </>
  );
}

function TemplateRow({ template }: { template: ApprovalTemplate }) {
  const { t } = useTranslation(['admin', 'common']);
  return (
    <tr>
      <td data-label={t('templates.name')}>
        <Link to={`/admin/templates/${template.id}`}>
          <strong>{template.name}</strong>
        </Link>
        {template.description ? <p className="muted admin-clamp">{template.description}</p> : null}
      </td>
      <td data-label={t('templates.stepsColumn')}>
        <StepSummary template={template} />
      </td>
      <td data-label={t('templates.appealsColumn')}>
        {template.allowAppeals ? t('common.yes') : t('common.no')}
      </td>
      <td data-label={t('templates.expiryColumn')}>
        {template.expireAfterHours
          ? t('templates.afterHours', { count: template.expireAfterHours })
          : t('templates.never')}
      </td>
      <td>
        <Link
          to={`/admin/templates/${template.id}`}
          className="admin-button-link"
          aria-label={t('common.editNamed', { name: template.name })}
        >
          {t('common:actions.edit')}
        </Link>
      </td>
    </tr>
  );
}

function TemplatesList() {
  const { t } = useTranslation(['admin', 'common']);
  const location = useLocation();
  const [flash] = useState(() => (location.state as TemplatesFlash | null)?.flash ?? '');
  const list = usePagedList<ApprovalTemplate>('/approval-templates');

  if (problemCode(list.error) === 'approvals_disabled') return <ApprovalsOffNotice />;
  return (
    <>
      <StatusMessage message={flash} />
      <ErrorMessage error={list.error} />
      {list.loading && list.items.length === 0 ? <Loading /> : null}
      {!list.loading && !list.error && list.items.length === 0 ? <p>{t('templates.empty')}</p> : null}
      {list.items.length ? (
        <table className="responsive admin-table">
          <caption className="visually-hidden">{t('templates.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('templates.name')}</th>
              <th scope="col">{t('templates.stepsColumn')}</th>
              <th scope="col">{t('templates.appealsColumn')}</th>
              <th scope="col">{t('templates.expiryColumn')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('common.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((tpl) => (
              <TemplateRow key={tpl.id} template={tpl} />
            ))}
          </tbody>
        </table>
      ) : null}
      <MoreButton
        count={list.items.length}
        hasMore={list.hasMore}
        loading={list.loading}
        onMore={list.loadMore}
      />
    </>
  );
}

/** `/admin/templates`: the approval paths agents can pick from. */
export function TemplatesPage() {
  const { t } = useTranslation('admin');
  const { settings } = useSession();
  const enabled = settings?.approvalsEnabled ?? false;
  return (
    <Page
      title={t('templates.title')}
      actions={
        enabled ? (
          <Link to="/admin/templates/new" className="admin-button-link primary">
            {t('templates.add')}
          </Link>
        ) : null
      }
    >
      <p className="muted">{t('templates.intro')}</p>
      {enabled ? <TemplatesList /> : <ApprovalsOffNotice />}
    </Page>
  );
}
