import type { Channel, Locale } from '../shared/vocabulary.js';

export type { Locale } from '../shared/vocabulary.js';

/** Who is calling, resolved from a session. Every query they make is scoped to `workspaceId`. */
export type Principal =
  | {
      type: 'member';
      workspaceId: string;
      id: string;
      role: 'admin' | 'agent';
      name: string;
      email: string;
      locale: Locale | null;
    }
  | {
      type: 'contact';
      workspaceId: string;
      id: string;
      name: string;
      email: string;
      locale: Locale | null;
    };

export type MemberPrincipal = Extract<Principal, { type: 'member' }>;

/** How the caller reached us: decides the channel recorded with their decisions (SPEC rule 11). */
export type AuthMethod = 'bearer' | 'cookie';

export function channelOf(principal: Principal, method: AuthMethod): Channel {
  if (method === 'bearer') return 'api';
  return principal.type === 'member' ? 'agent_ui' : 'portal';
}
