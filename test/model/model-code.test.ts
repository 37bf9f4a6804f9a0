/** What a model's containers run, as the templates carry it: images, the source package, the evaluation, the environment. */
import { Template } from 'aws-cdk-lib/assertions';
import { execFileSync } from 'child_process';
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { gunzipSync } from 'zlib';
import { packageEntries, tarOf } from '../../lib/model/source-package';
import { customImageModel, fixtureCode, models, regressionModel } from '../fixtures/config';
import { buildTestApp } from '../helpers';
import { definitionOf } from '../pipelines/fixtures';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const { stacks } = buildTestApp({ env: 'dev' }, { models: [...models, regressionModel, customImageModel] });
const states = (name: string): Record<string, Any> => definitionOf(stacks.models[name]).States as Record<string, Any>;
const template = (name: string) => Template.fromStack(stacks.models[name]);

describe('script mode', () => {
  test('training runs the wrapper from the source package delivered as the code channel', () => {
    const train = states('fraud-dl').Train.Parameters;
    const code = train.InputDataConfig.find((c: Any) => c.ChannelName === 'code');
    expect(code.DataSource.S3DataSource.S3Uri).toMatch(/^s3:\/\/.+\/[0-9a-f]{64}\.gz$/);
    expect(train.HyperParameters).toEqual(expect.objectContaining({
      sagemaker_program: 'mlops_train.py',
      sagemaker_submit_directory: `/opt/ml/input/data/code/${code.DataSource.S3DataSource.S3Uri.split('/').pop()}`,
      epochs: '20',
    }));
  });

  test('the registered model serves the inference module from the artifact\'s code folder', () => {
    const container = states('fraud-dl').RegisterModel.Parameters.InferenceSpecification.Containers[0];
    expect(container.Environment).toEqual({ SAGEMAKER_PROGRAM: 'inference.py', SAGEMAKER_SUBMIT_DIRECTORY: '/opt/ml/model/code' });
    expect(states('churn').RegisterModel.Parameters.InferenceSpecification.Containers[0].Environment).toBeUndefined();
  });

  test('the generic evaluation learns its folders, the metric and the inference module; an own script replaces it', () => {
    const generic = states('fraud-dl').Evaluate.Parameters;
    expect(generic.Environment).toEqual({
      MLOPS_FRAMEWORK: 'pytorch',
      MLOPS_MODEL_DIR: '/opt/ml/processing/model',
      MLOPS_DATA_DIR: '/opt/ml/processing/data',
      MLOPS_OUTPUT_DIR: '/opt/ml/processing/output',
      MLOPS_METRIC: 'auc',
      SAGEMAKER_PROGRAM: 'inference.py',
    });
    const own = states('eta').Evaluate.Parameters;
    const scriptOf = (p: Any) => p.ProcessingInputs.find((i: Any) => i.InputName === 'code').S3Input.S3Uri;
    expect(scriptOf(own)).not.toBe(scriptOf(generic));
    expect(own.AppSpecification.ImageUri).toMatch(/sagemaker-scikit-learn:1\.2-1-cpu-py3$/);
    expect(states('eta').MetricMissing.Parameters.Cause).toMatch(/the evaluation report of evaluate\.py has no numeric mae/);
    expect(states('eta').MetricOutOfRange.Parameters['Cause.$']).toMatch(/outside its range \[0, 1440\]/);
  });

  test('a tuned model tunes instead of training, and its state machine waits for every round of jobs', () => {
    expect(states('eta').Tune).toBeDefined();
    expect(states('eta').Train).toBeUndefined();
    // 4 jobs, 2 at a time: two rounds of spot wait (120 minutes each) instead of one.
    const single = buildTestApp({ env: 'dev' }, { models: [{ ...regressionModel, training: { ...regressionModel.training, tuning: undefined } }] });
    const timeoutOf = (stack: typeof stacks.models.eta) => (definitionOf(stack) as unknown as { TimeoutSeconds: number }).TimeoutSeconds;
    expect(timeoutOf(stacks.models.eta) - timeoutOf(single.stacks.models.eta)).toBe(120 * 60);
  });
});

describe('own images', () => {
  test('training, evaluation and serving use the team\'s images; the job role pulls exactly those repositories', () => {
    const s = states('own-image');
    expect(s.Train.Parameters.AlgorithmSpecification.TrainingImage).toMatch(/\.dkr\.ecr\..+\/team\/own-train:1\.4\.0$/);
    expect(JSON.stringify(s.Evaluate.Parameters.AppSpecification.ImageUri)).toMatch(/team\/own-train:1\.4\.0/);
    expect(JSON.stringify(s.RegisterModel.Parameters.InferenceSpecification.Containers[0].Image)).toMatch(/team\/own-serve@sha256:(ab){32}/);
    expect(s.Train.Parameters.HyperParameters).toEqual({ depth: '4' });
    const pulls = Object.values(template('own-image').findResources('AWS::IAM::ManagedPolicy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((st: Any) => JSON.stringify(st.Action).includes('ecr:BatchGetImage'));
    expect(pulls).toHaveLength(1);
    expect(JSON.stringify(pulls[0].Resource)).toMatch(/repository\/team\/own-train/);
    expect(JSON.stringify(pulls[0].Resource)).toMatch(/repository\/team\/own-serve/);
    expect(JSON.stringify(pulls[0].Resource)).not.toMatch(/sagemaker|pytorch/);
  });
});

describe('the source package', () => {
  test('is a tar that Python\'s tarfile reads, with the team\'s files, the wrapper and its settings, byte for byte stable', () => {
    const code = { sourceDir: fixtureCode('fraud-dl'), trainingEntryPoint: 'train.py', inferenceEntryPoint: 'inference.py' };
    const entries = packageEntries(code);
    expect(entries.map(([name]) => name)).toEqual(['inference.py', 'mlops_train.json', 'mlops_train.py', 'requirements.txt', 'train.py']);
    expect(JSON.parse(entries[1][1].toString())).toEqual({ entryPoint: 'train.py', inferenceFiles: ['inference.py', 'requirements.txt'] });
    expect(tarOf(packageEntries(code)).equals(tarOf(entries))).toBe(true);
    const file = join(mkdtempSync(join(tmpdir(), 'source-package-')), 'package.tar');
    writeFileSync(file, tarOf(entries));
    const listed = execFileSync('python3', ['-c', 'import sys, tarfile; t = tarfile.open(sys.argv[1]); print("\\n".join(f"{m.name} {m.size}" for m in t))', file])
      .toString().trim().split('\n');
    expect(listed).toEqual(entries.map(([name, content]) => `${name} ${content.length}`));
    expect(gunzipSync(require('zlib').gzipSync(tarOf(entries))).equals(tarOf(entries))).toBe(true); // eslint-disable-line @typescript-eslint/no-require-imports
  });

  test('a path longer than a tar header can hold is refused with its name', () => {
    expect(() => tarOf([[`${'d'.repeat(160)}/${'f'.repeat(120)}.py`, Buffer.from('')]])).toThrow(/too long for a tar archive/);
  });
});
