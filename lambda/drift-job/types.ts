import type { FeatureDefinition } from '../../contracts/features';
import type { CaptureCounters, WindowState } from './window-state';
import type { DriftSummary } from './metrics';

/*
 * The drift job's event, results, settings and persisted state (the handler: index.ts).
 */

/** The drift job's event (see index.ts). */
export interface DriftJobEvent {
  readonly scheduledTime: string;
  readonly windowMinutes?: number;
  readonly continuation?: Continuation;
}

/** Where a window continued in another invocation resumes. */
export interface Continuation {
  /** The partial state to resume from (written by the previous part). */
  readonly stateUri: string;
  /** Number of the part that wrote it (1, 2, …). */
  readonly part: number;
}

/** The window of captured traffic a run compares: ISO start and end, and its length. */
export interface WindowSpan {
  readonly start: string;
  readonly end: string;
  readonly minutes: number;
}

/** Nothing deployed yet (no pointer object): nothing to compare, not an error. */
export interface NoDeploymentResult {
  readonly status: 'no-deployment';
  readonly model: string;
  readonly pointerUri: string;
}

/** The window was not finished in this invocation; `nextEvent` resumes it. */
export interface ContinueResult {
  readonly status: 'continue';
  readonly model: string;
  readonly window: WindowSpan;
  readonly continuation: Continuation;
  /** The event that resumes the window (what SELF_INVOKE sends). */
  readonly nextEvent: DriftJobEvent;
  readonly objectsThisPart: number;
  readonly selfInvoked: boolean;
}

/** The window was read and its metrics published. */
export interface CompletedResult {
  /** 'insufficient-data' when there were fewer than MIN_SAMPLES samples (no drift values published). */
  readonly status: 'complete' | 'insufficient-data';
  readonly model: string;
  readonly endpointName: string;
  readonly variantName: string;
  readonly baselineUri: string;
  readonly window: WindowSpan;
  readonly parts: number;
  readonly objects: number;
  /** Bytes read from S3 (compressed size for gzip objects). */
  readonly bytes: number;
  readonly counters: CaptureCounters;
  readonly sampleCount: number;
  readonly schemaViolations: number;
  readonly metricsPublished: number;
  /** Absent when there were fewer than MIN_SAMPLES samples. */
  readonly drift?: DriftSummary;
}

/** The drift job's result. */
export type DriftJobResult = NoDeploymentResult | ContinueResult | CompletedResult;

/** The deployment pointer written by the pipeline after a successful deployment. */
export interface DeploymentPointer {
  readonly schemaVersion: 1;
  readonly endpointName: string;
  readonly variantName: string;
  readonly modelPackageArn?: string;
  readonly baselineUri: string;
  readonly deployedAt?: string;
  readonly executionArn?: string;
}

/** Sends the event of the next part to this function, asynchronously. */
export interface SelfInvoker {
  invokeAsync(functionName: string, payload: unknown): Promise<void>;
}

/** What the handler needs from the Lambda context (absent outside Lambda: no time limit). */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
  readonly invokedFunctionArn?: string;
}

/** The drift job's settings, from its environment (settings.ts). */
export interface DriftJobConfig {
  readonly model: string;
  readonly pointerUri: string;
  readonly captureBucket: string;
  readonly capturePrefix: string;
  readonly features: FeatureDefinition[];
  readonly namespace: string;
  readonly minSamples: number;
  readonly statePrefixUri: string;
  readonly selfInvoke: boolean;
  readonly timeReserveMs: number;
}

/** Default and limits of the event and settings. */
export const DEFAULT_WINDOW_MINUTES = 60;
/** Longest window: 7 days. */
export const MAX_WINDOW_MINUTES = 7 * 24 * 60;
/** Fewer valid rows than this: no drift value is published (MIN_SAMPLES). */
export const DEFAULT_MIN_SAMPLES = 100;
/** Time left at which a part stops and hands over to the next (TIME_RESERVE_MS). */
export const DEFAULT_TIME_RESERVE_MS = 60_000;
/** A window split into more parts than this fails instead of chaining invocations forever. */
export const MAX_PARTS = 200;

/** The persisted partial state of a window (one object per part). */
export interface PartialState {
  readonly schemaVersion: 1;
  readonly model: string;
  readonly window: WindowSpan;
  readonly deployment: DeploymentPointer;
  readonly position: Position;
  readonly part: number;
  readonly objects: number;
  readonly bytes: number;
  readonly accumulator: WindowState;
}

/** Where to resume: the hour (index in the window) and the last key done in it. */
export interface Position {
  readonly hourIndex: number;
  readonly startAfter?: string;
}
