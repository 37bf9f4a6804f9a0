import { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { models } from '../fixtures/config';
import { buildTestApp } from '../helpers';
import { defaultModelTemplate } from '../helpers/default-app';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const { stacks } = buildTestApp({ env: 'dev' }, { models, modelsSource: 'config/models.ts' });
// the constructs above; their templates as every file reading the default app gets them (logical ids are deterministic)
const churn = defaultModelTemplate('dev', 'churn');
const resources = (t: Template, type: string) => Object.entries(t.findResources(type) as Record<string, Any>);
const fn = (t: Template, description: RegExp) => resources(t, 'AWS::Lambda::Function').find(([, f]) => description.test(f.Properties.Description))!;
const statements = (t: Template, description: RegExp): Any[] => resources(t, 'AWS::IAM::ManagedPolicy')
  .filter(([, p]) => description.test(p.Properties.Description)).flatMap(([, p]) => p.Properties.PolicyDocument.Statement);

/** `arn` is the ARN of an SQS queue of template `t` (a dead-letter queue that exists, not just any value). */
function expectQueue(t: Template, arn: Any): void {
  const queues = Object.keys(t.findResources('AWS::SQS::Queue'));
  expect(queues).toContain(arn?.['Fn::GetAtt']?.[0]);
  expect(arn['Fn::GetAtt'][1]).toBe('Arn');
}

describe('ModelMonitoring (issue 6 wiring)', () => {
  test('both sample models have the baseline step, the drift job, drift alarms and the retraining trigger', () => {
    for (const name of ['churn', 'fraud-dl'] as const) {
      const m = stacks.models[name].model;
      expect(m.monitoring!.retrainingAlarms.length).toBeGreaterThanOrEqual(2);
      const t = defaultModelTemplate('dev', name);
      // The alarms the monitoring exposes for retraining are alarms of this model's template.
      const alarmIds = Object.keys(t.findResources('AWS::CloudWatch::Alarm'));
      for (const alarm of m.monitoring!.retrainingAlarms) {
        expect(alarmIds).toContain(stacks.models[name].getLogicalId(alarm.node.defaultChild as CfnElement));
      }
      expect(fn(t, /^Summarises the training data/)[1].Properties.Handler).toBe('index.handler');
      expect(JSON.stringify(resources(t, 'AWS::StepFunctions::StateMachine')[0][1].Properties.DefinitionString)).toContain('ComputeBaseline');
    }
  });

  test('the drift job runs hourly from EventBridge Scheduler with the scheduled time, a retry policy and a dead-letter queue', () => {
    const [driftId, drift] = fn(churn, /^Drift statistics of/);
    const schedules = resources(churn, 'AWS::Scheduler::Schedule').map(([, s]) => s.Properties).filter((s) => /drift statistics/.test(s.Description));
    expect(schedules).toHaveLength(1);
    expect(schedules[0]).toEqual(expect.objectContaining({ ScheduleExpression: 'cron(15 * * * ? *)', FlexibleTimeWindow: { Mode: 'OFF' } }));
    expect(schedules[0].Target.Arn).toEqual({ 'Fn::GetAtt': [driftId, 'Arn'] });
    expect(JSON.parse(schedules[0].Target.Input)).toEqual({ scheduledTime: '<aws.scheduler.scheduled-time>' });
    expectQueue(churn, schedules[0].Target.DeadLetterConfig.Arn);
    expect(schedules[0].Target.RetryPolicy).toEqual({ MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 });
    expect(drift.Properties.Environment.Variables).toEqual(expect.objectContaining({
      MODEL_NAME: 'churn', CAPTURE_PREFIX: 'churn/', METRIC_NAMESPACE: 'MLOps/Drift', MIN_SAMPLES: '200', SELF_INVOKE: 'true',
      FEATURES_JSON: JSON.stringify([{ name: 'tenure_months', type: 'integral' }, { name: 'monthly_charges', type: 'fractional' }, { name: 'support_calls', type: 'integral' }, { name: 'contract_type', type: 'string' }]),
    }));
    expectQueue(churn, drift.Properties.DeadLetterConfig.TargetArn);
    expect(drift.Properties.Timeout).toBe(900);
    // PutMetricData only in its own namespace.
    expect(statements(churn, /^Drift statistics of/)).toContainEqual(expect.objectContaining({ Action: 'cloudwatch:PutMetricData', Condition: { StringEquals: { 'cloudwatch:namespace': 'MLOps/Drift' } } }));
  });

  test('drift alarms: aggregated MaxPSI/MaxKSDistance/MaxJSDistance at the defaults, per feature PSI and KS or JS, 2 of 3 hours, missing data not breaching, to the alarm topic', () => {
    const alarms = resources(churn, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties).filter((a) => a.Namespace === 'MLOps/Drift');
    const byName = (metric: string) => alarms.filter((a) => a.MetricName === metric);
    expect(byName('MaxPSI')[0]).toEqual(expect.objectContaining({ Threshold: 0.2, Statistic: 'Maximum', Period: 3600, EvaluationPeriods: 3, DatapointsToAlarm: 2, TreatMissingData: 'notBreaching' }));
    expect(byName('MaxKSDistance')[0].Threshold).toBe(0.1);
    expect(byName('MaxJSDistance')[0].Threshold).toBe(0.1);
    expect(byName('PSI').map((a) => a.Dimensions.find((d: Any) => d.Name === 'Feature').Value).sort()).toEqual(['contract_type', 'monthly_charges', 'support_calls', 'tenure_months']);
    expect(byName('KSDistance')).toHaveLength(3);
    expect(byName('JSDistance')).toHaveLength(1);
    for (const a of alarms) expect(a.AlarmActions).toHaveLength(1);
  });

  test('retraining: a rule on the aggregated alarms going to ALARM invokes the trigger (retries, DLQ); the trigger may start and list exactly this pipeline', () => {
    const rules = resources(churn, 'AWS::Events::Rule').map(([, r]) => r.Properties);
    expect(rules).toHaveLength(1);
    expect(rules[0].EventPattern).toEqual(expect.objectContaining({ source: ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'], detail: { state: { value: ['ALARM'] } } }));
    const aggregated = resources(churn, 'AWS::CloudWatch::Alarm').filter(([, a]) => /^Max/.test(a.Properties.MetricName)).map(([id]) => id).sort();
    expect(rules[0].EventPattern.resources.map((r: Any) => r['Fn::GetAtt'][0]).sort()).toEqual(aggregated);
    const [triggerId, trigger] = fn(churn, /^Starts the training pipeline of/);
    expect(rules[0].Targets[0]).toEqual(expect.objectContaining({ Arn: { 'Fn::GetAtt': [triggerId, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 7200 } }));
    expectQueue(churn, rules[0].Targets[0].DeadLetterConfig.Arn);
    const [machineId] = resources(churn, 'AWS::StepFunctions::StateMachine')[0];
    expect(trigger.Properties.Environment.Variables.STATE_MACHINE_ARN).toEqual({ Ref: machineId });
    expect(statements(churn, /^Starts the training pipeline of/)).toContainEqual({ Effect: 'Allow', Action: ['states:ListExecutions', 'states:StartExecution'], Resource: { Ref: machineId } });
    expect(trigger.Properties.Environment.Variables).toEqual(expect.objectContaining({ COOLDOWN_MINUTES: '360', MAX_STARTS_PER_DAY: '3' }));
    const [, table] = resources(churn, 'AWS::DynamoDB::Table')[0];
    expect(table).toEqual(expect.objectContaining({ DeletionPolicy: 'Retain' }));
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
  });

  test('declared settings reach the template: thresholds, cooldown, cap and a retraining schedule', () => {
    const custom = models.map((m) => (m.name === 'churn' ? { ...m, drift: { psiThreshold: 0.3, evaluationPeriods: 6, datapointsToAlarm: 4 }, retraining: { cooldownMinutes: 720, maxStartsPerDay: 1, schedule: 'cron(0 2 ? * SUN *)' } } : m));
    const t = Template.fromStack(buildTestApp({ env: 'dev' }, { models: custom, modelsSource: 'config/models.ts' }).stacks.models.churn);
    const maxPsi = resources(t, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties).find((a) => a.MetricName === 'MaxPSI')!;
    expect(maxPsi).toEqual(expect.objectContaining({ Threshold: 0.3, EvaluationPeriods: 6, DatapointsToAlarm: 4 }));
    const [, trigger] = fn(t, /^Starts the training pipeline of/);
    expect(trigger.Properties.Environment.Variables).toEqual(expect.objectContaining({ COOLDOWN_MINUTES: '720', MAX_STARTS_PER_DAY: '1' }));
    const retrain = resources(t, 'AWS::Scheduler::Schedule').map(([, s]) => s.Properties).find((s) => s.ScheduleExpression === 'cron(0 2 ? * SUN *)')!;
    expect(JSON.parse(retrain.Target.Input)).toEqual({ source: 'mlops.schedule', model: 'churn', scheduledTime: '<aws.scheduler.scheduled-time>' });
  });

  test('a bad retraining schedule is a configuration error naming the field', () => {
    const bad = models.map((m) => (m.name === 'churn' ? { ...m, retraining: { schedule: 'every sunday' } } : m));
    expect(() => buildTestApp({ env: 'dev' }, { models: bad, modelsSource: 'config/models.ts' }))
      .toThrow('models[0] "churn".retraining.schedule: got "every sunday"; expected an EventBridge Scheduler expression');
  });
});
