/** The account, region, principals and buckets of the sample audit world (names as CloudFormation generates them). */

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';
export const NOW = '2026-12-01T09:00:00.000Z';
export const XGBOOST_IMAGE = '141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1';
export const XGBOOST_DIGEST = 'sha256:6b1f1c3c0e4a8d2f7a9b5c6d7e8f90112233445566778899aabbccddeeff0011';
export const STATE_MACHINE = 'TrainingPipelineChurn8F3A2B1C-Qx7Lm2Np4Rs6';
export const PIPELINE_ROLE = `arn:aws:iam::${ACCOUNT}:role/mlops-prod-model-churn-PipelineRole3E2B1A0C-Zt5Yw8Vb1Nq3`;
export const AUDITOR = `arn:aws:sts::${ACCOUNT}:assumed-role/mlops-prod-auditor/jane.doe@example.com`;

/** The buckets of one environment (names as CloudFormation generates them). */
export function buckets(environment: 'dev' | 'prod') {
  return {
    audit: `mlops-${environment}-platform-auditbucket1d2e3f4a-7k2m9q4w8z1x`,
    curated: `mlops-${environment}-platform-datalakecuratedbucket-3p8r2t6v0y4b`,
    artifacts: `mlops-${environment}-platform-datalakeartifactsbuck-5c9e3g7j1l5n`,
  };
}
