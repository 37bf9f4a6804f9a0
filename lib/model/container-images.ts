/**
 * SageMaker container image URIs per region, resolved at synth without any network call.
 *
 * - Concrete region (`env.region` set): a literal URI, e.g.
 *   `683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1`.
 * - Environment-agnostic stack (region is the `AWS::Region` token): one `CfnMapping` per framework
 *   and stack (region -> registry account) and a `Fn::Join` of `Fn::FindInMap` + `AWS::Region` +
 *   `AWS::URLSuffix`, resolved by CloudFormation at deploy time. Deploying to a region missing from
 *   the mapping fails at deploy time (`Fn::FindInMap` key not found), not at synth.
 *
 * Tables taken on 2026-11-22 (re-check them when adding a version or a region):
 *
 * - XGBoost registry accounts: SageMaker Python SDK, `src/sagemaker/image_uri_config/xgboost.json`
 *   (github.com/aws/sagemaker-python-sdk, commit 02ed3cbfd8f1c519f8a829b545bb78a47a538546),
 *   `training` and `inference` scopes of versions `1.5-1` and `1.7-1` (identical maps, 37 regions).
 * - PyTorch DLC registry accounts: aws-cdk-lib `region-info` (`RegionInfo.get(region).dlcRepositoryAccount`)
 *   first; for regions it does not know, github.com/aws/deep-learning-containers
 *   `docs/reference/region_availability.md` (commit da81c30f13116f1745de411d6522c2e371bcf9e8), 35 regions
 *   (commercial + China). Both sources agree on every region they share (ap-east-2 is 975050140332 in both;
 *   the older `available_images.md` region table's 763104351884 for ap-east-2 is superseded).
 *   GovCloud is not listed by either source and is therefore not supported for PyTorch.
 * - PyTorch SageMaker image tags: github.com/aws/deep-learning-containers `available_images.md`,
 *   "SageMaker Framework Containers" and "Prior SageMaker Framework Container Versions" tables
 *   (2.3.0 from the revision listing it, 2.4.0/2.5.1/2.6.0 from the current one). Only versions with all four
 *   images published (training/inference x CPU/GPU) are offered; newer training-only versions (2.7.1, 2.9.0)
 *   have no matching inference image.
 */
import { CfnMapping, Fn, Stack, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { DLC_ACCOUNTS, ImagePurpose, PYTORCH_TAGS, XGBOOST_ACCOUNTS } from './container-registries';

export { DLC_ACCOUNTS } from './container-registries';
export type { ImagePurpose } from './container-registries';

/** Container image families this module resolves. */
export type Framework = 'xgboost' | 'pytorch';


/** Options of {@link containerImageUri}. */
export interface ContainerImageOptions {
  /** The image family: the SageMaker built-in XGBoost algorithm or a PyTorch Deep Learning Container. */
  readonly framework: Framework;
  /**
   * Framework version; must be one of {@link SUPPORTED_VERSIONS} for the framework.
   *
   * @default - {@link DEFAULT_VERSIONS}: `1.7-1` for XGBoost, `2.6.0` for PyTorch
   */
  readonly version?: string;
  /**
   * Whether the image runs on GPU instances. PyTorch has separate CPU and GPU images; the XGBoost
   * image is the same for both (GPU training with `tree_method=gpu_hist` / `device=cuda` runs on it).
   */
  readonly gpu: boolean;
  /** Training job image or inference (model) image. XGBoost uses the same image for both. */
  readonly purpose: ImagePurpose;
}

/** Versions offered per framework, oldest first. */
export const SUPPORTED_VERSIONS: Readonly<Record<Framework, readonly string[]>> = {
  xgboost: ['1.5-1', '1.7-1'],
  pytorch: ['2.3.0', '2.4.0', '2.5.1', '2.6.0'],
};

/** Version used when {@link ContainerImageOptions.version} is not given. */
export const DEFAULT_VERSIONS: Readonly<Record<Framework, string>> = {
  xgboost: '1.7-1',
  pytorch: '2.6.0',
};

/** Construct id (and CloudFormation logical id) of each framework's region -> account mapping, at the stack's root. */
export const REGISTRY_MAPPING_IDS: Readonly<Record<Framework, string>> = {
  xgboost: 'SageMakerXgboostRegistryAccounts',
  pytorch: 'SageMakerPytorchRegistryAccounts',
};

/** Second-level key of the registry mappings (CloudFormation requires it to be alphanumeric). */
const ACCOUNT_KEY = 'account';

/**
 * The registry account of `framework` in every supported region, sorted by region. For PyTorch,
 * aws-cdk-lib's region-info fact wins over the bundled table when it has one.
 */
export function registryAccounts(framework: Framework): Record<string, string> {
  const table = framework === 'xgboost' ? XGBOOST_ACCOUNTS : DLC_ACCOUNTS;
  const accounts: Record<string, string> = {};
  for (const region of Object.keys(table).sort()) {
    accounts[region] = framework === 'pytorch'
      ? RegionInfo.get(region).dlcRepositoryAccount ?? table[region]
      : table[region];
  }
  return accounts;
}

/** The regions supported for `framework`, sorted. */
export function supportedRegions(framework: Framework): string[] {
  return Object.keys(registryAccounts(framework));
}

/**
 * The URI of a SageMaker container image for the stack of `scope`.
 *
 * With a concrete stack region, returns a literal URI (and throws when the region is not supported).
 * With an environment-agnostic stack, adds (once per stack and framework) a `CfnMapping` region ->
 * registry account and returns a token that CloudFormation resolves at deploy time.
 *
 * @throws Error when the framework, version or (concrete) region is not supported.
 */
export function containerImageUri(scope: Construct, options: ContainerImageOptions): string {
  return containerImage(scope, options).uri;
}

/** A resolved container image: its URI and the ARN of its ECR repository (for least-privilege pulls). */
export interface ContainerImage {
  /** `<account>.dkr.ecr.<region>.<suffix>/<repository>:<tag>`. */
  readonly uri: string;
  /** `arn:<partition>:ecr:<region>:<account>:repository/<repository>`. */
  readonly repositoryArn: string;
}

/**
 * The image and its repository ARN; see {@link containerImageUri} for how the region is resolved.
 *
 * @throws Error when the framework, version or (concrete) region is not supported.
 */
export function containerImage(scope: Construct, options: ContainerImageOptions): ContainerImage {
  const { framework } = options;
  const supported = SUPPORTED_VERSIONS[framework];
  if (!supported) {
    throw new Error(`Unsupported container image framework '${framework}'; supported frameworks: ${Object.keys(SUPPORTED_VERSIONS).join(', ')}`);
  }
  const version = options.version ?? DEFAULT_VERSIONS[framework];
  if (!supported.includes(version)) {
    throw new Error(`Unsupported ${framework} version '${version}'; supported versions: ${supported.join(', ')}`);
  }
  const path = imagePath(framework, version, options);
  const repository = path.split(':')[0];

  const stack = Stack.of(scope);
  const region = stack.region;
  if (!Token.isUnresolved(region)) {
    const account = registryAccounts(framework)[region];
    if (account === undefined) {
      throw new Error(
        `No ${framework} container image registry is known for region '${region}' (stack ${stack.stackName}); `
        + `supported regions: ${supportedRegions(framework).join(', ')}`,
      );
    }
    return {
      uri: `${account}.dkr.ecr.${region}.${domainSuffix(region)}/${path}`,
      repositoryArn: stack.formatArn({ service: 'ecr', account, region, resource: 'repository', resourceName: repository }),
    };
  }

  const account = registryMapping(stack, framework).findInMap(region, ACCOUNT_KEY);
  return {
    uri: Fn.join('', [account, '.dkr.ecr.', region, '.', stack.urlSuffix, '/', path]),
    repositoryArn: stack.formatArn({ service: 'ecr', account, resource: 'repository', resourceName: repository }),
  };
}

/** `<repository>:<tag>` of the requested image. */
function imagePath(framework: Framework, version: string, options: ContainerImageOptions): string {
  if (framework === 'xgboost') {
    // One image for training and inference, CPU and GPU.
    return `sagemaker-xgboost:${version}`;
  }
  const tag = PYTORCH_TAGS[version][options.purpose][options.gpu ? 'gpu' : 'cpu'];
  return `pytorch-${options.purpose}:${tag}`;
}

/** The DNS suffix of `region`'s partition (`amazonaws.com`, `amazonaws.com.cn`, `c2s.ic.gov`...). */
function domainSuffix(region: string): string {
  const suffix = RegionInfo.get(region).domainSuffix;
  if (suffix === undefined) {
    throw new Error(`The DNS suffix of region '${region}' is unknown to aws-cdk-lib's region-info`);
  }
  return suffix;
}

/** The stack's region -> account mapping for `framework`, created on first use. */
function registryMapping(stack: Stack, framework: Framework): CfnMapping {
  const id = REGISTRY_MAPPING_IDS[framework];
  const existing = stack.node.tryFindChild(id);
  if (existing !== undefined) {
    if (!(existing instanceof CfnMapping)) {
      throw new Error(`Construct '${id}' of stack ${stack.stackName} is not the ${framework} registry CfnMapping`);
    }
    return existing;
  }
  const mapping: Record<string, Record<string, string>> = {};
  for (const [region, account] of Object.entries(registryAccounts(framework))) {
    mapping[region] = { [ACCOUNT_KEY]: account };
  }
  return new CfnMapping(stack, id, { mapping });
}
