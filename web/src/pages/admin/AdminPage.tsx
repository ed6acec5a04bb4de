import { Page } from '../../components/common.js';

export function AdminPage() {
  return <Page title="AdminPage">{null}</Page>;
}
