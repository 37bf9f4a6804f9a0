import { Lazy } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { ResolvedImage } from '../../contracts/model-code';
import { ownImage } from '../../lib/model/container-images';
import { arnOf, newStack, outputImage, renderedImage } from './container-images-helpers';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

/** The rendered URI and repository ARN of `image` in `stack`. */
function renderOwn(stack: ReturnType<typeof newStack>, image: ResolvedImage): { uri: unknown; repositoryArn: unknown } {
  outputImage(stack, 'Own', ownImage(stack, image));
  return renderedImage(Template.fromStack(stack), 'Own');
}

/** The message of the error `ownImage` throws for `image`. */
function problemsOf(image: ResolvedImage): string {
  try {
    ownImage(newStack('us-east-1', '111122223333'), image);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`ownImage accepted ${JSON.stringify(image)}`);
}

describe('ownImage: a repository of the stack', () => {
  test('by name and tag in a stack with a concrete environment', () => {
    expect(renderOwn(newStack('eu-west-1', '111122223333'), { repository: 'team/churn-model', tag: 'v1.2' })).toEqual({
      uri: { 'Fn::Join': ['', ['111122223333.dkr.ecr.eu-west-1.', { Ref: 'AWS::URLSuffix' }, '/team/churn-model:v1.2']] },
      repositoryArn: arnOf('111122223333', 'eu-west-1', 'team/churn-model'),
    });
  });

  test('by name and digest in an environment-agnostic stack', () => {
    expect(renderOwn(newStack(), { repository: 'churn', digest: DIGEST })).toEqual({
      uri: { 'Fn::Join': ['', [{ Ref: 'AWS::AccountId' }, '.dkr.ecr.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, `/churn@${DIGEST}`]] },
      repositoryArn: arnOf({ Ref: 'AWS::AccountId' }, { Ref: 'AWS::Region' }, 'churn'),
    });
  });

  test('adds no mapping', () => {
    const stack = newStack();
    renderOwn(stack, { repository: 'churn', tag: 'latest' });
    expect(Template.fromStack(stack).toJSON().Mappings).toBeUndefined();
  });
});

describe('ownImage: a repository named by its ARN', () => {
  test('another account and region: literal URI, the ARN returned as given', () => {
    const repository = 'arn:aws:ecr:ap-southeast-2:444455556666:repository/ml/fraud';
    expect(ownImage(newStack('us-east-1', '111122223333'), { repository, tag: '2026-12-01' }))
      .toEqual({ uri: '444455556666.dkr.ecr.ap-southeast-2.amazonaws.com/ml/fraud:2026-12-01', repositoryArn: repository });
    expect(ownImage(newStack(), { repository, digest: DIGEST }))
      .toEqual({ uri: `444455556666.dkr.ecr.ap-southeast-2.amazonaws.com/ml/fraud@${DIGEST}`, repositoryArn: repository });
  });

  test('the DNS suffix of the ARN region, not of the stack', () => {
    const china = 'arn:aws-cn:ecr:cn-north-1:444455556666:repository/fraud';
    expect(ownImage(newStack('us-east-1'), { repository: china, tag: 'v1' }).uri).toBe('444455556666.dkr.ecr.cn-north-1.amazonaws.com.cn/fraud:v1');
    const gov = 'arn:aws-us-gov:ecr:us-gov-west-1:444455556666:repository/fraud';
    expect(ownImage(newStack(), { repository: gov, tag: 'v1' }).uri).toBe('444455556666.dkr.ecr.us-gov-west-1.amazonaws.com/fraud:v1');
  });
});

describe('ownImage: every problem at once', () => {
  test('tag and digest: both, neither', () => {
    expect(problemsOf({ repository: 'churn', tag: 'v1', digest: DIGEST })).toBe(
      'Invalid own image (repository "churn"):\n'
      + `- give either tag or digest, not both (got tag "v1" and digest "${DIGEST}")`,
    );
    expect(problemsOf({ repository: 'churn' })).toBe(
      'Invalid own image (repository "churn"):\n- give a tag or a digest (sha256:<64 hex digits>) of the image',
    );
  });

  test('invalid tags and digests', () => {
    for (const tag of ['', '-v1', '.v1', 'v 1', 'v1:latest', 'a/b', 'x'.repeat(129)]) {
      expect(problemsOf({ repository: 'churn', tag })).toContain(`- tag ${JSON.stringify(tag)} must be 1 to 128 letters, digits, '_', '.' or '-'`);
    }
    expect(ownImage(newStack('us-east-1'), { repository: 'arn:aws:ecr:us-east-1:444455556666:repository/churn', tag: `_${'x'.repeat(127)}` }).uri)
      .toMatch(/:_x{127}$/);
    for (const digest of ['sha256:abc', `sha256:${'A'.repeat(64)}`, `sha512:${'a'.repeat(64)}`, `${'a'.repeat(64)}`, `sha256:${'a'.repeat(65)}`]) {
      expect(problemsOf({ repository: 'churn', digest }))
        .toBe(`Invalid own image (repository "churn"):\n- digest ${JSON.stringify(digest)} `
          + "must be 'sha256:' followed by 64 lowercase hexadecimal digits");
    }
  });

  test('invalid repository names, by ECR\'s rule', () => {
    for (const name of ['Churn', 'churn-', '-churn', 'team//churn', 'team/', '/churn', 'churn..model', 'churn model', 'churn:v1']) {
      expect(problemsOf({ repository: name, tag: 'v1' })).toBe(
        `Invalid own image (repository ${JSON.stringify(name)}):\n- repository name ${JSON.stringify(name)} must be lowercase letters and digits, `
        + "separated by single '.', '_' or '-', in path components joined by '/' "
        + "(ECR's rule ^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$)",
      );
    }
    expect(problemsOf({ repository: 'a', tag: 'v1' }))
      .toBe('Invalid own image (repository "a"):\n- repository name "a" must be 2 to 256 characters long (got 1)');
    expect(problemsOf({ repository: 'a'.repeat(257), tag: 'v1' })).toContain('must be 2 to 256 characters long (got 257)');
    expect(() => ownImage(newStack(), { repository: 'a'.repeat(256), tag: 'v1' })).not.toThrow();
    expect(() => ownImage(newStack(), { repository: 'team_a/churn.model-v2', tag: 'v1' })).not.toThrow();
  });

  test('malformed ARNs', () => {
    for (const repository of ['arn:aws:s3:::bucket', 'arn:aws:ecr:us-east-1:444455556666:churn', 'arn:aws:ecr:us-east-1:444455556666']) {
      expect(problemsOf({ repository, tag: 'v1' })).toBe(`Invalid own image (repository ${JSON.stringify(repository)}):\n`
        + `- repository ARN ${JSON.stringify(repository)} is not of the form arn:<partition>:ecr:<region>:<account>:repository/<name>`);
    }
    expect(problemsOf({ repository: 'arn:aws-cn:ecr:us-east-1:444455556666:repository/churn', tag: 'v1' }))
      .toContain('- repository ARN partition "aws-cn" is not the partition of region us-east-1 ("aws")');
  });

  test('everything wrong at once: each problem listed once', () => {
    expect(problemsOf({ repository: 'arn:aws:ecr:us-east-9:12345:repository/Bad__Name', tag: '-v1', digest: 'sha256:ABC' }).split('\n')).toEqual([
      'Invalid own image (repository "arn:aws:ecr:us-east-9:12345:repository/Bad__Name"):',
      '- repository ARN region "us-east-9" is not an AWS region known to aws-cdk-lib\'s region-info',
      '- repository ARN account "12345" is not a 12-digit AWS account id',
      '- repository ARN name "Bad__Name" must be lowercase letters and digits, separated by single \'.\', \'_\' or \'-\', '
        + "in path components joined by '/' (ECR's rule ^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$)",
      '- give either tag or digest, not both (got tag "-v1" and digest "sha256:ABC")',
      '- tag "-v1" must be 1 to 128 letters, digits, \'_\', \'.\' or \'-\', not starting with \'.\' or \'-\'',
      '- digest "sha256:ABC" must be \'sha256:\' followed by 64 lowercase hexadecimal digits',
    ]);
  });

  test('tokens are refused: the repository and the reference must be known at synth', () => {
    const token = Lazy.string({ produce: () => 'churn' });
    expect(problemsOf({ repository: token, tag: 'v1' })).toContain('- repository must be a literal string: a repository ARN or a repository name');
    expect(problemsOf({ repository: 'churn', tag: token })).toContain('must be 1 to 128 letters');
  });
});
