/** Problems found in a configuration, how they are rendered, and the error that lists them. */

/** One thing wrong with a configuration value. */
export interface Problem {
  /** Dotted path of the field, e.g. `environments.prod.audit.objectLockRetentionDays`. */
  readonly path: string;
  /** The value found, rendered for a person. */
  readonly got: string;
  /** What the field must be. */
  readonly expected: string;
}

/** Renders a value for an error message: strings quoted, long values cut. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Records that `value` at `path` is not `expected`; returns undefined, for a schema to return. */
export function fail(problems: Problem[], path: string, value: unknown, expected: string): undefined {
  problems.push({ path, got: show(value), expected });
  return undefined;
}

/** The problems found in one source (a configuration file, the models' file, a context value). */
export interface ProblemGroup {
  /** Where the values came from. */
  readonly source: string;
  /** The problems found there. */
  readonly problems: readonly Problem[];
}

/** A configuration that failed validation; its message lists every problem, grouped by the file it is in. */
export class ConfigError extends Error {
  /**
   * One error for the problems of several sources, listed source by source.
   *
   * @param groups the sources and their problems; those without problems are left out
   */
  public static combine(groups: readonly ProblemGroup[]): ConfigError {
    const found = groups.filter((g) => g.problems.length > 0);
    return new ConfigError(found.map((g) => g.source).join(' and '), found.flatMap((g) => g.problems), found);
  }

  /** The problems, by source. */
  public readonly groups: readonly ProblemGroup[];

  constructor(
    /** The file (or context key) the configuration came from; the sources joined with "and" for a combined error. */
    public readonly source: string,
    /** Every problem found. */
    public readonly problems: readonly Problem[],
    groups?: readonly ProblemGroup[],
  ) {
    const bySource = groups ?? [{ source, problems }];
    super(bySource.map((g) => formatProblems(g.source, g.problems)).join('\n\n'));
    this.name = 'ConfigError';
    this.groups = bySource;
  }
}

/** Formats problems as one readable block. */
export function formatProblems(source: string, problems: readonly Problem[]): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  const lines = problems.map((p) => `  - ${p.path}: got ${p.got}; expected ${p.expected}`);
  return `Invalid configuration in ${source} (${count}):\n${lines.join('\n')}`;
}
