import { Page } from '../components/common.js';

export function DevMailbox() {
  return <Page title="DevMailbox">{null}</Page>;
}
