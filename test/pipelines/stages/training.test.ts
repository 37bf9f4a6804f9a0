/**
 * The training stage in a bare stack, in script mode: the source package as the `code` channel, the toolkit's
 * hyperparameters naming the wrapper and the package, metric definitions and the container's environment.
 */
import { TRAINING_WRAPPER } from '../../../contracts/model-code';
import { trainingStage } from '../../../pipelines/stages/training';
import { TrainingJobSettings } from '../../../pipelines/stages/training-job';
import { bareStack, statesOf } from './bare-stack';
import { ON_DEMAND_TRAINING } from './workflow-props';

/** The training job of the stage with these settings, as the state machine renders it. */
function trainParameters(training: TrainingJobSettings): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const b = bareStack();
  const stage = trainingStage(b.scope, { training, jobs: b.jobs, run: b.run, trainingInputUri: '$.trainingDataUri', onFailure: b.failure });
  return statesOf(b.stack, stage.start).Train.Parameters as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const TRAINING: TrainingJobSettings = {
  ...ON_DEMAND_TRAINING,
  image: '763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-training:2.6.0-cpu-py312-ubuntu22.04-sagemaker',
  hyperparameters: { epochs: '20' },
};
const PACKAGE = { uri: 's3://assets/0123abcd.tar.gz', fileName: '0123abcd.tar.gz' };

describe('training stage, script mode', () => {
  test('delivers the source package as the code channel; the toolkit runs the wrapper from the extracted package', () => {
    const p = trainParameters({ ...TRAINING, sourcePackage: PACKAGE });
    expect(p.HyperParameters).toEqual({
      epochs: '20',
      sagemaker_program: TRAINING_WRAPPER,
      sagemaker_submit_directory: '/opt/ml/input/data/code/0123abcd.tar.gz',
    });
    expect(p.InputDataConfig).toEqual([
      expect.objectContaining({ ChannelName: 'train' }),
      {
        ChannelName: 'code',
        DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3DataDistributionType: 'FullyReplicated', S3Uri: PACKAGE.uri } },
      },
    ]);
    expect(p.AlgorithmSpecification).toEqual({ TrainingImage: TRAINING.image, TrainingInputMode: 'File' });
    expect(p.Environment).toBeUndefined();
  });

  test('metric definitions and the environment reach the job', () => {
    const p = trainParameters({
      ...TRAINING,
      sourcePackage: PACKAGE,
      metricDefinitions: [{ name: 'val_auc', regex: 'val_auc=([0-9.]+)' }],
      environment: { MLOPS_FRAMEWORK: 'pytorch' },
    });
    expect(p.AlgorithmSpecification.MetricDefinitions).toEqual([{ Name: 'val_auc', Regex: 'val_auc=([0-9.]+)' }]);
    expect(p.Environment).toEqual({ MLOPS_FRAMEWORK: 'pytorch' });
  });

  test('names reserved for the toolkit are refused', () => {
    expect(() => trainParameters({ ...TRAINING, sourcePackage: PACKAGE, hyperparameters: { sagemaker_program: 'x.py' } })).toThrow(
      /"sagemaker_program": names starting with "sagemaker_" are reserved/,
    );
  });

  test('a package given with a folder is refused', () => {
    expect(() => trainParameters({ ...TRAINING, sourcePackage: { uri: PACKAGE.uri, fileName: 'code/p.tar.gz' } })).toThrow(/without folders/);
  });

  test('without code, the image runs as it is: no code channel, the declared hyperparameters only', () => {
    const p = trainParameters(TRAINING);
    expect(p.HyperParameters).toEqual({ epochs: '20' });
    expect(p.InputDataConfig.map((c: { ChannelName: string }) => c.ChannelName)).toEqual(['train']);
  });
});
