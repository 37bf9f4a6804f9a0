/**
 * CloudWatch namespaces the handlers publish to and the constructs alarm on (and scope `cloudwatch:PutMetricData` to).
 * Constants only.
 */

/** The drift job's metrics: one value per feature and check, plus the prediction's and the schema violations. */
export const DRIFT_NAMESPACE = 'MLOps/Drift';

/** The retraining trigger's decisions (`RetrainingDecisions`, by model and decision). */
export const RETRAINING_NAMESPACE = 'MLOps/Retraining';
