import type { FormEvent, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { EmptyState, ErrorMessage, Loading } from '../../components/common.js';
import type { PagedList } from './data.js';
import type { FormProblem } from './problems.js';
import { Dialog, MoreButton, ProblemAlert } from './ui.js';

/** A column of an admin list: its header (also each cell's label on narrow screens) and its cell. */
export type Column<T> = { header: string; cell: (item: T) => ReactNode; className?: string };

/**
 * The list half of an admin page (members, contacts, groups, templates): loading, error, the empty
 * sentence, a table whose cells carry their column's name on narrow screens, and "Show more".
 */
export function AdminList<T extends { id: string }>({
  list,
  caption,
  empty,
  columns,
  actions,
}: {
  list: PagedList<T>;
  caption: string;
  empty: string;
  columns: Column<T>[];
  /** The row's last cell: edit, delete… */
  actions: (item: T) => ReactNode;
}) {
  const { t } = useTranslation('admin');
  return (
    <>
      <ErrorMessage error={list.error} onRetry={list.reload} />
      {list.loading && list.items.length === 0 ? <Loading /> : null}
      {!list.loading && !list.error && list.items.length === 0 ? <EmptyState>{empty}</EmptyState> : null}
      {list.items.length ? (
        <table className="responsive admin-table">
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.header} scope="col">
                  {c.header}
                </th>
              ))}
              <th scope="col">
                <span className="visually-hidden">{t('common.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((item) => (
              <tr key={item.id}>
                {columns.map((c) => (
                  <td key={c.header} data-label={c.header} className={c.className}>
                    {c.cell(item)}
                  </td>
                ))}
                <td>{actions(item)}</td>
              </tr>
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

/** "Edit", named for the row it edits ("Edit Ada Lovelace") for screen readers. */
export function EditButton({ name, onClick }: { name: string; onClick: () => void }) {
  const { t } = useTranslation(['admin', 'common']);
  return (
    <button type="button" onClick={onClick} aria-label={t('common.editNamed', { name })}>
      {t('common:actions.edit')}
    </button>
  );
}

/**
 * The create/edit half: a modal dialog holding a form, the problem the server (or the checks before
 * sending) found, and Save / Cancel.
 */
export function DialogForm({
  title,
  onClose,
  onSubmit,
  problem,
  saving,
  submitLabel,
  children,
}: {
  title: string;
  onClose: () => void;
  onSubmit: (event: FormEvent) => void;
  problem: FormProblem | null;
  saving: boolean;
  submitLabel: string;
  children: ReactNode;
}) {
  const { t } = useTranslation(['admin', 'common']);
  return (
    <Dialog title={title} onClose={onClose}>
      <form className="form" onSubmit={onSubmit} noValidate>
        {children}
        <ProblemAlert problem={problem} />
        <div className="row admin-actions">
          <button type="submit" className="primary" disabled={saving}>
            {saving ? t('common.saving') : submitLabel}
          </button>
          <button type="button" onClick={onClose}>
            {t('common:actions.cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
