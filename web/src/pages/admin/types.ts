/** Shapes of the /api/v1 resources that the admin pages read and write. */
export type { Settings } from '../../session.js';

export type Locale = 'en' | 'fr';
export type Role = 'admin' | 'agent';

/** A list answer: `{items, nextCursor}`; `?cursor=` fetches the next page. */
export type ListPage<T> = { items: T[]; nextCursor: string | null };

export type Member = {
  id: string;
  name: string;
  email: string;
  role: Role;
  locale: Locale | null;
  active: boolean;
  createdAt: string;
};

export type MemberCreate = {
  name: string;
  email: string;
  role: Role;
  password?: string;
  locale?: Locale;
};

export type MemberUpdate = {
  name?: string;
  role?: Role;
  locale?: Locale | null;
  active?: boolean;
  password?: string;
};

export type Contact = {
  id: string;
  name: string;
  email: string;
  locale: Locale | null;
  organization: string | null;
  createdAt: string;
};

export type ContactCreate = {
  name: string;
  email: string;
  organization?: string;
  locale?: Locale;
  password?: string;
};

export type ContactUpdate = {
  name?: string;
  organization?: string | null;
  locale?: Locale | null;
  password?: string;
};

export type NamedRef = { id: string; name: string };

export type ApprovalGroup = {
  id: string;
  name: string;
  memberIds: string[];
  contactIds: string[];
  members: NamedRef[];
  contacts: NamedRef[];
  createdAt: string;
};

export type GroupBody = { name: string; memberIds: string[]; contactIds: string[] };

/** References to people, resolved when a step starts. */
export type PersonRefType = 'member' | 'contact' | 'group';
export type RoleRefType = 'ticket_requester' | 'ticket_contacts' | 'ticket_assignee';
export type RefType = PersonRefType | RoleRefType;
export type PersonRef = { type: PersonRefType; id: string };
export type RoleRef = { type: RoleRefType };
export type Ref = PersonRef | RoleRef;

export type Rule = { type: 'any' } | { type: 'all' } | { type: 'min'; count: number };

export type WhenNobody = 'wait' | 'skip';

export type TemplateStep = { name: string; approvers: Ref[]; rule: Rule; whenNobody?: WhenNobody };

/** The template switches of SPEC §8.1 (all default false). */
export type TemplateSwitches = {
  preventSelfApproval: boolean;
  requireCommentOnDeny: boolean;
  lockRecipients: boolean;
};

/** A warning of `POST /approval-templates/preview` and `POST /tickets/{id}/approvals/preview`. */
export type StepWarning =
  | { code: 'resolves_to_nobody' }
  | { code: 'may_resolve_to_nobody' }
  | { code: 'min_above_reachable'; count: number; reachable: number }
  | { code: 'min_may_be_above_reachable'; count: number; atLeast: number };

export type ApprovalTemplate = {
  id: string;
  name: string;
  description: string | null;
  allowAppeals: boolean;
  appealReviewers: PersonRef[];
  steps: TemplateStep[];
  expireAfterHours: number | null;
  createdAt: string;
  updatedAt: string;
} & TemplateSwitches;

export type TemplateBody = {
  name: string;
  description: string | null;
  allowAppeals: boolean;
  appealReviewers: PersonRef[];
  steps: TemplateStep[];
  expireAfterHours: number | null;
} & TemplateSwitches;

export function isPersonRef(ref: Ref): ref is PersonRef {
  return ref.type === 'member' || ref.type === 'contact' || ref.type === 'group';
}

export function sameRef(a: Ref, b: Ref): boolean {
  if (a.type !== b.type) return false;
  return isPersonRef(a) && isPersonRef(b) ? a.id === b.id : true;
}

export function refKey(ref: Ref): string {
  return isPersonRef(ref) ? `${ref.type}:${ref.id}` : ref.type;
}
