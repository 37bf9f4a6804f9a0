/**
 * TensorFlow Deep Learning Container registries and tags (repositories `tensorflow-training` and
 * `tensorflow-inference`).
 *
 * Sources, taken on 2026-12-06:
 * - Registry accounts: github.com/aws/sagemaker-python-sdk `src/sagemaker/image_uri_config/tensorflow.json`
 *   (branch master-v2, commit 23c38409d2988b960a25ec18f20d33434e37ad2f; byte-identical to
 *   `sagemaker-core/src/sagemaker/core/image_uri_config/tensorflow.json` of branch master, commit
 *   3203e4996219799e7fcad214c7925ffd8594da1f), `training` and `inference` scopes of versions 2.18.0 and 2.19.0:
 *   the same 38-region map in all four. It agrees with `DLC_ACCOUNTS` on every region both list and adds
 *   ap-southeast-6 and the two GovCloud regions.
 * - Tags: github.com/aws/deep-learning-containers `available_images.md`, "SageMaker Framework Containers" table:
 *   2.19.0 from its last revision (commit d2846d66a6c9651c9dc13818fe7369f90dd58485, also in
 *   `docs/src/data/tensorflow-{training,inference}/2.19-{cpu,gpu}-sagemaker.yml` of commit
 *   e0ecedea6a1c56d6b5914f9cfb2fec5c548e67e0), 2.18.0 from the last revision listing it (commit
 *   58402d511d92863e7c001e6a084abfffc60d9eb9). Only versions whose four images (training/inference x CPU/GPU)
 *   share one version are offered: 2.16 has training 2.16.2 but inference 2.16.1, and 2.21 has no inference image.
 */
import { DLC_ACCOUNTS } from '../container-registries';
import type { ProcessorTags } from './image-types';

/**
 * ECR registry account of the TensorFlow DLC images per region (SageMaker Python SDK `tensorflow.json`, see above): the
 * Deep Learning Containers' accounts of `DLC_ACCOUNTS`, with which it agrees on every region both list, plus the
 * three regions only `tensorflow.json` lists.
 */
export const TENSORFLOW_ACCOUNTS: Readonly<Record<string, string>> = {
  ...DLC_ACCOUNTS,
  'ap-southeast-6': '633930458069',
  'us-gov-east-1': '446045086412',
  'us-gov-west-1': '442386744353',
};

/**
 * SageMaker (`-sagemaker` suffixed) TensorFlow DLC tags (`available_images.md`, see above). The CUDA versions of
 * training and inference differ (cu125 vs cu122), and 2.18.0 inference images are still on Ubuntu 20.04.
 */
export const TENSORFLOW_TAGS: Readonly<Record<string, ProcessorTags>> = {
  '2.18.0': {
    training: { cpu: '2.18.0-cpu-py310-ubuntu22.04-sagemaker', gpu: '2.18.0-gpu-py310-cu125-ubuntu22.04-sagemaker' },
    inference: { cpu: '2.18.0-cpu-py310-ubuntu20.04-sagemaker', gpu: '2.18.0-gpu-py310-cu122-ubuntu20.04-sagemaker' },
  },
  '2.19.0': {
    training: { cpu: '2.19.0-cpu-py312-ubuntu22.04-sagemaker', gpu: '2.19.0-gpu-py312-cu125-ubuntu22.04-sagemaker' },
    inference: { cpu: '2.19.0-cpu-py312-ubuntu22.04-sagemaker', gpu: '2.19.0-gpu-py312-cu122-ubuntu22.04-sagemaker' },
  },
};
