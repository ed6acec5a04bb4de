import { Page } from '../../components/common.js';

export function TasksPage() {
  return <Page title="TasksPage">{null}</Page>;
}
