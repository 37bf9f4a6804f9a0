import { parseArgs } from 'util';
import { editDistance } from '../../contracts/suggest';

/** The report formats. */
export const FORMATS = ['text', 'json', 'html'] as const;
export type Format = (typeof FORMATS)[number];

/** What `mlops-audit lineage` was asked to do. */
export interface LineageOptions {
  readonly command: 'lineage';
  readonly model: string;
  readonly environment: string;
  /** @default 'mlops' */
  readonly namespace: string;
  /** The endpoint to audit; without it, the endpoint of the model's latest `deployed` record. */
  readonly endpoint?: string;
  /** Audit what the endpoint served at this time; without it, now. */
  readonly at?: Date;
  readonly format: Format;
  /** Write the report here instead of standard output. */
  readonly output?: string;
  readonly region?: string;
  /** The audit bucket; without it, read from the platform's SSM parameter. */
  readonly auditBucket?: string;
  /** No progress lines on standard error. */
  readonly quiet: boolean;
}

export type Command = { readonly command: 'help' } | LineageOptions;

/** A command line that cannot be run: exit code 2, with the message and a pointer to `--help`. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const HELP = `mlops-audit: read the lineage of a deployed model, from the endpoint back to its training data.

Usage:
  mlops-audit lineage --model NAME --env ENV [options]
  mlops-audit --help

Options of "lineage":
  --model NAME          the model, as declared in models/<name>/model.ts (required)
  --env ENV             the environment, e.g. prod (required)
  --namespace NS        the installation's namespace (default: mlops)
  --endpoint NAME       the endpoint to audit (default: the endpoint of the model's latest deployment record,
                        else NS-ENV-MODEL when it exists)
  --at ISO-TIME         audit what the endpoint served at that time, e.g. 2026-11-20T12:00:00Z (default: now)
  --format FORMAT       text (default), json or html (a single self-contained file)
  --output FILE         write the report to FILE instead of standard output
  --region REGION       AWS region (default: AWS_REGION, or your profile's region)
  --audit-bucket NAME   the audit bucket (default: read from the SSM parameter /NS/ENV/platform/audit-bucket-arn)
  --quiet               no progress lines on standard error
  -h, --help            this help

It reads, with your own AWS credentials (the auditor policy of docs/auditing.md grants exactly this):
the lineage records under s3://<audit bucket>/lineage/<ns>-<env>-<model>/ and their Object Lock
retention, the decision records, the model registry, the endpoint and its configuration, CloudTrail
event history (CreateEndpoint, UpdateEndpoint) and every data object version of the training data
manifest. It changes nothing.

Exit codes:
  0  the chain is complete and consistent
  1  findings: something is missing or inconsistent (listed in the report)
  2  the audit could not run: bad arguments, no credentials, access denied, unknown model or endpoint

Examples:
  mlops-audit lineage --model churn --env prod
  mlops-audit lineage --model churn --env prod --at 2026-11-20T12:00:00Z --format html --output churn-audit.html
  mlops-audit lineage --model churn --env prod --format json | jq '.findings'

Guide: docs/auditing.md`;

const MODEL_NAME = /^[a-z](?!.*--)[a-z0-9-]{0,23}(?<!-)$/;
const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,15}$/;
const NAMESPACE = /^[a-z][a-z0-9-]{0,19}$/;
const ENDPOINT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** ISO 8601 with a date, a time and a zone (Z or an offset): an audit time must not depend on the auditor's time zone. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

const OPTIONS = {
  model: { type: 'string' },
  env: { type: 'string' },
  namespace: { type: 'string' },
  endpoint: { type: 'string' },
  at: { type: 'string' },
  format: { type: 'string' },
  output: { type: 'string' },
  region: { type: 'string' },
  'audit-bucket': { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The closest known option to a misspelt one, if it is close (edit distance at most 2). */
function closest(name: string): string | undefined {
  const best = Object.keys(OPTIONS)
    .map((o) => ({ o, d: editDistance(name, o) }))
    .sort((x, y) => x.d - y.d)[0];
  return best && best.d <= 2 ? best.o : undefined;
}

/**
 * Parses the command line (without `node` and the script). Every problem is reported at once, each
 * naming the option, the value and the rule; `now` bounds `--at`.
 */
export function parseArguments(argv: readonly string[], now: Date = new Date()): Command {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true; args: string[] }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message;
    const unknown = /Unknown option '-{1,2}([^']+)'/.exec(message)?.[1];
    if (unknown) {
      const hint = closest(unknown);
      throw new UsageError(`unknown option --${unknown}${hint ? ` (did you mean --${hint}?)` : ''}`);
    }
    throw new UsageError(
      message.replace(/\. To specify a positional argument.*$/s, '').replace(/^Option '([^']+)' argument missing$/, 'option $1 needs a value'),
    );
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === 'help') return { command: 'help' };
  if (positionals.length === 0) throw new UsageError('no command: the command is "lineage" (mlops-audit lineage --model NAME --env ENV)');
  if (positionals[0] !== 'lineage') throw new UsageError(`unknown command "${positionals[0]}": the command is "lineage"`);
  if (positionals.length > 1)
    throw new UsageError(`unexpected argument "${positionals[1]}" after "lineage": every value belongs to an option, e.g. --model ${positionals[1]}`);

  const problems: string[] = [];
  const check = (ok: boolean, option: string, value: unknown, rule: string) => {
    if (!ok) problems.push(`--${option}: got ${value === undefined ? 'nothing' : JSON.stringify(value)}; expected ${rule}`);
  };
  check(
    values.model !== undefined && MODEL_NAME.test(values.model),
    'model',
    values.model,
    'a model name: lower-case letters, digits and single hyphens, at most 24 characters',
  );
  check(
    values.env !== undefined && ENVIRONMENT_NAME.test(values.env),
    'env',
    values.env,
    'an environment name: lower-case letters, digits and hyphens, at most 16 characters',
  );
  const namespace = values.namespace ?? 'mlops';
  check(NAMESPACE.test(namespace), 'namespace', values.namespace, 'a namespace: lower-case letters, digits and hyphens, at most 20 characters');
  if (values.endpoint !== undefined)
    check(
      ENDPOINT_NAME.test(values.endpoint),
      'endpoint',
      values.endpoint,
      'a SageMaker endpoint name: letters, digits and hyphens, at most 63 characters',
    );
  let at: Date | undefined;
  if (values.at !== undefined) {
    const time = ISO_TIME.test(values.at) ? new Date(values.at) : undefined;
    check(time !== undefined && !Number.isNaN(time.getTime()), 'at', values.at, 'an ISO 8601 time with a zone, e.g. 2026-11-20T12:00:00Z');
    if (time && !Number.isNaN(time.getTime())) {
      check(time.getTime() <= now.getTime(), 'at', values.at, `a time that is not in the future (now is ${now.toISOString()})`);
      at = time;
    }
  }
  const format = values.format ?? 'text';
  check((FORMATS as readonly string[]).includes(format), 'format', values.format, FORMATS.join(', '));
  if (values.region !== undefined) check(REGION.test(values.region), 'region', values.region, 'an AWS region, e.g. eu-west-1');
  if (values['audit-bucket'] !== undefined) check(BUCKET.test(values['audit-bucket']), 'audit-bucket', values['audit-bucket'], 'an S3 bucket name');
  if (values.output !== undefined) check(values.output.length > 0, 'output', values.output, 'a file name');
  if (problems.length > 0)
    throw new UsageError(problems.length === 1 ? problems[0] : `${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);

  return {
    command: 'lineage',
    model: values.model!,
    environment: values.env!,
    namespace,
    endpoint: values.endpoint,
    at,
    format: format as Format,
    output: values.output,
    region: values.region,
    auditBucket: values['audit-bucket'],
    quiet: values.quiet ?? false,
  };
}
