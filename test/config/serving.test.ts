import { checkModelsAgainstEnvironments } from '../../lib/config/model-schema';
import { resolveServing, ServingContext, ServingSettingsDeclaration } from '../../lib/config/serving';
import { models } from '../fixtures/config';
import { defaultConfig } from '../helpers';

const CPU = { gpu: false, vpc: false, production: true };
const GPU = { gpu: true, vpc: false, production: true };
const messages = (declared: ServingSettingsDeclaration, context: ServingContext = CPU) =>
  resolveServing(declared, context, 'serving').problems.map((p) => `${p.path}: got ${p.got}; expected ${p.expected}`);

describe('serving: defaults', () => {
  test('a CPU model: one ml.m5.large, autoscaling 1-2, all-at-once with baking and rollback, 25% capture, volume key allowed', () => {
    const { serving, problems } = resolveServing({}, CPU, 'serving');
    expect(problems).toEqual([]);
    expect(serving).toEqual({
      mode: 'realtime', instanceType: 'ml.m5.large', instanceCount: 1, gpu: false, volumeKmsAllowed: true,
      autoscaling: {
        minInstances: 1, maxInstances: 2, targetInvocationsPerInstance: 100, targetGpuUtilization: undefined,
        scaleInCooldownSeconds: 600, scaleOutCooldownSeconds: 60,
      },
      rollout: { strategy: 'all-at-once', trafficPercent: 100, waitSeconds: 600, terminationWaitSeconds: 300, maximumExecutionTimeoutSeconds: 2700 },
      capture: { samplingPercent: 25 },
      startupHealthCheckTimeoutSeconds: 300, modelDataDownloadTimeoutSeconds: 600, latencyThresholdMs: 500,
      rollbackAlarmNames: [], stopWhenIdleHours: undefined,
    });
  });

  test('non-production endpoints stop after 4 idle hours unless told otherwise; production ones never by default', () => {
    const nonProd = { ...CPU, production: false };
    expect((resolveServing({}, nonProd, 'serving').serving as { stopWhenIdleHours?: number }).stopWhenIdleHours).toBe(4);
    expect((resolveServing({ stopWhenIdleHours: 12 }, nonProd, 'serving').serving as { stopWhenIdleHours?: number }).stopWhenIdleHours).toBe(12);
    expect((resolveServing({ stopWhenIdleHours: false }, nonProd, 'serving').serving as { stopWhenIdleHours?: number }).stopWhenIdleHours).toBeUndefined();
    expect((resolveServing({}, CPU, 'serving').serving as { stopWhenIdleHours?: number }).stopWhenIdleHours).toBeUndefined();
    expect(messages({ mode: 'serverless', stopWhenIdleHours: 2 })).toEqual(['serving.stopWhenIdleHours: got 2; expected nothing, because serverless endpoints do not support it (mode is "serverless")']);
  });

  test('a GPU model: ml.g5.xlarge (local NVMe: no volume key), GPU timeouts and GPU utilization scaling; two instances get a canary', () => {
    const { serving } = resolveServing({ instanceCount: 2 }, GPU, 'serving');
    expect(serving).toEqual(expect.objectContaining({
      instanceType: 'ml.g5.xlarge', gpu: true, volumeKmsAllowed: false, startupHealthCheckTimeoutSeconds: 900, modelDataDownloadTimeoutSeconds: 1200,
      autoscaling: expect.objectContaining({ minInstances: 2, maxInstances: 4, targetGpuUtilization: 70 }),
      rollout: expect.objectContaining({ strategy: 'canary', trafficPercent: 25 }),
    }));
  });

  test('serverless: memory, concurrency, no capture', () => {
    expect(resolveServing({ mode: 'serverless', serverless: { memoryMb: 4096, maxConcurrency: 10, provisionedConcurrency: 2 } }, CPU, 'serving').serving)
      .toEqual({ mode: 'serverless', memoryMb: 4096, maxConcurrency: 10, provisionedConcurrency: 2, latencyThresholdMs: 500 });
  });
});

describe('serving: every deploy-time rule is a synth-time error', () => {
  test.each<[string, ServingSettingsDeclaration, ServingContext, string]>([
    ['GPU model on a CPU type', { instanceType: 'ml.m5.xlarge' }, GPU, 'serving.instanceType: got "ml.m5.xlarge"; expected a GPU instance type (families p2, p3, p3dn, p4d'],
    ['GPU model on Inferentia', { instanceType: 'ml.inf2.xlarge' }, GPU, '(inf2 is AWS Inferentia/Trainium, not an NVIDIA GPU)'],
    ['unknown instance type', { instanceType: 'ml.q9.large' }, CPU, 'serving.instanceType: got "ml.q9.large"; expected a known SageMaker instance type'],
    ['canary with one instance', { rollout: { strategy: 'canary' } }, CPU, 'serving.rollout.strategy: got "canary" with instanceCount 1; expected instanceCount of at least 2'],
    ['canary above half', { instanceCount: 4, rollout: { strategy: 'canary', trafficPercent: 60 } }, CPU, 'serving.rollout.trafficPercent: got 60; expected at most 50: a canary is at most half the fleet'],
    ['canary rounding above half the instances', { instanceCount: 3, rollout: { strategy: 'canary', trafficPercent: 50 } }, CPU, 'expected a canary of at most half of 3 instances (50% rounds up to 2)'],
    ['linear step below 10', { instanceCount: 2, rollout: { strategy: 'linear', trafficPercent: 5 } }, CPU, 'serving.rollout.trafficPercent: got 5; expected a linear step of 10 to 50 percent'],
    ['linear step above 50', { instanceCount: 2, rollout: { strategy: 'linear', trafficPercent: 60 } }, CPU, 'expected a linear step of 10 to 50 percent'],
    ['traffic percent with all-at-once', { rollout: { strategy: 'all-at-once', trafficPercent: 20 } }, CPU, 'serving.rollout.trafficPercent: got 20; expected nothing, because strategy "all-at-once"'],
    ['waits longer than the maximum execution time', { instanceCount: 2, rollout: { strategy: 'linear', trafficPercent: 10, waitSeconds: 3600, maximumExecutionTimeoutSeconds: 28800 } }, CPU,
      'serving.rollout.maximumExecutionTimeoutSeconds: got 28800; expected a rollout whose waits (10 x 3600 s + 300 s termination wait = 36300 s) fit in the maximum execution time (28800 s'],
    ['default maximum cannot hold the waits', { instanceCount: 2, rollout: { strategy: 'linear', trafficPercent: 10, waitSeconds: 3000 } }, CPU, 'serving.rollout.waitSeconds: got 3000; expected a rollout whose waits'],
    ['scale to zero on a plain variant', { autoscaling: { minInstances: 0 } }, CPU, 'serving.autoscaling.minInstances: got 0; expected at least 1: plain endpoint variants cannot scale to zero (only inference components can)'],
    ['minimum above the initial count', { instanceCount: 1, autoscaling: { minInstances: 2, maxInstances: 3 } }, CPU, 'serving.autoscaling.minInstances: got 2; expected at most instanceCount (1)'],
    ['maximum below the initial count', { instanceCount: 3, autoscaling: { maxInstances: 2 } }, CPU, 'serving.autoscaling.maxInstances: got 2; expected at least instanceCount (3)'],
    ['GPU target on a CPU type', { autoscaling: { targetGpuUtilization: 60 } }, CPU, 'serving.autoscaling.targetGpuUtilization: got 60; expected nothing, because ml.m5.large has no GPU'],
    ['serverless GPU model', { mode: 'serverless' }, GPU, 'serving.mode: got "serverless" for a model with gpu: true; expected "realtime": serverless inference has no GPUs'],
    ['serverless in a VPC', { mode: 'serverless' }, { gpu: false, vpc: true, production: true }, 'serving.mode: got "serverless" in an environment with sagemakerVpc; expected "realtime": serverless endpoints cannot run in a VPC'],
    ['serverless with capture', { mode: 'serverless', capture: { samplingPercent: 10 } }, CPU, 'serving.capture: got {"samplingPercent":10}; expected false or nothing: serverless endpoints cannot capture data'],
    ['serverless with guardrails', { mode: 'serverless', rollout: { strategy: 'all-at-once' } }, CPU, 'serving.rollout: got {"strategy":"all-at-once"}; expected nothing, because serverless endpoints do not support it'],
    ['serverless with an instance type', { mode: 'serverless', instanceType: 'ml.m5.large' }, CPU, 'serving.instanceType: got "ml.m5.large"; expected nothing, because serverless endpoints do not support it'],
    ['serverless with autoscaling', { mode: 'serverless', autoscaling: { maxInstances: 3 } }, CPU, 'serving.autoscaling: got {"maxInstances":3}; expected nothing'],
    ['provisioned above the maximum', { mode: 'serverless', serverless: { maxConcurrency: 2, provisionedConcurrency: 3 } }, CPU, 'serving.serverless.provisionedConcurrency: got 3; expected at most maxConcurrency (2)'],
    ['serverless settings on a real-time endpoint', { serverless: { memoryMb: 2048 } }, CPU, 'serving.serverless: got {"memoryMb":2048}; expected nothing, because mode is "realtime"'],
  ])('%s', (_name, declared, context, fragment) => {
    expect(messages(declared, context).join('\n')).toContain(fragment);
  });

  test('all problems at once', () => {
    expect(messages({ mode: 'serverless', instanceType: 'ml.g5.xlarge', rollout: { strategy: 'canary' }, capture: { samplingPercent: 5 } }, { gpu: true, vpc: true, production: true })).toHaveLength(5);
  });

  test('checked per environment with the overrides applied, naming the model, the environment and the field', () => {
    const bad = models.map((m) => (m.name === 'fraud-dl' ? { ...m, serving: { ...m.serving, environments: { prod: { instanceCount: 1, rollout: { strategy: 'canary' as const } } } } } : m));
    expect(() => checkModelsAgainstEnvironments(bad, defaultConfig().environments, 'config/models.ts'))
      .toThrow('models[1] "fraud-dl".serving (environment "prod").rollout.strategy: got "canary" with instanceCount 1');
  });

  test('an override for an unknown environment is named', () => {
    const bad = models.map((m) => (m.name === 'churn' ? { ...m, serving: { environments: { staging: { instanceCount: 2 } } } } : m));
    expect(() => checkModelsAgainstEnvironments(bad, defaultConfig().environments, 'config/models.ts'))
      .toThrow('models[0] "churn".serving.environments.staging: got an unknown environment; expected one of the environments dev, prod');
  });

  test('the sample models are valid in every environment', () => {
    expect(() => checkModelsAgainstEnvironments(models, defaultConfig().environments, 'config/models.ts')).not.toThrow();
  });
});
