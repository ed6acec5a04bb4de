import { Page } from '../../components/common.js';

export function TicketsPage() {
  return <Page title="TicketsPage">{null}</Page>;
}
