/** Types shared by the container image tables and resolvers. */

/** What the image is used for: a training job or a model (endpoint, batch transform). */
export type ImagePurpose = 'training' | 'inference';

/** The processor an image is built for. */
export type Processor = 'cpu' | 'gpu';

/** One framework version's image tags, by purpose and processor. */
export type ProcessorTags = Readonly<Record<ImagePurpose, Readonly<Record<Processor, string>>>>;

/** A resolved container image: its URI and the ARN of its ECR repository (for least-privilege pulls). */
export interface ContainerImage {
  /** `<account>.dkr.ecr.<region>.<suffix>/<repository>:<tag>` (or `@sha256:<digest>` for a team's pinned image). */
  readonly uri: string;
  /** `arn:<partition>:ecr:<region>:<account>:repository/<repository>`. */
  readonly repositoryArn: string;
}
