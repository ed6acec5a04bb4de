import type {
  ApprovalStatus,
  Decision,
  DisplayStatus,
  PersonType,
  Rule,
  StepStatus,
} from '../portal/types.js';

/** GET /api/v1/approval-links/{token}: what the response page may show (SPEC §4). */
export type LinkPage = {
  kind: 'step' | 'appeal';
  workspace: { id: string; name: string };
  approval: {
    id: string;
    number: number;
    title: string;
    description: string | null;
    status: ApprovalStatus;
    displayStatus: DisplayStatus;
    currentStepIndex: number;
    requestedBy: { name: string | null };
    steps: {
      name: string;
      rule: Rule;
      status: StepStatus;
      approvers: { type: PersonType; name: string | null; decision: Decision | null }[];
    }[];
    appeal: { reason: string; status: 'pending' | 'approved' | 'denied' } | null;
  };
  ticket: { number: number; subject: string };
  expectedResponder: { type: PersonType; name: string | null };
  signInRequired: boolean;
  signedIn: null | { type: PersonType; name: string; isExpectedResponder: boolean };
  expiresAt: string;
};

/** POST /api/v1/approval-links/{token}/decisions. */
export type LinkDecisionResult = {
  decision: Decision;
  approval: { id: string; number: number; status: ApprovalStatus; displayStatus: DisplayStatus };
};
