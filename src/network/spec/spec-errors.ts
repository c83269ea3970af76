/** Errors of the network spec: the refused spec, each problem found in it, and how rules report one. */

/** One thing wrong with a network spec: where, and what to do about it. */
export interface NetworkSpecProblem {
  /** Dotted path of the offending option, e.g. `bridge`, `ipv4.dhcp.start`, `ipv4.dhcpHosts[1].mac`; empty for the spec as a whole. */
  readonly field: string;
  /** Written for the person in Slack: what is wrong and how to fix it, the offending value quoted. */
  readonly message: string;
}

/** Adds a problem to the list being collected; validation reports everything it finds before it throws. */
export type ReportProblem = (field: string, message: string) => void;

/**
 * Thrown when a network spec is refused. Safe to show to the user: it lists every problem found, one
 * per line, so all of them can be fixed in one go.
 */
export class NetworkSpecError extends Error {
  override readonly name = 'NetworkSpecError';
  /** Every problem found, in the order the options were checked. */
  readonly problems: readonly NetworkSpecProblem[];

  constructor(problems: readonly NetworkSpecProblem[]) {
    super(formatProblems(problems));
    this.problems = Object.freeze(problems.map((problem) => Object.freeze({ ...problem })));
  }
}

function formatProblems(problems: readonly NetworkSpecProblem[]): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return [`invalid network spec (${count}):`, ...problems.map((problem) => `  - ${problem.message}`)].join('\n');
}
