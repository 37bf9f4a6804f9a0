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
 *   Re-checked on 2026-12-06 with the same file on branch master-v2 (commit c9966d20992192222fb378861fb3b745b64076f4,
 *   the last one changing it) and `sagemaker-core/src/sagemaker/core/image_uri_config/xgboost.json` on branch master
 *   (commit 4f14efba0a44fc4d594ca51facaf9a1a46f13dc5): 1.5-1, 1.7-1 and 3.0-5 all have that same map and the
 *   repository `sagemaker-xgboost` with no processor or Python version, so the tag is the version itself. The image
 *   serves the built-in algorithm and script mode alike: the SDK's script-mode estimator retrieves the same `xgboost`
 *   image (`src/sagemaker/xgboost/estimator.py`, branch master-v2, commit 2be822cacc9a2b3571abd952e86249ca43b1076c).
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
 *   have no matching inference image. Table: `images/pytorch-tables.ts`.
 * - TensorFlow DLC accounts and tags: `images/tensorflow-tables.ts` (SDK `tensorflow.json` and DLC
 *   `available_images.md`, commits named there).
 * - scikit-learn accounts and tags: `images/sklearn-tables.ts` (SDK `sklearn.json` and `image_uris.py`, commits
 *   named there). CPU only: a GPU request is an error.
 *
 * A team's own images (any account and region, by tag or digest): {@link ownImage} in `images/own-image.ts`.
 */
import { CfnMapping, Fn, Stack, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import type { ScriptFramework } from '../../contracts/model-code';
import { FRAMEWORK_IMAGES } from './images/frameworks';
import type { ContainerImage, ImagePurpose } from './images/image-types';

export { DLC_ACCOUNTS } from './container-registries';
export type { ContainerImage, ImagePurpose } from './images/image-types';
export { ECR_REPOSITORY_NAME, ECR_REPOSITORY_NAME_LENGTH, IMAGE_DIGEST, IMAGE_TAG, ownImage } from './images/own-image';

/** Container image families this module resolves: the frameworks a team's scripts run in. */
export type Framework = ScriptFramework;

/** Options of {@link containerImageUri}. */
export interface ContainerImageOptions {
  /** The image family: XGBoost (built-in algorithm and script mode), PyTorch, TensorFlow or scikit-learn. */
  readonly framework: Framework;
  /**
   * Framework version; must be one of {@link SUPPORTED_VERSIONS} for the framework.
   *
   * @default - {@link DEFAULT_VERSIONS}: `1.7-1` for XGBoost, `2.6.0` for PyTorch, `2.19.0` for TensorFlow,
   *   `1.2-1` for scikit-learn
   */
  readonly version?: string;
  /**
   * Whether the image runs on GPU instances. PyTorch and TensorFlow have separate CPU and GPU images; the XGBoost
   * image is the same for both (GPU training with `tree_method=gpu_hist` / `device=cuda` runs on it);
   * scikit-learn has no GPU image, so `true` is an error.
   */
  readonly gpu: boolean;
  /** Training job image or inference (model) image. XGBoost and scikit-learn use the same image for both. */
  readonly purpose: ImagePurpose;
}

/** Versions offered per framework, oldest first. */
export const SUPPORTED_VERSIONS: Readonly<Record<Framework, readonly string[]>> = perFramework((f) => FRAMEWORK_IMAGES[f].versions);

/** Version used when {@link ContainerImageOptions.version} is not given. */
export const DEFAULT_VERSIONS: Readonly<Record<Framework, string>> = perFramework((f) => FRAMEWORK_IMAGES[f].defaultVersion);

/** Construct id (and CloudFormation logical id) of each framework's region -> account mapping, at the stack's root. */
export const REGISTRY_MAPPING_IDS: Readonly<Record<Framework, string>> = perFramework((f) => FRAMEWORK_IMAGES[f].mappingId);

/** Second-level key of the registry mappings (CloudFormation requires it to be alphanumeric). */
const ACCOUNT_KEY = 'account';

/** A record of `value(framework)` for every framework. */
function perFramework<T>(value: (framework: Framework) => T): Record<Framework, T> {
  const frameworks = Object.keys(FRAMEWORK_IMAGES) as Framework[];
  return Object.fromEntries(frameworks.map((f) => [f, value(f)])) as Record<Framework, T>;
}

/**
 * The registry account of `framework` in every supported region, sorted by region. For the PyTorch DLCs,
 * aws-cdk-lib's region-info fact wins over the bundled table when it has one.
 */
export function registryAccounts(framework: Framework): Record<string, string> {
  const table = FRAMEWORK_IMAGES[framework].accounts();
  return Object.fromEntries(Object.keys(table).sort().map((region) => [region, table[region]]));
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
 * @throws Error when the framework, version, processor (GPU for scikit-learn) or (concrete) region is not supported.
 */
export function containerImageUri(scope: Construct, options: ContainerImageOptions): string {
  return containerImage(scope, options).uri;
}

/**
 * The image and its repository ARN; see {@link containerImageUri} for how the region is resolved.
 *
 * @throws Error when the framework, version, processor (GPU for scikit-learn) or (concrete) region is not supported.
 */
export function containerImage(scope: Construct, options: ContainerImageOptions): ContainerImage {
  const { framework } = options;
  const images = Object.hasOwn(FRAMEWORK_IMAGES, framework) ? FRAMEWORK_IMAGES[framework] : undefined;
  if (images === undefined) {
    throw new Error(`Unsupported container image framework '${framework}'; supported frameworks: ${Object.keys(FRAMEWORK_IMAGES).join(', ')}`);
  }
  const version = options.version ?? images.defaultVersion;
  if (!images.versions.includes(version)) {
    throw new Error(`Unsupported ${framework} version '${version}'; supported versions: ${images.versions.join(', ')}`);
  }
  if (options.gpu && !images.gpu) {
    throw new Error(`The ${images.label} (${framework}) container images are CPU only: no GPU image exists for ${options.purpose}; `
      + 'use a CPU instance type (gpu: false) or a framework with GPU images');
  }
  const path = images.path(version, options.purpose, options.gpu);
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
