import { Template } from 'aws-cdk-lib/assertions';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import {
  ContainerImageOptions,
  containerImageUri,
  DEFAULT_VERSIONS,
  DLC_ACCOUNTS,
  REGISTRY_MAPPING_IDS,
  registryAccounts,
  SUPPORTED_VERSIONS,
  supportedRegions,
} from '../../lib/model/container-images';
import { XGBOOST_ACCOUNTS } from '../../lib/model/container-registries';
import { arnOf, joined, literalUri, newStack, output, rendered, renderedImage } from './container-images-helpers';

const TF: ContainerImageOptions = { framework: 'tensorflow', gpu: false, purpose: 'training' };
const SKL: ContainerImageOptions = { framework: 'sklearn', gpu: false, purpose: 'training' };

describe('TensorFlow Deep Learning Containers', () => {
  test('literal URIs for training and inference, CPU and GPU, default version 2.19.0', () => {
    expect(DEFAULT_VERSIONS.tensorflow).toBe('2.19.0');
    const host = '763104351884.dkr.ecr.us-east-1.amazonaws.com';
    expect(literalUri('us-east-1', TF)).toBe(`${host}/tensorflow-training:2.19.0-cpu-py312-ubuntu22.04-sagemaker`);
    expect(literalUri('us-east-1', { ...TF, gpu: true })).toBe(`${host}/tensorflow-training:2.19.0-gpu-py312-cu125-ubuntu22.04-sagemaker`);
    expect(literalUri('us-east-1', { ...TF, purpose: 'inference' })).toBe(`${host}/tensorflow-inference:2.19.0-cpu-py312-ubuntu22.04-sagemaker`);
    expect(literalUri('us-east-1', { ...TF, gpu: true, purpose: 'inference' }))
      .toBe(`${host}/tensorflow-inference:2.19.0-gpu-py312-cu122-ubuntu22.04-sagemaker`);
  });

  test('2.18.0: training on Ubuntu 22.04, inference on Ubuntu 20.04', () => {
    expect(literalUri('eu-west-1', { ...TF, version: '2.18.0', gpu: true }))
      .toBe('763104351884.dkr.ecr.eu-west-1.amazonaws.com/tensorflow-training:2.18.0-gpu-py310-cu125-ubuntu22.04-sagemaker');
    expect(literalUri('eu-west-1', { ...TF, version: '2.18.0', purpose: 'inference' }))
      .toBe('763104351884.dkr.ecr.eu-west-1.amazonaws.com/tensorflow-inference:2.18.0-cpu-py310-ubuntu20.04-sagemaker');
  });

  test('regions with their own registry account, GovCloud and China included', () => {
    const cpuTraining = 'tensorflow-training:2.19.0-cpu-py312-ubuntu22.04-sagemaker';
    expect(literalUri('us-gov-west-1', TF)).toBe(`442386744353.dkr.ecr.us-gov-west-1.amazonaws.com/${cpuTraining}`);
    expect(literalUri('us-gov-east-1', { ...TF, purpose: 'inference' }))
      .toBe('446045086412.dkr.ecr.us-gov-east-1.amazonaws.com/tensorflow-inference:2.19.0-cpu-py312-ubuntu22.04-sagemaker');
    expect(literalUri('cn-northwest-1', { ...TF, gpu: true }))
      .toBe('727897471807.dkr.ecr.cn-northwest-1.amazonaws.com.cn/tensorflow-training:2.19.0-gpu-py312-cu125-ubuntu22.04-sagemaker');
    expect(literalUri('ap-southeast-6', TF)).toBe(`633930458069.dkr.ecr.ap-southeast-6.amazonaws.com/${cpuTraining}`);
    expect(literalUri('af-south-1', TF)).toBe(`626614931356.dkr.ecr.af-south-1.amazonaws.com/${cpuTraining}`);
  });

  test('environment-agnostic stack: its own mapping and a Fn::FindInMap token', () => {
    const stack = newStack();
    output(stack, 'Tf', { ...TF, version: '2.18.0', gpu: true, purpose: 'inference' });
    const template = Template.fromStack(stack);
    expect(REGISTRY_MAPPING_IDS.tensorflow).toBe('SageMakerTensorflowRegistryAccounts');
    template.hasMapping('SageMakerTensorflowRegistryAccounts', {
      'us-east-1': { account: '763104351884' },
      'us-gov-west-1': { account: '442386744353' },
      'ap-southeast-6': { account: '633930458069' },
      'cn-north-1': { account: '727897471807' },
    });
    const mapping = template.toJSON().Mappings.SageMakerTensorflowRegistryAccounts;
    expect(Object.keys(mapping)).toHaveLength(38);
    const lookup = { 'Fn::FindInMap': ['SageMakerTensorflowRegistryAccounts', { Ref: 'AWS::Region' }, 'account'] };
    expect(renderedImage(template, 'Tf')).toEqual({
      uri: joined('SageMakerTensorflowRegistryAccounts', 'tensorflow-inference:2.18.0-gpu-py310-cu122-ubuntu20.04-sagemaker'),
      repositoryArn: arnOf(lookup, { Ref: 'AWS::Region' }, 'tensorflow-inference'),
    });
  });

  test('errors: unsupported version and region', () => {
    expect(() => containerImageUri(newStack('us-east-1'), { ...TF, version: '2.16.2' }))
      .toThrow(/^Unsupported tensorflow version '2\.16\.2'; supported versions: 2\.18\.0, 2\.19\.0$/);
    expect(() => containerImageUri(newStack('us-iso-east-1'), TF))
      .toThrow(/^No tensorflow container image registry is known for region 'us-iso-east-1' \(stack S\); supported regions: af-south-1, /);
  });

  test('the SDK table agrees with the DLC table and aws-cdk-lib region-info wherever they overlap', () => {
    const accounts = registryAccounts('tensorflow');
    for (const [region, account] of Object.entries(accounts)) {
      const others = { table: DLC_ACCOUNTS[region] ?? account, regionInfo: RegionInfo.get(region).dlcRepositoryAccount ?? account };
      expect({ region, ...others }).toEqual({ region, table: account, regionInfo: account });
    }
    expect(Object.keys(DLC_ACCOUNTS).filter((r) => accounts[r] === undefined)).toEqual([]);
  });
});

describe('scikit-learn framework container', () => {
  test('one CPU image for training and inference, default version 1.2-1', () => {
    expect(DEFAULT_VERSIONS.sklearn).toBe('1.2-1');
    const image = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3';
    expect(literalUri('us-east-1', SKL)).toBe(image);
    expect(literalUri('us-east-1', { ...SKL, purpose: 'inference' })).toBe(image);
    expect(literalUri('eu-west-1', { ...SKL, version: '1.0-1' }))
      .toBe('141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.0-1-cpu-py3');
    expect(literalUri('cn-north-1', SKL)).toBe('450853457545.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-scikit-learn:1.2-1-cpu-py3');
    expect(literalUri('us-gov-west-1', SKL)).toBe('414596584902.dkr.ecr.us-gov-west-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3');
  });

  test('environment-agnostic stack: its own mapping, repository ARN in the registry account', () => {
    const stack = newStack();
    output(stack, 'Skl', { ...SKL, purpose: 'inference' });
    output(stack, 'Xgb', { framework: 'xgboost', gpu: false, purpose: 'training' });
    const template = Template.fromStack(stack);
    expect(REGISTRY_MAPPING_IDS.sklearn).toBe('SageMakerSklearnRegistryAccounts');
    template.hasMapping('SageMakerSklearnRegistryAccounts', {
      'us-east-1': { account: '683313688378' },
      'me-central-1': { account: '272398656194' },
    });
    const mappings = template.toJSON().Mappings;
    expect(Object.keys(mappings).sort()).toEqual(['SageMakerSklearnRegistryAccounts', 'SageMakerXgboostRegistryAccounts']);
    expect(Object.keys(mappings.SageMakerSklearnRegistryAccounts)).toHaveLength(37);
    const lookup = { 'Fn::FindInMap': ['SageMakerSklearnRegistryAccounts', { Ref: 'AWS::Region' }, 'account'] };
    expect(renderedImage(template, 'Skl')).toEqual({
      uri: joined('SageMakerSklearnRegistryAccounts', 'sagemaker-scikit-learn:1.2-1-cpu-py3'),
      repositoryArn: arnOf(lookup, { Ref: 'AWS::Region' }, 'sagemaker-scikit-learn'),
    });
  });

  test('a GPU request is an error, for a concrete region and an agnostic stack (which gets no mapping)', () => {
    const message = /^The scikit-learn \(sklearn\) container images are CPU only: no GPU image exists for training; use a CPU instance type/;
    expect(() => containerImageUri(newStack('us-east-1'), { ...SKL, gpu: true })).toThrow(message);
    const agnostic = newStack();
    expect(() => containerImageUri(agnostic, { ...SKL, gpu: true, purpose: 'inference' })).toThrow(/CPU only: no GPU image exists for inference/);
    expect(agnostic.node.tryFindChild(REGISTRY_MAPPING_IDS.sklearn)).toBeUndefined();
  });

  test('errors: unsupported version and region', () => {
    expect(() => containerImageUri(newStack('us-east-1'), { ...SKL, version: '1.4-2' }))
      .toThrow(/^Unsupported sklearn version '1\.4-2'; supported versions: 1\.0-1, 1\.2-1$/);
    expect(() => containerImageUri(newStack('ap-southeast-5'), SKL))
      .toThrow(/^No sklearn container image registry is known for region 'ap-southeast-5'/);
  });

  test('the sklearn.json registries are the xgboost.json ones', () => {
    expect(registryAccounts('sklearn')).toEqual(registryAccounts('xgboost'));
    expect(supportedRegions('sklearn')).toEqual(Object.keys(XGBOOST_ACCOUNTS).sort());
  });
});

describe('XGBoost image in script mode', () => {
  test('3.0-5 is offered besides the default 1.7-1, with the same registries', () => {
    expect(SUPPORTED_VERSIONS.xgboost).toEqual(['1.5-1', '1.7-1', '3.0-5']);
    expect(literalUri('us-east-2', { framework: 'xgboost', version: '3.0-5', gpu: true, purpose: 'inference' }))
      .toBe('257758044811.dkr.ecr.us-east-2.amazonaws.com/sagemaker-xgboost:3.0-5');
  });
});

describe('all frameworks', () => {
  test('every supported version has all its images in every supported region', () => {
    for (const framework of ['xgboost', 'pytorch', 'tensorflow', 'sklearn'] as const) {
      const processors = framework === 'sklearn' ? [false] : [false, true];
      for (const version of SUPPORTED_VERSIONS[framework]) {
        for (const gpu of processors) {
          for (const purpose of ['training', 'inference'] as const) {
            const stack = newStack('us-west-2');
            output(stack, 'Image', { framework, version, gpu, purpose });
            const uri = rendered(Template.fromStack(stack), 'Image');
            expect(uri).toMatch(new RegExp(`^\\d{12}\\.dkr\\.ecr\\.us-west-2\\.amazonaws\\.com/[a-z-]+:${version}`));
          }
        }
      }
      expect(SUPPORTED_VERSIONS[framework]).toContain(DEFAULT_VERSIONS[framework]);
    }
  });

  test('one mapping per framework, each with its own logical id', () => {
    const stack = newStack();
    output(stack, 'A', { framework: 'xgboost', gpu: false, purpose: 'training' });
    output(stack, 'B', { framework: 'pytorch', gpu: false, purpose: 'training' });
    output(stack, 'C', TF);
    output(stack, 'D', SKL);
    output(stack, 'E', { ...TF, gpu: true, purpose: 'inference' });
    const mappings = Template.fromStack(stack).toJSON().Mappings;
    expect(Object.keys(mappings).sort()).toEqual([
      'SageMakerPytorchRegistryAccounts',
      'SageMakerSklearnRegistryAccounts',
      'SageMakerTensorflowRegistryAccounts',
      'SageMakerXgboostRegistryAccounts',
    ]);
  });
});
