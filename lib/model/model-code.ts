/**
 * What a model's containers run: the images (SageMaker's framework images or the team's own), the team's code as a
 * source package, and the evaluation script (the team's or the generic one), with the environment each container
 * needs to find them (contracts/model-code.ts). Everything the job role must be able to pull or read is listed.
 */
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { join } from 'path';
import { EVALUATION_ENV, SERVING_CODE_DIR } from '../../contracts/model-code';
import { ResolvedModel } from '../config/resolved-model';
import { packagePath } from '../private/package-paths';
import { ContainerImage, containerImage, ownImage } from './container-images';
import { inferenceFiles, SourcePackage } from './source-package';

/** Properties of {@link ModelCode}. */
export interface ModelCodeProps {
  /** The resolved model. */
  readonly model: ResolvedModel;
}

/** The images, packages and scripts of one model. */
export class ModelCode extends Construct {
  public readonly trainingImage: ContainerImage;
  public readonly evaluationImage: ContainerImage;
  public readonly inferenceImage: ContainerImage;
  /** The preprocessing job's image, when the model declares preprocessing. */
  public readonly preprocessingImage?: ContainerImage;
  /** The team's code with the training wrapper; `undefined` for the built-in algorithm and own images. */
  public readonly sourcePackage?: SourcePackage;
  /** The evaluation script: the team's, or the generic one. */
  public readonly evaluationScript: s3assets.Asset;
  /** The evaluation script's name, for messages: its path in the team's folder, or `undefined` for the generic one. */
  public readonly evaluationScriptName?: string;
  /** Environment of the evaluation job (the evaluation stage adds the folders). */
  public readonly evaluationEnvironment: Record<string, string>;
  /** Environment of the served container. */
  public readonly inferenceEnvironment: Record<string, string>;

  constructor(scope: Construct, id: string, props: ModelCodeProps) {
    super(scope, id);
    const m = props.model;
    const code = m.code;
    const servingGpu = m.serving.mode === 'realtime' && m.serving.gpu;
    if (m.framework === 'custom') {
      if (!m.images) throw new Error(`model ${m.name}: framework "custom" without images (resolveModel should have refused it)`);
      this.trainingImage = ownImage(this, m.images.training);
      this.evaluationImage = this.trainingImage;
      this.inferenceImage = ownImage(this, m.images.inference);
    } else {
      const image = (gpu: boolean, purpose: 'training' | 'inference') =>
        containerImage(this, { framework: m.framework as Exclude<typeof m.framework, 'custom'>, version: m.frameworkVersion, gpu, purpose });
      this.trainingImage = image(m.gpu, 'training');
      this.evaluationImage = image(m.evaluation.gpu, 'training');
      // The serving image follows the serving hardware (a GPU model may only serve on GPUs, see serving.ts).
      this.inferenceImage = image(servingGpu, 'inference');
      if (m.preprocessing) this.preprocessingImage = image(m.preprocessing.gpu, 'training');
    }

    const trainingEntryPoint = code?.trainingEntryPoint;
    const scriptCode = code && trainingEntryPoint !== undefined ? { ...code, trainingEntryPoint } : undefined;
    if (scriptCode) this.sourcePackage = new SourcePackage(this, 'Source', { code: scriptCode });
    const ownEvaluation = code?.evaluationScript;
    this.evaluationScriptName = ownEvaluation;
    this.evaluationScript = new s3assets.Asset(this, 'EvaluationScript', {
      path: ownEvaluation && code ? join(code.sourceDir, ownEvaluation) : packagePath('pipelines', 'scripts', 'evaluate.py'),
    });
    const inferenceModule = scriptCode && this.sourcePackage ? inferenceFiles(scriptCode, this.sourcePackage.files)[0] : undefined;
    this.inferenceEnvironment = inferenceModule
      ? { SAGEMAKER_PROGRAM: inferenceModule, SAGEMAKER_SUBMIT_DIRECTORY: SERVING_CODE_DIR }
      : {};
    this.evaluationEnvironment = {
      MLOPS_FRAMEWORK: m.framework,
      [EVALUATION_ENV.metric]: m.evaluation.metric,
      ...(inferenceModule ? { SAGEMAKER_PROGRAM: inferenceModule } : {}),
    };
  }

  /** Every script asset the job role reads (the evaluation script, the source package). */
  public get scriptAssets(): s3assets.Asset[] {
    return [this.evaluationScript, ...(this.sourcePackage ? [this.sourcePackage.asset] : [])];
  }

  /** Every repository the job role pulls from. */
  public get repositoryArns(): string[] {
    return [...new Set([this.trainingImage.repositoryArn, this.evaluationImage.repositoryArn, this.inferenceImage.repositoryArn])];
  }
}
