import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { Approval } from '../../api/types.js';
import { get } from '../../api.js';
import { ApprovalCard } from '../../components/approval/ApprovalCard.js';
import { ErrorMessage, Loading, Page, useAsync } from '../../components/common.js';
import { problemStatus } from './util.js';
import './portal.css';

/**
 * `/portal/approvals/:id`: one approval on a page of its own (SPEC §8.1), for
 * a contact approver who may not see its ticket. It shows what rule 3 allows
 * (the API already left out the rest) and the actions the API offers.
 */
export function PortalApproval() {
  const { t } = useTranslation('portal');
  const { id = '' } = useParams();
  const approval = useAsync(() => get<Approval>(`/approvals/${id}`), id);
  const { reload, setData } = approval;
  const replace = useCallback((next: Approval) => setData(next), [setData]);
  const reloadApproval = useCallback(() => void reload(), [reload]);

  if (approval.loading && !approval.data) return <Loading />;
  if (!approval.data) {
    const missing = problemStatus(approval.error) === 404;
    return (
      <Page title={missing ? t('approval.pageNotFound') : t('approval.pageTitle')}>
        {missing ? null : <ErrorMessage error={approval.error} onRetry={reload} />}
        <p>
          <Link to="/portal">{t('approval.back')}</Link>
        </p>
      </Page>
    );
  }
  const data = approval.data;
  return (
    <Page title={t('approval.pageTitle')}>
      <p className="small">
        <Link to="/portal">{t('approval.back')}</Link>
      </p>
      <ErrorMessage error={approval.error} />
      <ApprovalCard audience="portal" approval={data} onChanged={replace} onReload={reloadApproval} />
    </Page>
  );
}
