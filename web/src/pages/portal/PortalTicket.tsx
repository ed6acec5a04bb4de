import { Page } from '../../components/common.js';

export function PortalTicket() {
  return <Page title="PortalTicket">{null}</Page>;
}
