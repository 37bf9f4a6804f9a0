/**
 * Drift statistics and retraining: the `drift` and `retraining` fields of a model declaration, their
 * schema and defaults. The statistics are our own (docs/drift.md): SageMaker Model Monitor is closed
 * to new customers.
 */
import { scheduleExpression } from './schedule';
import { bool, int, num, obj, optional, refine, Schema, show } from './schema';

/** Drift statistics of the served model's captured data against its training baseline. */
export interface DriftDeclaration {
  /** Population Stability Index above which a feature (and the model) is drifting. @default 0.2 */
  readonly psiThreshold?: number;
  /** Kolmogorov-Smirnov distance above which a numeric feature is drifting. @default 0.1 */
  readonly ksThreshold?: number;
  /** Jensen-Shannon distance (base 2) above which a categorical feature is drifting. @default 0.1 */
  readonly jsThreshold?: number;
  /** Windows (hours) an alarm looks at. @default 3 */
  readonly evaluationPeriods?: number;
  /** Of those, how many must breach (at most `evaluationPeriods`). @default 2, or `evaluationPeriods` when that is 1 */
  readonly datapointsToAlarm?: number;
  /** Fewer captured records in a window than this are reported as too few, not as drift. @default 200 */
  readonly minSamples?: number;
  /** Per-feature alarms up to this many features (the aggregated alarms always exist). @default 20 */
  readonly maxFeatureAlarms?: number;
  /** Start the training pipeline when an aggregated drift alarm fires. @default true */
  readonly retrainOnDrift?: boolean;
}

/** Guardrails of automatic retraining (docs/retraining.md). */
export interface RetrainingDeclaration {
  /** Minutes after a start during which no other start happens. @default 360 */
  readonly cooldownMinutes?: number;
  /** Most starts per UTC day. @default 3 */
  readonly maxStartsPerDay?: number;
  /**
   * Also retrain on a schedule: an EventBridge Scheduler expression, e.g. `cron(0 2 ? * SUN *)` (UTC),
   * checked field by field (see `schedule.ts`).
   *
   * @default - no scheduled retraining
   */
  readonly schedule?: string;
}

/** The defaults documented above, and the drift job's fixed size. */
export const MONITORING_DEFAULTS = Object.freeze({
  psiThreshold: 0.2,
  ksThreshold: 0.1,
  jsThreshold: 0.1,
  evaluationPeriods: 3,
  datapointsToAlarm: 2,
  minSamples: 200,
  maxFeatureAlarms: 20,
  retrainOnDrift: true,
  cooldownMinutes: 360,
  maxStartsPerDay: 3,
  /** The drift job runs hourly (not configurable; the cost estimate reads it)... */
  driftJobIntervalMinutes: 60,
  /** ...with this much memory. */
  driftJobMemoryMb: 1024,
});

/** CloudWatch refuses an alarm whose DatapointsToAlarm exceeds its EvaluationPeriods. */
function driftRules(drift: DriftDeclaration, path: string) {
  const periods = drift.evaluationPeriods ?? MONITORING_DEFAULTS.evaluationPeriods;
  if (drift.datapointsToAlarm === undefined || drift.datapointsToAlarm <= periods) return [];
  const which = drift.evaluationPeriods === undefined ? `the default evaluationPeriods (${periods})` : `evaluationPeriods (${periods})`;
  return [{
    path: `${path}.datapointsToAlarm`,
    got: show(drift.datapointsToAlarm),
    expected: `at most ${which}: an alarm cannot need more breaching windows than it looks at`,
  }];
}

export const driftSchema: Schema<DriftDeclaration> = refine(obj<DriftDeclaration>({
  psiThreshold: optional(num(0.001, 10)),
  ksThreshold: optional(num(0.001, 1)),
  jsThreshold: optional(num(0.001, 1)),
  evaluationPeriods: optional(int(1, 24)),
  datapointsToAlarm: optional(int(1, 24)),
  minSamples: optional(int(1, 1_000_000)),
  maxFeatureAlarms: optional(int(0, 100)),
  retrainOnDrift: optional(bool()),
}, 'a drift declaration (an object)'), driftRules);

export const retrainingSchema: Schema<RetrainingDeclaration> = obj<RetrainingDeclaration>({
  cooldownMinutes: optional(int(1, 525600)),
  maxStartsPerDay: optional(int(1, 100)),
  schedule: optional(scheduleExpression),
}, 'a retraining declaration (an object)');
