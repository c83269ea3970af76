import type { JobName, MonitorEvent, MonitorEventKind } from '../../src/contract/index.js';

/** The vnetops job behind an event, as the event reports it. */
export type JobCause = NonNullable<MonitorEvent['job']>;

/** Lifecycle events each mutating job may cause. */
const EXPECTED_KINDS: Partial<Record<JobName, readonly MonitorEventKind[]>> = {
  create: ['network-defined', 'network-started'],
  delete: ['network-stopped', 'network-undefined'],
  start: ['network-started'],
  stop: ['network-stopped'],
};

/** Events a job causes only when it fails: create rolls a half-done network back. */
const ROLLBACK_KINDS: Partial<Record<JobName, readonly MonitorEventKind[]>> = {
  create: ['network-stopped', 'network-undefined'],
};

interface Expectation {
  readonly network: string;
  readonly kinds: Set<MonitorEventKind>;
  readonly job: JobCause;
  /** When the job ended (undefined while it runs). */
  endedAt?: number;
}

/**
 * Ties libvirt lifecycle events to the vnetops job that caused them. A job registers the events it
 * may cause before it acts; the monitor claims one when an event arrives. Each expected kind is
 * claimed once, so a hand-made change of the same network after the job is still seen as "outside".
 * libvirt delivers events asynchronously, possibly after the job's call returned: expectations live
 * on for `graceMs` after the job ends.
 */
export class JobAttribution {
  private expectations: Expectation[] = [];

  constructor(
    private readonly graceMs = 3000,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Registers a job about to act on `network`. Returns the function to call when it ends (or
   * undefined when this kind of job causes no lifecycle events).
   */
  expect(jobName: JobName, network: string, job: JobCause): ((outcome: 'done' | 'failed') => void) | undefined {
    const kinds = EXPECTED_KINDS[jobName];
    if (!kinds) return undefined;
    const rollback = ROLLBACK_KINDS[jobName] ?? [];
    const expectation: Expectation = { network, kinds: new Set([...kinds, ...rollback]), job };
    this.expectations.push(expectation);
    return (outcome) => {
      expectation.endedAt = this.now();
      // A job that succeeded rolled nothing back: a stop right after a create is someone else's.
      if (outcome === 'done') for (const kind of rollback) expectation.kinds.delete(kind);
    };
  }

  /** The job that caused `kind` on `network`, consuming its expectation; undefined = made outside vnetops. */
  claim(network: string, kind: MonitorEventKind): JobCause | undefined {
    this.dropExpired();
    const match = this.expectations.find((e) => e.network === network && e.kinds.has(kind));
    if (!match) return undefined;
    match.kinds.delete(kind);
    return match.job;
  }

  private dropExpired(): void {
    const now = this.now();
    this.expectations = this.expectations.filter(
      (e) => e.kinds.size > 0 && (e.endedAt === undefined || now - e.endedAt <= this.graceMs),
    );
  }
}
