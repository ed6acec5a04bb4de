import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import type { ApprovalTemplate, TemplatePage } from '../../api/types.js';
import { Page } from '../../components/common.js';
import { useSession } from '../../session.js';
import { AdminList } from './AdminList.js';
import { usePagedList } from './data.js';
import { problemCode } from './problems.js';
import type { TemplatesFlash } from './TemplateEditor.js';
import { ApprovalsOffNotice, StatusMessage } from './ui.js';

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

function EditTemplateLink({ template }: { template: ApprovalTemplate }) {
  const { t } = useTranslation(['admin', 'common']);
  return (
    <Link
      to={`/admin/templates/${template.id}`}
      className="admin-button-link"
      aria-label={t('common.editNamed', { name: template.name })}
    >
      {t('common:actions.edit')}
    </Link>
  );
}

function TemplatesList() {
  const { t } = useTranslation(['admin', 'common']);
  const location = useLocation();
  const [flash] = useState(() => (location.state as TemplatesFlash | null)?.flash ?? '');
  const list = usePagedList<TemplatePage>('/approval-templates');

  if (problemCode(list.error) === 'approvals_disabled') return <ApprovalsOffNotice />;
  return (
    <>
      <StatusMessage message={flash} />
      <AdminList
        list={list}
        caption={t('templates.title')}
        empty={t('templates.empty')}
        columns={[
          {
            header: t('templates.name'),
            cell: (tpl) => (
              <>
                <Link to={`/admin/templates/${tpl.id}`}>
                  <strong>{tpl.name}</strong>
                </Link>
                {tpl.description ? <p className="muted admin-clamp">{tpl.description}</p> : null}
              </>
            ),
          },
          { header: t('templates.stepsColumn'), cell: (tpl) => <StepSummary template={tpl} /> },
          {
            header: t('templates.appealsColumn'),
            cell: (tpl) => (tpl.allowAppeals ? t('common.yes') : t('common.no')),
          },
          {
            header: t('templates.expiryColumn'),
            cell: (tpl) =>
              tpl.expireAfterHours
                ? t('templates.afterHours', { count: tpl.expireAfterHours })
                : t('templates.never'),
          },
        ]}
        actions={(tpl) => <EditTemplateLink template={tpl} />}
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
