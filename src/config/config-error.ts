/** Where the value behind a problem came from; `default` means neither the file nor the environment set it. */
export type ConfigSource = 'default' | 'file' | 'env';

/** One thing wrong with the configuration, located precisely enough for a person to fix it. */
export interface ConfigProblem {
  /** Dotted key of the setting, e.g. `redis.url`; empty when the problem is the config file as a whole. */
  readonly path: string;
  /** Layer that supplied the offending value. */
  readonly source: ConfigSource;
  /** Environment variable that supplied the value (only when `source` is `env`). */
  readonly envVar?: string;
  /** Config file that supplied the value (only when `source` is `file`). */
  readonly file?: string;
  /** 1-based line in `file`, when known. */
  readonly line?: number;
  /** 1-based column in `file`, when known (YAML syntax errors). */
  readonly column?: number;
  /** What is wrong and, where it helps, how to fix it. Never contains the value of a secret. */
  readonly message: string;
}

/**
 * Thrown when the configuration is invalid. Lists every problem found, one per line, so a person can
 * fix them all in one go; safe to print because no problem message repeats a configured value of a secret.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** Every problem found, in the order they were detected. */
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(formatProblems(problems));
    this.problems = Object.freeze([...problems]);
  }
}

/** Renders one problem as `path (origin): message`, with `file:line` or `env NAME` as the origin. */
export function formatConfigProblem(problem: ConfigProblem): string {
  const origin = describeOrigin(problem);
  if (problem.path === '') return `${origin ?? 'config'}: ${problem.message}`;
  return origin === undefined
    ? `${problem.path}: ${problem.message}`
    : `${problem.path} (${origin}): ${problem.message}`;
}

function describeOrigin(problem: ConfigProblem): string | undefined {
  switch (problem.source) {
    case 'env':
      return problem.envVar === undefined ? 'environment' : `env ${problem.envVar}`;
    case 'file': {
      if (problem.file === undefined) return 'config file';
      // file:line:column is what editors and terminals turn into a link.
      const position = [problem.line, problem.column].filter((n) => n !== undefined).join(':');
      return position === '' ? problem.file : `${problem.file}:${position}`;
    }
    case 'default':
      return undefined;
  }
}

function formatProblems(problems: readonly ConfigProblem[]): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return [`invalid configuration (${count}):`, ...problems.map((p) => `  - ${formatConfigProblem(p)}`)].join('\n');
}
