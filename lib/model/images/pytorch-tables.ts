/**
 * PyTorch Deep Learning Container tags (repositories `pytorch-training` and `pytorch-inference`). The registry
 * accounts are {@link DLC_ACCOUNTS} (see `container-images.ts` for both sources).
 */
import type { ProcessorTags } from './image-types';

/**
 * SageMaker (`-sagemaker` suffixed) PyTorch DLC tags, as listed in github.com/aws/deep-learning-containers
 * `available_images.md` (see the header of `container-images.ts`). Note the CUDA versions of training and inference
 * differ for 2.6.0 (cu126 vs cu124).
 */
export const PYTORCH_TAGS: Readonly<Record<string, ProcessorTags>> = {
  '2.3.0': {
    training: { cpu: '2.3.0-cpu-py311-ubuntu20.04-sagemaker', gpu: '2.3.0-gpu-py311-cu121-ubuntu20.04-sagemaker' },
    inference: { cpu: '2.3.0-cpu-py311-ubuntu20.04-sagemaker', gpu: '2.3.0-gpu-py311-cu121-ubuntu20.04-sagemaker' },
  },
  '2.4.0': {
    training: { cpu: '2.4.0-cpu-py311-ubuntu22.04-sagemaker', gpu: '2.4.0-gpu-py311-cu124-ubuntu22.04-sagemaker' },
    inference: { cpu: '2.4.0-cpu-py311-ubuntu22.04-sagemaker', gpu: '2.4.0-gpu-py311-cu124-ubuntu22.04-sagemaker' },
  },
  '2.5.1': {
    training: { cpu: '2.5.1-cpu-py311-ubuntu22.04-sagemaker', gpu: '2.5.1-gpu-py311-cu124-ubuntu22.04-sagemaker' },
    inference: { cpu: '2.5.1-cpu-py311-ubuntu22.04-sagemaker', gpu: '2.5.1-gpu-py311-cu124-ubuntu22.04-sagemaker' },
  },
  '2.6.0': {
    training: { cpu: '2.6.0-cpu-py312-ubuntu22.04-sagemaker', gpu: '2.6.0-gpu-py312-cu126-ubuntu22.04-sagemaker' },
    inference: { cpu: '2.6.0-cpu-py312-ubuntu22.04-sagemaker', gpu: '2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker' },
  },
};
