import type { CloudTrailReference, LineageTrigger } from '../../contracts/lineage';

/** The version of the JSON report's shape (`--format json`): tools can rely on it. */
export const REPORT_VERSION = 1;

/** The links of the chain, from the endpoint back to the data, in order. */
export const CHAIN_STEPS = [
  'endpoint',
  'endpoint-config',
  'model',
  'model-package',
  'approval',
  'training-job',
  'data-manifest',
  'data-versions',
  'execution',
] as const;
export type ChainStep = (typeof CHAIN_STEPS)[number];

/** The title of each link, as every format shows it. */
export const STEP_TITLES: Readonly<Record<ChainStep, string>> = {
  endpoint: 'Endpoint',
  'endpoint-config': 'Endpoint configuration',
  model: 'SageMaker model',
  'model-package': 'Model package',
  approval: 'Approval record',
  'training-job': 'Training job',
  'data-manifest': 'Data manifest',
  'data-versions': 'Data object versions',
  execution: 'Deploying execution',
};

/** One link of the chain. */
export interface ChainLink {
  readonly step: ChainStep;
  readonly title: string;
  /** The link's identity: a name, an ARN or a URI; `not found` when the chain could not reach it. */
  readonly name: string;
  /** `ok`; `flagged` when a finding is about this link; `missing` when it could not be established. */
  readonly status: 'ok' | 'flagged' | 'missing';
  /** What is known about it, in reading order. */
  readonly facts: ReadonlyArray<{ readonly label: string; readonly value: string }>;
}

/** One change of what the endpoint serves, from a lineage record or from CloudTrail. */
export interface HistoryEntry {
  readonly time: string;
  readonly source: 'record' | 'cloudtrail';
  /** `deployed`, `rollback`, `deployment-failed` (records); `CreateEndpoint`, `UpdateEndpoint`, `DeleteEndpoint` (CloudTrail). */
  readonly what: string;
  /** The configuration the entry is about. */
  readonly endpointConfigName?: string;
  /** The configuration served after this entry, as the audit reconstructs it. */
  readonly servingAfter?: string;
  /** The deploying execution (records) or the caller (CloudTrail). */
  readonly by?: string;
  /** CloudTrail: whether a lineage record explains the call. */
  readonly explained?: boolean;
  /** CloudTrail: the error code of a failed call (it changed nothing). */
  readonly failed?: string;
  readonly recordUri?: string;
  readonly requestId?: string;
}

export type Severity = 'error' | 'warning';

/** Something missing or inconsistent. */
export interface Finding {
  readonly code: FindingCode;
  readonly severity: Severity;
  /** What is wrong, with the names and values involved. */
  readonly message: string;
  /** The chain link it is about, when it is about one. */
  readonly step?: ChainStep;
  /** Why it matters and what to do (the same for every finding of the code). */
  readonly explanation: string;
}

/** Every finding the audit can raise: its severity and its explanation (docs/auditing.md lists them too). */
export const FINDINGS = {
  NO_LINEAGE_RECORDS: {
    severity: 'error',
    explanation:
      'The model exists (its package group does) but no execution wrote a lineage record: ' +
      'nothing it serves can be traced. Check that the pipeline has the lineage steps and that ' +
      'records were not written elsewhere.',
  },
  NO_APPROVAL_RECORD: {
    severity: 'error',
    explanation:
      'Every model that serves must have been approved through the gate, which writes a decision ' +
      'record to the audit bucket. A package approved by hand (update-model-package) or whose ' +
      'record is gone has none: find out who approved it (CloudTrail UpdateModelPackage) and why.',
  },
  APPROVAL_MISMATCH: {
    severity: 'error',
    explanation:
      'The decision record does not approve this package: it rejects it, or it is about another ' +
      'package. The served model was not approved as recorded.',
  },
  PACKAGE_NOT_APPROVED: {
    severity: 'error',
    explanation:
      'The registry does not (or no longer) mark the served package Approved. Either it was ' +
      'deployed without approval, or its status was changed afterwards (CloudTrail ' +
      'UpdateModelPackage says by whom).',
  },
  PACKAGE_MISSING: {
    severity: 'error',
    explanation:
      'The model package the chain leads to does not exist (it was deleted, or never ' +
      'registered): its approval and training cannot be read from the registry.',
  },
  MODEL_WITHOUT_PACKAGE: {
    severity: 'error',
    explanation:
      'The SageMaker model was not created from a registered model package, so nothing links ' +
      'what serves to a training run and an approval. The pipeline always deploys packages: ' +
      'someone created this model by other means.',
  },
  UNEXPLAINED_CONFIG: {
    severity: 'error',
    explanation:
      'No deployment record of the pipeline explains the configuration the endpoint serves (at ' +
      'the audited time): it was put in place outside the pipeline, or its record is missing. ' +
      'The configuration history shows the CloudTrail call that did it, and who made it.',
  },
  UNRECORDED_CHANGE: {
    severity: 'warning',
    explanation:
      'CloudTrail shows an endpoint change that no lineage record explains: a CreateEndpoint or ' +
      'UpdateEndpoint made outside the pipeline (by hand, or by another tool). It may no longer ' +
      'serve, but it did.',
  },
  LINEAGE_RECORD_MISSING: {
    severity: 'warning',
    explanation:
      'An execution on the chain lacks one of its lineage records; the audit fell back on the ' +
      "registry's metadata where it could. Every milestone should have its record: check the " +
      "execution's history for a failed lineage step.",
  },
  RECORD_INVALID: {
    severity: 'error',
    explanation: "A lineage record is not valid JSON of a known schema version: it cannot be trusted or was not written by the blueprint's recorder.",
  },
  RECORD_MISMATCH: {
    severity: 'error',
    explanation:
      "A record and AWS disagree about the same thing (a training job's image or " +
      "hyperparameters, a model's package, a manifest's object count). One of them was changed " +
      'after the fact, or the record was written for something else.',
  },
  RECORD_NOT_LOCKED: {
    severity: 'error',
    explanation:
      'An audit record on the chain has no Object Lock retention and no legal hold, so it could ' +
      'have been changed or deleted. The audit bucket locks every object by default: a record ' +
      "without a lock was written while the bucket's default retention was off, or its lock was " +
      'removed (GOVERNANCE mode allows that with s3:BypassGovernanceRetention).',
  },
  DATA_MANIFEST_MISSING: {
    severity: 'error',
    explanation:
      'The manifest of the exact training data versions is gone (or its recorded version is): the training data can no longer be identified.',
  },
  DATA_VERSION_MISSING: {
    severity: 'error',
    explanation:
      'Object versions the model was trained on no longer exist: the lake removes noncurrent ' +
      'versions after the configured number of days unless a legal hold pins them. The training ' +
      'cannot be reproduced from the lake; to keep training data, place a legal hold on the ' +
      "manifest's versions when a model is approved.",
  },
  AT_BEFORE_FIRST_DEPLOYMENT: {
    severity: 'error',
    explanation:
      'The audited time is before any deployment the records and CloudTrail know of for this ' +
      'endpoint: nothing can be said of what it served then (or it did not exist yet).',
  },
} as const satisfies Record<string, { severity: Severity; explanation: string }>;

export type FindingCode = keyof typeof FINDINGS;

/** The whole audit, as the three formats render it. */
export interface AuditReport {
  readonly reportVersion: typeof REPORT_VERSION;
  readonly generatedAt: string;
  /** Who read it: the caller's ARN and account, and the region. */
  readonly readBy: { readonly arn: string; readonly account: string; readonly region: string };
  readonly subject: {
    readonly namespace: string;
    readonly environment: string;
    readonly model: string;
    readonly auditBucket: string;
    readonly lineagePrefix: string;
    /** The audited endpoint; absent when nothing is deployed (the chain then starts at the latest approved package). */
    readonly endpointName?: string;
    /** The audited time; absent for "now". */
    readonly at?: string;
  };
  /** The chain, endpoint first. */
  readonly chain: readonly ChainLink[];
  /** The execution that deployed (or registered) what the chain shows. */
  readonly execution?: { readonly arn: string; readonly name: string; readonly startTime?: string; readonly trigger?: LineageTrigger };
  /** What the endpoint served over time, oldest first. */
  readonly history: readonly HistoryEntry[];
  /** The lineage records found: how many, over how many executions. */
  readonly records: { readonly total: number; readonly executions: number };
  readonly findings: readonly Finding[];
  /** Facts worth knowing that are not findings (retention ended, CloudTrail reach, fallbacks). */
  readonly notes: readonly string[];
  /** Where the chain's API calls are in CloudTrail. */
  readonly cloudTrail: readonly CloudTrailReference[];
}
