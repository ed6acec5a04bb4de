import type { TFunction } from 'i18next';
import type { Channel, Rule } from '../../api/types.js';

/** "Any one approver", "Every approver", "At least 2 approvals". */
export function ruleText(rule: Rule, t: TFunction): string {
  if (rule.type === 'min') return t('agent:rule.min', { count: rule.count });
  return t(`agent:rule.${rule.type}`);
}

/** "via email link", "in the customer portal"… */
export function channelText(channel: Channel | null, t: TFunction): string {
  return channel ? t(`agent:channel.${channel}`) : '';
}

/** A list of names joined the way the language does ("Ada, Bob and Chloé"). */
export function joinNames(names: string[], locale: string): string {
  if (names.length === 0) return '';
  return new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }).format(names);
}
