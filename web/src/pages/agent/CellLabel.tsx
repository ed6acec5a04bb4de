import { useTranslation } from 'react-i18next';

/** "Status: " before a cell's value, shown only on phones, where the table header is hidden. */
export function CellLabel({ label }: { label: string }) {
  const { t } = useTranslation('agent');
  return <span className="ag-cell-label">{t('cellLabel', { label })}</span>;
}
