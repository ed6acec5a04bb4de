import { Page } from '../../components/common.js';

export function TicketPage() {
  return <Page title="TicketPage">{null}</Page>;
}
