import { currentAssignments } from './assignments.js';
import type { Approval, ApprovalStatus, DisplayStatus } from './types.js';

export function displayStatus(approval: Approval): DisplayStatus {
  if (
    approval.status === 'pending' &&
    currentAssignments(approval).some((a) => a.decision?.value === 'approve')
  ) {
    return 'partially_approved';
  }
  return approval.status;
}

/** Statuses that still block solving the ticket (SPEC rule 10). */
export function approvalStatusIsLive(status: ApprovalStatus): boolean {
  return status === 'pending' || status === 'needs_info' || status === 'appeal_pending';
}
