/** Who may do what (RBAC compiled from the config), and approval requests: the state machine and its Redis store. */
export type { ApprovalRequest, ApprovalState, NewApprovalRequest } from './approval-request.js';
export { DECIDED_REQUEST_KEEP_DAYS, type DecideRefusal } from './approval-refusals.js';
export {
  nextApprovalState,
  type ApprovalEvent,
  type ApprovalRefusal,
  type ApprovalTransition,
} from './approval-state.js';
export { ApprovalStore, type ApprovalAttachment, type ApprovalDecision, type DecideResult } from './approval-store.js';
export { BUILT_IN_COMMAND_RULES, type CommandRule } from './command-rules.js';
export {
  compilePolicy,
  type Actor,
  type AuthorizationDecision,
  type CompiledPolicy,
  type PolicySettings,
} from './policy.js';
export { ROLES, roleCovers, type Role } from './roles.js';
