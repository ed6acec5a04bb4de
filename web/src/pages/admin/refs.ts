import type { ApproverRef, DirectoryRef } from '../../api/types.js';

/** A reference to someone in the directory (a member, a contact or a group), not a ticket role. */
export function isDirectoryRef(ref: ApproverRef): ref is DirectoryRef {
  return ref.type === 'member' || ref.type === 'contact' || ref.type === 'group';
}

export function sameRef(a: ApproverRef, b: ApproverRef): boolean {
  if (a.type !== b.type) return false;
  return isDirectoryRef(a) && isDirectoryRef(b) ? a.id === b.id : true;
}

export function refKey(ref: ApproverRef): string {
  return isDirectoryRef(ref) ? `${ref.type}:${ref.id}` : ref.type;
}
