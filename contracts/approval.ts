/**
 * The contract between the approval gate's two functions (request-approval, approval-page), the
 * training pipeline and the CDK construct that wires them. Types and names only: no I/O here.
 *
 * Flow: the pipeline's `RequestApproval` state (`.waitForTaskToken`) invokes request-approval,
 * which stores an {@link ApprovalRequest} (task token included) in DynamoDB and publishes one
 * message per approver, each with that approver's own signed link. The approver opens the link
 * (GET: evidence and a form), decides with a mandatory comment (POST); approval-page verifies the
 * link, claims the request once (conditional write), writes the decision record to the audit
 * bucket and sends the task token's result to Step Functions. The signed link: approval-link.ts.
 */
import type { TriggerType } from './trigger';

/** Environment variables of both functions. */
export const ENV = {
  /** DynamoDB table of approval requests (partition key `requestId`, TTL attribute `ttl`). */
  TABLE_NAME: 'APPROVAL_TABLE_NAME',
  /** Secrets Manager secret ARN holding the signing secret's JSON (approval-link.ts). */
  SECRET_ARN: 'APPROVAL_SECRET_ARN',
  /** SNS topic ARN the approval messages go to (email subscriptions filtered on the `approver` attribute). */
  TOPIC_ARN: 'APPROVAL_TOPIC_ARN',
  /** Public base URL of the approval page, without a trailing slash, e.g. `https://abc.execute-api.eu-west-1.amazonaws.com/prod`. */
  BASE_URL: 'APPROVAL_BASE_URL',
  /** Bucket of audit records (S3 Object Lock). */
  AUDIT_BUCKET: 'AUDIT_BUCKET_NAME',
  /** Key prefix of decision records in the audit bucket, e.g. `decisions/mlops-dev-churn/`. */
  DECISION_PREFIX: 'DECISION_PREFIX',
} as const;

/** Payload of the pipeline's `RequestApproval` task (Lambda invoke with `$$.Task.Token`). */
export interface RequestApprovalEvent {
  readonly taskToken: string;
  /** `$$.Execution.Id`. */
  readonly executionArn: string;
  readonly model: string;
  readonly environment: string;
  readonly modelPackageArn: string;
  /** Approver e-mail addresses (lower-case), at least one. */
  readonly approvers: string[];
  /** Seconds until the gate times out (the task's `TimeoutSeconds`); links expire then. */
  readonly timeoutSeconds: number;
  /** What the approver is shown. */
  readonly evidence: ApprovalEvidence;
  /**
   * The held-out data the candidate was evaluated on (`$.evaluationDataUri`, the default already applied).
   * This and the next two are sent by the pipeline; a definition from before they were sent lacks them.
   */
  readonly evaluationDataUri?: string;
  /** `$$.Execution.Input`: only its `trigger` is read (and stored, as an {@link ApprovalTrigger}). */
  readonly executionInput?: unknown;
  /** What approving deploys, and how: static, from the model's serving settings in this environment. */
  readonly deployment?: ApprovalDeploymentTarget;
}

/** What started the run: the execution input's `trigger` (lambda/retrain-trigger writes it for schedule and drift). */
export interface ApprovalTrigger {
  /** `unspecified` when the input has no trigger, or one of another type. */
  readonly type: TriggerType;
  /** The CloudWatch alarm of a drift retraining. */
  readonly alarmName?: string;
  /** Why, as the trigger says (an alarm's reason, the schedule that was due). */
  readonly reason?: string;
  /** When the alarm changed state or the schedule was due, as given. */
  readonly time?: string;
}

/** How an update moves traffic to the approved model (SageMaker deployment guardrails, blue/green). */
export interface ApprovalRollout {
  readonly strategy: 'canary' | 'linear' | 'all-at-once';
  /** Canary size or linear step, percent of the fleet's capacity (not used by all-at-once). */
  readonly trafficPercent: number;
  /** Seconds the alarms are watched after each traffic shift. */
  readonly waitSeconds: number;
  /** Seconds the old fleet stays up after all traffic moved. */
  readonly terminationWaitSeconds: number;
  readonly maximumExecutionTimeoutSeconds: number;
}

/** The endpoint an approved candidate is deployed to. */
export interface ApprovalDeploymentTarget {
  readonly endpointName: string;
  readonly mode: 'realtime' | 'serverless';
  /** Real-time only. */
  readonly instanceType?: string;
  /** Real-time only: instances of a new endpoint (autoscaling may keep another count on an update). */
  readonly instanceCount?: number;
  /** Real-time only, when autoscaling is on. */
  readonly autoscaling?: { readonly minInstances: number; readonly maxInstances: number };
  /** Serverless only. */
  readonly memoryMb?: number;
  /** Serverless only. */
  readonly maxConcurrency?: number;
  /** Real-time only: how an update of an existing endpoint shifts traffic. */
  readonly rollout?: ApprovalRollout;
  /** Real-time only: alarms that roll an update back while it runs. */
  readonly rollbackAlarmNames?: string[];
}

/** The evidence shown to approvers (and stored in the decision record). */
export interface ApprovalEvidence {
  /** The gate metric's name, e.g. `auc`. */
  readonly metric: string;
  /** The candidate's value of it. */
  readonly candidateValue: number;
  /** The currently approved model's value, when there is one. */
  readonly approvedValue?: number;
  /** ARN of the currently approved model package, when there is one. */
  readonly approvedModelPackageArn?: string;
  /** All metrics of the candidate's evaluation report. */
  readonly metrics: Record<string, number>;
  /** The training data prefix. */
  readonly trainingDataUri: string;
  /** Manifest of the exact training data object versions. */
  readonly trainingDataManifestUri: string;
  /** Training job ARN. */
  readonly trainingJobArn: string;
}

/** Status of a request. */
export type ApprovalStatus = 'PENDING' | 'APPROVED' | 'REJECTED';

/**
 * One DynamoDB item. The task token never leaves this table (never in a URL, a message or a log).
 * The run's context (evaluation data, trigger, deployment target) is absent from items stored before it was recorded.
 */
export interface ApprovalRequest extends Omit<RequestApprovalEvent, 'timeoutSeconds' | 'executionInput' | 'evaluationDataUri' | 'deployment'> {
  readonly evaluationDataUri?: string;
  readonly trigger?: ApprovalTrigger;
  readonly deployment?: ApprovalDeploymentTarget;
  /** 22+ characters of base64url randomness (128 bits at least). */
  readonly requestId: string;
  /** ISO time the request was made. */
  readonly requestedAt: string;
  /** Epoch seconds after which links are refused. */
  readonly expiresAt: number;
  /** DynamoDB TTL: epoch seconds, expiresAt + 30 days. */
  readonly ttl: number;
  readonly status: ApprovalStatus;
  readonly decidedBy?: string;
  readonly decidedAt?: string;
  readonly comment?: string;
}

/** The result the gate's task token receives (`SendTaskSuccess` output). */
export interface ApprovalDecision {
  readonly decision: 'approved' | 'rejected';
  readonly approver: string;
  readonly comment: string;
  readonly decidedAt: string;
  readonly requestId: string;
  /** S3 URI of the decision record. */
  readonly recordUri: string;
}

/** The append-only decision record written to the audit bucket (`<prefix><requestId>.json`). */
export interface DecisionRecord extends ApprovalDecision {
  readonly schemaVersion: 1;
  readonly executionArn: string;
  readonly model: string;
  readonly environment: string;
  readonly modelPackageArn: string;
  readonly requestedAt: string;
  readonly evidence: ApprovalEvidence;
}

/** What the pipeline made of the decision; stored on the request's item as `gateOutcome` by the approval page. */
export type GateOutcome = 'delivered' | 'timed-out' | 'undeliverable' | 'unknown';

/**
 * The stored item: the request plus the fields the request function (`notifiedAt`) and the approval page
 * (the delivery lease and outcome, lambda/approval-page/delivery.ts) add.
 */
export type StoredApprovalRequest = ApprovalRequest & {
  readonly notifiedAt?: string;
  readonly gateOutcome?: GateOutcome;
  readonly deliveryLease?: string;
  readonly deliveryLeaseUntil?: number;
  readonly deliveryInDoubt?: boolean;
};

/**
 * Payload of the pipeline's tasks that write the decision records no person writes (lambda/record-decision):
 * an automatic approval, or a rejection when the gate timed out.
 */
export interface RecordDecisionEvent {
  readonly executionArn: string;
  readonly model: string;
  readonly environment: string;
  readonly modelPackageArn: string;
  readonly evidence: ApprovalEvidence;
  /** @default 'automatic' */
  readonly kind?: 'automatic' | 'timeout';
  /** Required for `timeout`: why the candidate was rejected. */
  readonly comment?: string;
}
