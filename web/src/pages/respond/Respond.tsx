import { Page } from '../../components/common.js';

export function Respond() {
  return <Page title="Respond">{null}</Page>;
}
