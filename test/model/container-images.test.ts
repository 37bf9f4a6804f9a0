import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import {
  ContainerImageOptions,
  containerImageUri,
  DEFAULT_VERSIONS,
  DLC_ACCOUNTS,
  REGISTRY_MAPPING_IDS,
  registryAccounts,
  supportedRegions,
} from '../../lib/model/container-images';
import { arnOf, joined, literalUri, newStack, output, rendered, renderedImage } from './container-images-helpers';

const XGB: ContainerImageOptions = { framework: 'xgboost', gpu: false, purpose: 'training' };

describe('containerImageUri with a concrete region', () => {
  test('us-east-1: XGBoost and PyTorch literal URIs', () => {
    expect(literalUri('us-east-1', XGB)).toBe('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1');
    expect(literalUri('us-east-1', { framework: 'pytorch', gpu: true, purpose: 'training' }))
      .toBe('763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.6.0-gpu-py312-cu126-ubuntu22.04-sagemaker');
    expect(literalUri('us-east-1', { framework: 'pytorch', gpu: true, purpose: 'inference' }))
      .toBe('763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker');
    expect(literalUri('us-east-1', { framework: 'pytorch', version: '2.5.1', gpu: false, purpose: 'inference' }))
      .toBe('763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.5.1-cpu-py311-ubuntu22.04-sagemaker');
    expect(literalUri('us-east-1', { framework: 'pytorch', version: '2.4.0', gpu: false, purpose: 'training' }))
      .toBe('763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.4.0-cpu-py311-ubuntu22.04-sagemaker');
  });

  test('eu-west-1: XGBoost and PyTorch literal URIs', () => {
    expect(literalUri('eu-west-1', { ...XGB, version: '1.5-1' }))
      .toBe('141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.5-1');
    expect(literalUri('eu-west-1', { framework: 'pytorch', version: '2.3.0', gpu: true, purpose: 'training' }))
      .toBe('763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-training:2.3.0-gpu-py311-cu121-ubuntu20.04-sagemaker');
    expect(literalUri('eu-west-1', { framework: 'pytorch', version: '2.3.0', gpu: false, purpose: 'inference' }))
      .toBe('763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-inference:2.3.0-cpu-py311-ubuntu20.04-sagemaker');
  });

  test('regions whose registry account differs, including another partition', () => {
    expect(literalUri('ap-northeast-3', XGB)).toBe('867004704886.dkr.ecr.ap-northeast-3.amazonaws.com/sagemaker-xgboost:1.7-1');
    expect(literalUri('us-gov-west-1', XGB)).toBe('414596584902.dkr.ecr.us-gov-west-1.amazonaws.com/sagemaker-xgboost:1.7-1');
    expect(literalUri('cn-north-1', XGB)).toBe('450853457545.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-xgboost:1.7-1');
    // DLC account from region-info, then from the bundled table (region-info has none for af-south-1).
    expect(literalUri('ap-east-1', { framework: 'pytorch', gpu: false, purpose: 'training' }))
      .toBe('871362719292.dkr.ecr.ap-east-1.amazonaws.com/pytorch-training:2.6.0-cpu-py312-ubuntu22.04-sagemaker');
    expect(literalUri('af-south-1', { framework: 'pytorch', gpu: false, purpose: 'inference' }))
      .toBe('626614931356.dkr.ecr.af-south-1.amazonaws.com/pytorch-inference:2.6.0-cpu-py312-ubuntu22.04-sagemaker');
    expect(literalUri('cn-northwest-1', { framework: 'pytorch', gpu: true, purpose: 'inference' }))
      .toBe('727897471807.dkr.ecr.cn-northwest-1.amazonaws.com.cn/pytorch-inference:2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker');
  });

  test('XGBoost uses one image for CPU and GPU, training and inference', () => {
    const stack = newStack('us-east-1');
    const uris = [
      containerImageUri(stack, XGB),
      containerImageUri(stack, { ...XGB, gpu: true }),
      containerImageUri(stack, { ...XGB, purpose: 'inference' }),
      containerImageUri(stack, { ...XGB, gpu: true, purpose: 'inference' }),
    ];
    expect(new Set(uris).size).toBe(1);
    output(stack, 'Image', { ...XGB, gpu: true });
    const template = Template.fromStack(stack);
    expect(rendered(template, 'Image')).toBe(uris[0]);
    expect(template.toJSON().Mappings).toBeUndefined();
  });

  test('every supported region gives a literal URI', () => {
    for (const framework of ['xgboost', 'pytorch', 'tensorflow', 'sklearn'] as const) {
      for (const region of supportedRegions(framework)) {
        const uri = containerImageUri(newStack(region), { framework, gpu: false, purpose: 'training' });
        expect(uri).toMatch(new RegExp(`^\\d{12}\\.dkr\\.ecr\\.${region}\\.[a-z0-9.-]+/`));
      }
    }
  });
});

describe('containerImageUri with an environment-agnostic stack', () => {
  test('adds a region -> account mapping and returns Fn::Join of Fn::FindInMap', () => {
    const stack = newStack();
    output(stack, 'Xgb', XGB);
    output(stack, 'Torch', { framework: 'pytorch', version: '2.5.1', gpu: true, purpose: 'training' });
    const template = Template.fromStack(stack);

    template.hasMapping(REGISTRY_MAPPING_IDS.xgboost, {
      'us-east-1': { account: '683313688378' },
      'eu-west-1': { account: '141502667606' },
      'cn-north-1': { account: '450853457545' },
      'us-gov-west-1': { account: '414596584902' },
    });
    template.hasMapping(REGISTRY_MAPPING_IDS.pytorch, {
      'us-east-1': { account: '763104351884' },
      'af-south-1': { account: '626614931356' },
      'ap-east-1': { account: '871362719292' },
      'ap-east-2': { account: '975050140332' },
      'cn-north-1': { account: '727897471807' },
    });
    expect(rendered(template, 'Xgb')).toEqual(joined(REGISTRY_MAPPING_IDS.xgboost, 'sagemaker-xgboost:1.7-1'));
    expect(rendered(template, 'Torch')).toEqual(
      joined(REGISTRY_MAPPING_IDS.pytorch, 'pytorch-training:2.5.1-gpu-py311-cu124-ubuntu22.04-sagemaker'),
    );
  });

  test('one mapping per framework per stack, holding every supported region', () => {
    const stack = newStack();
    output(stack, 'A', XGB);
    output(stack, 'B', { ...XGB, version: '1.5-1', purpose: 'inference' });
    output(stack, 'C', { ...XGB, gpu: true });
    output(stack, 'D', { framework: 'pytorch', gpu: true, purpose: 'training' });
    output(stack, 'E', { framework: 'pytorch', gpu: false, purpose: 'inference' });
    const mappings = Template.fromStack(stack).toJSON().Mappings;

    expect(Object.keys(mappings).sort()).toEqual([REGISTRY_MAPPING_IDS.pytorch, REGISTRY_MAPPING_IDS.xgboost].sort());
    expect(Object.keys(mappings[REGISTRY_MAPPING_IDS.xgboost])).toHaveLength(37);
    expect(Object.keys(mappings[REGISTRY_MAPPING_IDS.pytorch])).toHaveLength(35);
    expect(Object.keys(mappings[REGISTRY_MAPPING_IDS.xgboost]).sort()).toEqual(supportedRegions('xgboost'));
    expect(Object.keys(mappings[REGISTRY_MAPPING_IDS.pytorch]).sort()).toEqual(supportedRegions('pytorch'));
  });

  test('each stack gets its own mapping', () => {
    const app = new App();
    const first = new Stack(app, 'First');
    const second = new Stack(app, 'Second');
    output(first, 'Image', XGB);
    output(second, 'Image', XGB);
    Template.fromStack(first).hasMapping(REGISTRY_MAPPING_IDS.xgboost, { 'us-east-1': { account: '683313688378' } });
    Template.fromStack(second).hasMapping(REGISTRY_MAPPING_IDS.xgboost, { 'us-east-1': { account: '683313688378' } });
  });
});

describe('containerImageUri errors', () => {
  test('unsupported concrete region names the region and the framework', () => {
    expect(() => containerImageUri(newStack('us-gov-west-1'), { framework: 'pytorch', gpu: true, purpose: 'training' }))
      .toThrow(/No pytorch container image registry is known for region 'us-gov-west-1' \(stack S\); supported regions: af-south-1, /);
    expect(() => containerImageUri(newStack('ap-southeast-5'), XGB))
      .toThrow(/No xgboost container image registry is known for region 'ap-southeast-5'/);
  });

  test('unsupported version lists the supported ones', () => {
    expect(() => containerImageUri(newStack('us-east-1'), { framework: 'pytorch', version: '2.7.1', gpu: true, purpose: 'training' }))
      .toThrow(/^Unsupported pytorch version '2\.7\.1'; supported versions: 2\.3\.0, 2\.4\.0, 2\.5\.1, 2\.6\.0$/);
    expect(() => containerImageUri(newStack(), { ...XGB, version: '1' }))
      .toThrow(/^Unsupported xgboost version '1'; supported versions: 1\.5-1, 1\.7-1, 3\.0-5$/);
  });

  test('an unknown framework lists the four supported ones', () => {
    const options = { ...XGB, framework: 'mxnet' } as unknown as ContainerImageOptions;
    expect(() => containerImageUri(newStack('us-east-1'), options))
      .toThrow("Unsupported container image framework 'mxnet'; supported frameworks: xgboost, pytorch, tensorflow, sklearn");
  });

  test('an invalid version adds no mapping to an environment-agnostic stack', () => {
    const stack = newStack();
    expect(() => containerImageUri(stack, { ...XGB, version: 'latest' })).toThrow(/Unsupported xgboost version 'latest'/);
    expect(stack.node.tryFindChild(REGISTRY_MAPPING_IDS.xgboost)).toBeUndefined();
  });
});

describe('registry tables', () => {
  test('the bundled DLC table agrees with aws-cdk-lib region-info wherever both have a value', () => {
    for (const [region, account] of Object.entries(DLC_ACCOUNTS)) {
      const fact = RegionInfo.get(region).dlcRepositoryAccount;
      if (fact !== undefined) {
        expect({ region, account: fact }).toEqual({ region, account });
      }
    }
    expect(registryAccounts('pytorch')).toEqual(Object.fromEntries(Object.entries(DLC_ACCOUNTS).sort()));
  });
});

describe('the existing XGBoost and PyTorch images are unchanged', () => {
  test('default versions and mapping logical ids', () => {
    expect(DEFAULT_VERSIONS.xgboost).toBe('1.7-1');
    expect(DEFAULT_VERSIONS.pytorch).toBe('2.6.0');
    expect(REGISTRY_MAPPING_IDS.xgboost).toBe('SageMakerXgboostRegistryAccounts');
    expect(REGISTRY_MAPPING_IDS.pytorch).toBe('SageMakerPytorchRegistryAccounts');
  });

  test('repository ARNs for a concrete region and for an environment-agnostic stack', () => {
    const concrete = newStack('eu-west-1');
    output(concrete, 'Xgb', { ...XGB, purpose: 'inference' });
    output(concrete, 'Torch', { framework: 'pytorch', gpu: true, purpose: 'inference' });
    const literal = Template.fromStack(concrete);
    expect(renderedImage(literal, 'Xgb').repositoryArn).toEqual(arnOf('141502667606', 'eu-west-1', 'sagemaker-xgboost'));
    expect(renderedImage(literal, 'Torch')).toEqual({
      uri: '763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-inference:2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker',
      repositoryArn: arnOf('763104351884', 'eu-west-1', 'pytorch-inference'),
    });

    const agnostic = newStack();
    output(agnostic, 'Torch', { framework: 'pytorch', gpu: false, purpose: 'training' });
    const lookup = { 'Fn::FindInMap': ['SageMakerPytorchRegistryAccounts', { Ref: 'AWS::Region' }, 'account'] };
    expect(renderedImage(Template.fromStack(agnostic), 'Torch')).toEqual({
      uri: joined('SageMakerPytorchRegistryAccounts', 'pytorch-training:2.6.0-cpu-py312-ubuntu22.04-sagemaker'),
      repositoryArn: arnOf(lookup, { Ref: 'AWS::Region' }, 'pytorch-training'),
    });
  });
});
