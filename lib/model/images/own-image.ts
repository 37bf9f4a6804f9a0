/**
 * A team's own image in an ECR repository, named by the repository's ARN (any account and region) or by its name (the
 * stack's account and region), pinned by a tag or a digest. Validated at synth, every problem reported at once.
 *
 * Rules checked, and where they come from:
 * - repository name: 2 to 256 characters matching `(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*`,
 *   the `repositoryName` constraint of the ECR API (`CreateRepository`), also enforced by aws-cdk-lib's
 *   `aws-ecr` `Repository`;
 * - tag: `[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`, the tag grammar of the OCI distribution specification;
 * - digest: `sha256:` and 64 lowercase hexadecimal digits (an OCI sha256 digest);
 * - ARN: `arn:<partition>:ecr:<region>:<account>:repository/<name>`, the region known to aws-cdk-lib's region-info
 *   (which gives its partition and DNS suffix) and the partition being that region's.
 */
import { Stack, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import type { ResolvedImage } from '../../../contracts/model-code';
import type { ContainerImage } from './image-types';

/** ECR repository names (`CreateRepository` `repositoryName`): lowercase path components joined by `/`. */
export const ECR_REPOSITORY_NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** Shortest and longest ECR repository name. */
export const ECR_REPOSITORY_NAME_LENGTH = { min: 2, max: 256 } as const;

/** Image tags (OCI distribution specification). */
export const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** Image digests this blueprint accepts: sha256 only, lowercase hex. */
export const IMAGE_DIGEST = /^sha256:[a-f0-9]{64}$/;

/** The parts of an ECR repository ARN. */
const REPOSITORY_ARN = /^arn:([^:]*):ecr:([^:]*):([^:]*):repository\/(.*)$/;

/** Where an own image lives: the stack's registry (`remote` undefined) or the one an ARN names. */
interface Location {
  readonly name: string;
  readonly remote?: { readonly partition: string; readonly region: string; readonly account: string };
}

/**
 * The URI and repository ARN of a team's own image.
 *
 * - `image.repository` an ARN: the image is pulled from that account and region (host
 *   `<account>.dkr.ecr.<region>.<DNS suffix of the region>`), and the ARN is returned as given.
 * - `image.repository` a name: the repository of the stack's account and region (`Stack.formatArn`, host suffix
 *   `AWS::URLSuffix`, so tokens in an environment-agnostic stack).
 *
 * The URI ends in `:<tag>` or `@sha256:<digest>`. The returned `repositoryArn` is meant to scope
 * `ecr:BatchGetImage` / `ecr:GetDownloadUrlForLayer` to exactly this repository.
 *
 * @throws Error listing every problem: a malformed or unknown-region ARN, an invalid repository name, both or neither
 *   of tag and digest, an invalid tag or digest, a value that is not a literal string.
 */
export function ownImage(scope: Construct, image: ResolvedImage): ContainerImage {
  const problems: string[] = [];
  const location = parseRepository(image.repository, problems);
  const reference = imageReference(image, problems);
  if (problems.length > 0 || location === undefined || reference === undefined) {
    throw new Error(`Invalid own image (repository ${JSON.stringify(image.repository)}):\n${problems.map((p) => `- ${p}`).join('\n')}`);
  }

  if (location.remote !== undefined) {
    const { region, account } = location.remote;
    return {
      uri: `${account}.dkr.ecr.${region}.${RegionInfo.get(region).domainSuffix}/${location.name}${reference}`,
      repositoryArn: image.repository,
    };
  }
  const stack = Stack.of(scope);
  return {
    uri: `${stack.account}.dkr.ecr.${stack.region}.${stack.urlSuffix}/${location.name}${reference}`,
    repositoryArn: stack.formatArn({ service: 'ecr', resource: 'repository', resourceName: location.name }),
  };
}

/** The repository's name and, for an ARN, its partition, region and account; problems appended to `problems`. */
function parseRepository(repository: unknown, problems: string[]): Location | undefined {
  if (typeof repository !== 'string' || Token.isUnresolved(repository)) {
    problems.push('repository must be a literal string: a repository ARN or a repository name');
    return undefined;
  }
  if (!repository.startsWith('arn:')) {
    return nameProblems(repository, 'repository name', problems) ? undefined : { name: repository };
  }
  const match = REPOSITORY_ARN.exec(repository);
  if (match === null) {
    problems.push(`repository ARN ${JSON.stringify(repository)} is not of the form arn:<partition>:ecr:<region>:<account>:repository/<name>`);
    return undefined;
  }
  const [, partition, region, account, name] = match;
  const before = problems.length;
  const info = RegionInfo.get(region);
  if (info.domainSuffix === undefined || info.partition === undefined) {
    problems.push(`repository ARN region ${JSON.stringify(region)} is not an AWS region known to aws-cdk-lib's region-info`);
  } else if (info.partition !== partition) {
    problems.push(`repository ARN partition ${JSON.stringify(partition)} is not the partition of region ${region} ("${info.partition}")`);
  }
  if (!/^\d{12}$/.test(account)) {
    problems.push(`repository ARN account ${JSON.stringify(account)} is not a 12-digit AWS account id`);
  }
  nameProblems(name, 'repository ARN name', problems);
  return problems.length > before ? undefined : { name, remote: { partition, region, account } };
}

/** Appends the problems of repository name `name` (called `what`); true when there are any. */
function nameProblems(name: string, what: string, problems: string[]): boolean {
  const before = problems.length;
  const { min, max } = ECR_REPOSITORY_NAME_LENGTH;
  if (name.length < min || name.length > max) {
    problems.push(`${what} ${JSON.stringify(name)} must be ${min} to ${max} characters long (got ${name.length})`);
  }
  if (!ECR_REPOSITORY_NAME.test(name)) {
    problems.push(`${what} ${JSON.stringify(name)} must be lowercase letters and digits, separated by single '.', '_' or '-', `
      + `in path components joined by '/' (ECR's rule ${ECR_REPOSITORY_NAME.source})`);
  }
  return problems.length > before;
}

/** `:<tag>` or `@<digest>`; problems appended to `problems`. */
function imageReference(image: ResolvedImage, problems: string[]): string | undefined {
  const { tag, digest } = image;
  if (tag !== undefined && digest !== undefined) {
    problems.push(`give either tag or digest, not both (got tag ${JSON.stringify(tag)} and digest ${JSON.stringify(digest)})`);
  } else if (tag === undefined && digest === undefined) {
    problems.push('give a tag or a digest (sha256:<64 hex digits>) of the image');
  }
  const before = problems.length;
  if (tag !== undefined && !isLiteral(tag, IMAGE_TAG)) {
    problems.push(`tag ${JSON.stringify(tag)} must be 1 to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'`);
  }
  if (digest !== undefined && !isLiteral(digest, IMAGE_DIGEST)) {
    problems.push(`digest ${JSON.stringify(digest)} must be 'sha256:' followed by 64 lowercase hexadecimal digits`);
  }
  if (problems.length > before || (tag === undefined) === (digest === undefined)) return undefined;
  return tag !== undefined ? `:${tag}` : `@${digest}`;
}

/** Whether `value` is a literal string matching `pattern`. */
function isLiteral(value: unknown, pattern: RegExp): boolean {
  return typeof value === 'string' && !Token.isUnresolved(value) && pattern.test(value);
}
