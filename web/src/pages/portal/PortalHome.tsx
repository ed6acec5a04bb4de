import { Page } from '../../components/common.js';

export function PortalHome() {
  return <Page title="PortalHome">{null}</Page>;
}
