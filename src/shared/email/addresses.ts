/**
 * The addresses Signoff receives mail at (SPEC §8.2), one format in one place:
 * - `{slug}@{domain}`: the workspace (a new ticket, or a reply matched by its headers);
 * - `{slug}+t{ticket reply token}@{domain}`: a reply to one ticket;
 * - `{slug}+a{approval reply token}@{domain}`: one approver's reply to one approval email.
 * Pure functions over strings: no I/O.
 */

export type InboundAddress =
  | { kind: 'workspace'; slug: string }
  | { kind: 'ticket'; slug: string; token: string }
  | { kind: 'approval'; slug: string; token: string };

/** 3–40 of `[a-z0-9-]` (SPEC §8.6). */
export const SLUG_PATTERN = /^[a-z0-9-]{3,40}$/;

/** A slug made from a workspace's name: lower case, runs of other characters as `-`, 3 to 40 long. */
export function slugFromName(name: string): string {
  const stem = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 34)
    .replace(/-+$/g, '');
  return (stem || 'workspace').padEnd(3, '0');
}

export function workspaceAddress(slug: string, domain: string): string {
  return `${slug}@${domain}`;
}

export function ticketReplyAddress(slug: string, ticketToken: string, domain: string): string {
  return `${slug}+t${ticketToken}@${domain}`;
}

export function approvalReplyAddress(slug: string, replyToken: string, domain: string): string {
  return `${slug}+a${replyToken}@${domain}`;
}

/**
 * What an address is to Signoff, or null when it is not one of ours (another domain, or a local part
 * that is not a slug). Case is ignored for the domain and the slug; tokens are kept as written.
 */
export function parseInboundAddress(address: string, domain: string): InboundAddress | null {
  const at = address.lastIndexOf('@');
  if (at < 1) return null;
  if (address.slice(at + 1).toLowerCase() !== domain.toLowerCase()) return null;
  const local = address.slice(0, at);
  const plus = local.indexOf('+');
  const slug = (plus === -1 ? local : local.slice(0, plus)).toLowerCase();
  if (!SLUG_PATTERN.test(slug)) return null;
  if (plus === -1) return { kind: 'workspace', slug };
  const tag = local.slice(plus + 1);
  const token = tag.slice(1);
  if (!/^[A-Za-z0-9_-]{8,128}$/.test(token)) return { kind: 'workspace', slug };
  if (tag[0] === 't') return { kind: 'ticket', slug, token };
  if (tag[0] === 'a') return { kind: 'approval', slug, token };
  return { kind: 'workspace', slug };
}
