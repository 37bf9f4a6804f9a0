/** Helpers of the container image tests: stacks, and image URIs as CloudFormation renders them. */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { ContainerImage, ContainerImageOptions, containerImage } from '../../lib/model/container-images';

/** A stack in `region` (and `account`, when given), or environment-agnostic when `region` is undefined. */
export function newStack(region?: string, account?: string): Stack {
  const app = new App();
  return new Stack(app, 'S', region === undefined ? {} : { env: { region, account } });
}

/** Renders `image` into the template: its URI as the value of SSM parameter `id`, its repository ARN as the description. */
export function outputImage(stack: Stack, id: string, image: ContainerImage): void {
  new ssm.CfnParameter(stack, id, { type: 'String', value: image.uri, description: image.repositoryArn });
}

/** Renders the image of `options` into the template, as SSM parameter `id` (see {@link outputImage}). */
export function output(stack: Stack, id: string, options: ContainerImageOptions): void {
  outputImage(stack, id, containerImage(stack, options));
}

/** The rendered URI and repository ARN of SSM parameter `id` (a top-level construct, so its logical id is `id`). */
export function renderedImage(template: Template, id: string): { uri: unknown; repositoryArn: unknown } {
  const resource = template.toJSON().Resources[id];
  expect(resource.Type).toBe('AWS::SSM::Parameter');
  return { uri: resource.Properties.Value, repositoryArn: resource.Properties.Description };
}

/** The rendered URI of SSM parameter `id`. */
export function rendered(template: Template, id: string): unknown {
  return renderedImage(template, id).uri;
}

/** The literal URI of `options` in a stack of `region`, as rendered in the template. */
export function literalUri(region: string, options: ContainerImageOptions): unknown {
  const stack = newStack(region);
  output(stack, 'Image', options);
  return rendered(Template.fromStack(stack), 'Image');
}

/** The `Fn::Join` CloudFormation renders for an environment-agnostic stack. */
export function joined(mappingId: string, path: string): unknown {
  return {
    'Fn::Join': ['', [
      { 'Fn::FindInMap': [mappingId, { Ref: 'AWS::Region' }, 'account'] },
      '.dkr.ecr.',
      { Ref: 'AWS::Region' },
      '.',
      { Ref: 'AWS::URLSuffix' },
      `/${path}`,
    ]],
  };
}

/** The repository ARN rendered for a repository of `account` (literal or a mapping lookup) in `region` (literal or token). */
export function arnOf(account: unknown, region: unknown, repository: string): unknown {
  const parts: unknown[] = [];
  // CloudFormation's Fn::Join as CDK renders it: adjacent literal strings merged.
  for (const part of ['arn:', { Ref: 'AWS::Partition' }, ':ecr:', region, ':', account, `:repository/${repository}`]) {
    const last = parts.length - 1;
    if (typeof part === 'string' && typeof parts[last] === 'string') parts[last] += part;
    else parts.push(part);
  }
  return { 'Fn::Join': ['', parts] };
}
