/**
 * What this blueprint knows of each framework's SageMaker images: versions, default version, registry accounts per
 * region, whether GPU images exist, and the `<repository>:<tag>` of each image. The tables come from the sources
 * named in the header of `container-images.ts` and of the `*-tables.ts` files next to this one.
 */
import { RegionInfo } from 'aws-cdk-lib/region-info';
import type { ScriptFramework } from '../../../contracts/model-code';
import { DLC_ACCOUNTS, XGBOOST_ACCOUNTS } from '../container-registries';
import type { ImagePurpose, ProcessorTags } from './image-types';
import { PYTORCH_TAGS } from './pytorch-tables';
import { SKLEARN_ACCOUNTS, sklearnTag } from './sklearn-tables';
import { TENSORFLOW_ACCOUNTS, TENSORFLOW_TAGS } from './tensorflow-tables';

/** One framework's images. */
export interface FrameworkImages {
  /** Human name used in error messages. */
  readonly label: string;
  /** Versions offered, oldest first. */
  readonly versions: readonly string[];
  /** Version used when none is given (one of {@link versions}). */
  readonly defaultVersion: string;
  /** Construct id (and CloudFormation logical id) of the stack's region -> account mapping. */
  readonly mappingId: string;
  /** Whether GPU images exist; when false, a GPU request is an error. */
  readonly gpu: boolean;
  /** Registry account per supported region (not sorted). */
  accounts(): Readonly<Record<string, string>>;
  /** `<repository>:<tag>` of the image of `version` (already validated) for `purpose` and processor. */
  path(version: string, purpose: ImagePurpose, gpu: boolean): string;
}

/** `<framework>-<purpose>:<tag>` of a Deep Learning Container from its tag table. */
function dlcPath(framework: string, tags: Readonly<Record<string, ProcessorTags>>) {
  return (version: string, purpose: ImagePurpose, gpu: boolean): string =>
    `${framework}-${purpose}:${tags[version][purpose][gpu ? 'gpu' : 'cpu']}`;
}

/** The DLC accounts, aws-cdk-lib's region-info fact winning over the bundled table when it has one. */
function dlcAccounts(): Record<string, string> {
  return Object.fromEntries(Object.entries(DLC_ACCOUNTS).map(([region, account]) =>
    [region, RegionInfo.get(region).dlcRepositoryAccount ?? account]));
}

/** Every framework's images, by framework. */
export const FRAMEWORK_IMAGES: Readonly<Record<ScriptFramework, FrameworkImages>> = {
  // One image for training and inference, CPU and GPU: it runs the built-in algorithm and script mode alike.
  xgboost: {
    label: 'XGBoost',
    versions: ['1.5-1', '1.7-1', '3.0-5'],
    defaultVersion: '1.7-1',
    mappingId: 'SageMakerXgboostRegistryAccounts',
    gpu: true,
    accounts: () => XGBOOST_ACCOUNTS,
    path: (version) => `sagemaker-xgboost:${version}`,
  },
  pytorch: {
    label: 'PyTorch',
    versions: Object.keys(PYTORCH_TAGS),
    defaultVersion: '2.6.0',
    mappingId: 'SageMakerPytorchRegistryAccounts',
    gpu: true,
    accounts: dlcAccounts,
    path: dlcPath('pytorch', PYTORCH_TAGS),
  },
  tensorflow: {
    label: 'TensorFlow',
    versions: Object.keys(TENSORFLOW_TAGS),
    defaultVersion: '2.19.0',
    mappingId: 'SageMakerTensorflowRegistryAccounts',
    gpu: true,
    accounts: () => TENSORFLOW_ACCOUNTS,
    path: dlcPath('tensorflow', TENSORFLOW_TAGS),
  },
  // One CPU image for training and inference.
  sklearn: {
    label: 'scikit-learn',
    versions: ['1.0-1', '1.2-1'],
    defaultVersion: '1.2-1',
    mappingId: 'SageMakerSklearnRegistryAccounts',
    gpu: false,
    accounts: () => SKLEARN_ACCOUNTS,
    path: (version) => `sagemaker-scikit-learn:${sklearnTag(version)}`,
  },
};
