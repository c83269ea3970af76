/** The subnet planner's errors, worded for Slack: what clashed or ran out, and what to do instead. */
import { type OccupiedSubnet, describeOccupiedSubnet, joinAnd, occupantKindPlural } from './occupied-subnet.js';

/** Stable codes of the planner's errors, one class each. */
export type SubnetErrorCode = 'invalid-subnet' | 'subnet-conflict' | 'subnet-pool-exhausted';

/** Base of the planner's user-facing errors: the message is safe and meant to be shown as is. */
export abstract class SubnetPlanningError extends Error {
  abstract readonly code: SubnetErrorCode;
}

/** A subnet, pool or address that is not valid CIDR text (or has host bits where a network address is due). */
export class InvalidSubnetError extends SubnetPlanningError {
  override readonly name = 'InvalidSubnetError';
  readonly code = 'invalid-subnet';
  /** The text as given. */
  readonly value: string;

  constructor(value: string, message: string) {
    super(message);
    this.value = value;
  }
}

/** How a requested subnet meets an occupied one. */
export type OverlapRelation = 'same' | 'inside' | 'contains';

/** One thing a requested subnet collides with. */
export interface SubnetConflict {
  readonly occupied: OccupiedSubnet;
  /** `inside`: the request lies within the occupant; `contains`: the request covers it. */
  readonly relation: OverlapRelation;
}

/** How many occupants a conflict message names before it says "and N more". */
const MAX_NAMED_CONFLICTS = 3;

/** The requested subnet overlaps networks, addresses or routes already on the host. */
export class SubnetConflictError extends SubnetPlanningError {
  override readonly name = 'SubnetConflictError';
  readonly code = 'subnet-conflict';
  /** The requested subnet, canonical. */
  readonly subnet: string;
  readonly conflicts: readonly SubnetConflict[];

  constructor(subnet: string, conflicts: readonly SubnetConflict[]) {
    const named = conflicts.slice(0, MAX_NAMED_CONFLICTS).map((c) => describeOccupiedSubnet(c.occupied));
    const rest = conflicts.length - named.length;
    const list = rest > 0 ? `${named.join(', ')} and ${rest} more` : joinAnd(named);
    super(`subnet ${subnet} overlaps ${list}; choose another subnet, or give none to get a free one`);
    this.subnet = subnet;
    this.conflicts = Object.freeze([...conflicts]);
  }
}

/** Every block of the pool is taken. */
export class SubnetPoolExhaustedError extends SubnetPlanningError {
  override readonly name = 'SubnetPoolExhaustedError';
  readonly code = 'subnet-pool-exhausted';
  readonly pool: string;
  readonly prefix: number;

  /** `blockCount` is the number of /prefix blocks in the pool; `takenBy` the kinds of occupant found in it. */
  constructor(pool: string, prefix: number, blockCount: bigint, takenBy: readonly OccupiedSubnet['kind'][]) {
    const count = blockCount <= 1n ? 'the only one is' : `all ${formatCount(blockCount)} are`;
    const kinds = [...new Set(takenBy)];
    const advice = kinds.includes('network')
      ? 'delete networks no longer needed, or give a subnet outside the pool'
      : 'give a subnet outside the pool';
    super(`no free /${prefix} left in ${pool}: ${count} taken by ${joinAnd(kinds.map(occupantKindPlural))}; ${advice}`);
    this.pool = pool;
    this.prefix = prefix;
  }
}

/** 256 → "256"; counts too long to read (IPv6 pools) as a power of two. */
function formatCount(count: bigint): string {
  if (count <= 1_000_000n) return count.toString();
  return `2^${count.toString(2).length - 1}`;
}
