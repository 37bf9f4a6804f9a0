/** The structure of a model's `serving` declaration; {@link resolveServing} (serving.ts) checks the combinations. */
import { int, obj, oneOf, optional, recordOf, Schema, show, str } from './schema';
import type {
  AutoscalingDeclaration, CaptureDeclaration, RolloutDeclaration, ServerlessDeclaration, ServingDeclaration, ServingSettingsDeclaration,
} from '../../contracts/serving';

const ALARM_NAME = str({
  maxLength: 255,
  pattern: /^[^\s][\x20-\x7e]*$/,
  expected: 'a CloudWatch alarm name (printable ASCII, at most 255 characters)',
});

const autoscalingSchema = obj<AutoscalingDeclaration>({
  minInstances: optional(int(0, 100)),
  maxInstances: optional(int(1, 100)),
  targetInvocationsPerInstance: optional(int(1, 100000)),
  targetGpuUtilization: optional(int(1, 100)),
  scaleInCooldownSeconds: optional(int(0, 3600)),
  scaleOutCooldownSeconds: optional(int(0, 3600)),
});

const rolloutSchema = obj<RolloutDeclaration>({
  strategy: oneOf('canary', 'linear', 'all-at-once'),
  trafficPercent: optional(int(1, 100)),
  waitSeconds: optional(int(0, 3600)),
  terminationWaitSeconds: optional(int(0, 3600)),
  maximumExecutionTimeoutSeconds: optional(int(600, 28800)),
}, 'an object with strategy (canary, linear or all-at-once)');

/** `false`, or an object of the schema. */
function orFalse<T>(schema: Schema<T>): Schema<T | false> {
  return {
    expected: `false or ${schema.expected}`,
    check(value, path, problems) {
      if (value === false) return false;
      return schema.check(value, path, problems);
    },
  };
}

const settingsShape = {
  mode: optional(oneOf('realtime', 'serverless')),
  // Instance types are checked by resolveServing, which knows whether the model needs a GPU.
  instanceType: optional(str({ expected: 'a SageMaker instance type such as ml.g5.xlarge' })),
  instanceCount: optional(int(1, 100)),
  autoscaling: optional(orFalse(autoscalingSchema)),
  rollout: optional(rolloutSchema),
  capture: optional(orFalse(obj<CaptureDeclaration>({ samplingPercent: optional(int(1, 100)) }))),
  serverless: optional(obj<ServerlessDeclaration>({
    memoryMb: optional(int(1024, 6144, [1024, 2048, 3072, 4096, 5120, 6144])),
    maxConcurrency: optional(int(1, 200)),
    provisionedConcurrency: optional(int(1, 200)),
  })),
  startupHealthCheckTimeoutSeconds: optional(int(60, 3600)),
  modelDataDownloadTimeoutSeconds: optional(int(60, 3600)),
  latencyThresholdMs: optional(int(1, 60000)),
  rollbackAlarmNames: optional(arrayOfAlarmNames()),
  stopWhenIdleHours: optional(orFalse(int(1, 168))),
};

function arrayOfAlarmNames(): Schema<string[]> {
  return {
    expected: 'a list of at most 8 CloudWatch alarm names',
    check(value, path, problems) {
      if (!Array.isArray(value) || value.length > 8) {
        problems.push({
          path,
          got: show(value),
          expected: "a list of at most 8 CloudWatch alarm names (with the blueprint's 2, SageMaker allows 10)",
        });
        return undefined;
      }
      const before = problems.length;
      const names = value.map((v, i) => ALARM_NAME.check(v, `${path}[${i}]`, problems));
      return problems.length === before ? (names as string[]) : undefined;
    },
  };
}

/** The `serving` field of a model declaration (structure only; {@link resolveServing} checks the combinations). */
export const servingSchema: Schema<ServingDeclaration> = obj<ServingDeclaration>({
  ...settingsShape,
  environments: optional(recordOf(
    str({ pattern: /^[a-z][a-z0-9-]{0,15}$/, expected: 'an environment name' }),
    obj<ServingSettingsDeclaration>(settingsShape),
  )),
}, 'a serving declaration (an object)');
