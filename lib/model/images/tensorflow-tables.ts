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
import type { ProcessorTags } from './image-types';

/** ECR registry account of the TensorFlow DLC images per region (SageMaker Python SDK `tensorflow.json`, see above). */
export const TENSORFLOW_ACCOUNTS: Readonly<Record<string, string>> = {
  'af-south-1': '626614931356',
  'ap-east-1': '871362719292',
  'ap-east-2': '975050140332',
  'ap-northeast-1': '763104351884',
  'ap-northeast-2': '763104351884',
  'ap-northeast-3': '364406365360',
  'ap-south-1': '763104351884',
  'ap-south-2': '772153158452',
  'ap-southeast-1': '763104351884',
  'ap-southeast-2': '763104351884',
  'ap-southeast-3': '907027046896',
  'ap-southeast-4': '457447274322',
  'ap-southeast-5': '550225433462',
  'ap-southeast-6': '633930458069',
  'ap-southeast-7': '590183813437',
  'ca-central-1': '763104351884',
  'ca-west-1': '204538143572',
  'cn-north-1': '727897471807',
  'cn-northwest-1': '727897471807',
  'eu-central-1': '763104351884',
  'eu-central-2': '380420809688',
  'eu-north-1': '763104351884',
  'eu-south-1': '692866216735',
  'eu-south-2': '503227376785',
  'eu-west-1': '763104351884',
  'eu-west-2': '763104351884',
  'eu-west-3': '763104351884',
  'il-central-1': '780543022126',
  'me-central-1': '914824155844',
  'me-south-1': '217643126080',
  'mx-central-1': '637423239942',
  'sa-east-1': '763104351884',
  'us-east-1': '763104351884',
  'us-east-2': '763104351884',
  'us-gov-east-1': '446045086412',
  'us-gov-west-1': '442386744353',
  'us-west-1': '763104351884',
  'us-west-2': '763104351884',
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
