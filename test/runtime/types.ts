/**
 * Shapes shared by the run-time permission check (`test/runtime/`): the calls the deployed system makes,
 * with concrete ARNs, and what a call table needs to produce them.
 */

/** The fixed account, region and partition every template is resolved for. */
export interface AwsEnv {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

/** Condition-key values AWS adds to a request (e.g. `s3:prefix`, `kms:ViaService`, `kms:EncryptionContext:aws:s3:arn`). */
export type CallContext = Record<string, string | string[]>;

/** One AWS API call, authorized as one IAM action on one concrete resource. */
export interface RuntimeCall {
  /** The IAM action, e.g. `s3:PutObject`. */
  readonly action: string;
  /** The concrete resource ARN (`*` only for actions without a resource type). */
  readonly resource: string;
  /** Request context keys beyond the principal's own. @default - none */
  readonly context?: CallContext;
  /** Where the call comes from, for the failure message (e.g. `PutObjectCommand (decision record)`). */
  readonly why: string;
}

/** What a handler's call table gets to compute the concrete calls of one deployed function. */
export interface HandlerCallInput {
  readonly aws: AwsEnv;
  /** The function's environment variables, every intrinsic resolved. */
  readonly variables: Readonly<Record<string, string>>;
  /** The function's name and ARN. */
  readonly functionName: string;
  /** Events the function receives in the deployed system (from local workflow runs, the template or a fixture). */
  readonly events: readonly unknown[];
  /** The KMS key ARN that encrypts a bucket, topic, table, secret or queue (by its ARN), or undefined when none/AWS-owned. */
  readonly keyOf: (resourceArn: string) => string | undefined;
}

/** The calls one SDK command makes, as a function of the deployed function. */
export type CommandCalls = (input: HandlerCallInput) => RuntimeCall[];

/** The call table of one handler folder (`lambda/<name>`): one entry per SDK command its code sends. */
export type HandlerCallTable = Readonly<Record<string, CommandCalls>>;
