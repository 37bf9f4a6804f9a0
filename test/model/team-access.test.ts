import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { models } from '../fixtures/config';
import { TeamAccess, trainingDataParameterName } from '../../lib/model/team-access';
import { buildTestApp } from '../helpers';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// GIVEN the dev model stacks of the two sample models.
const { stacks } = buildTestApp({ env: 'dev' }, { models, modelsSource: 'config/models.ts' });
const churnStack = stacks.models.churn;
const churn = Template.fromStack(churnStack);
const resolve = (value: unknown) => JSON.stringify(churnStack.resolve(value));

function teamPolicy(t: Template): Any {
  const policies = Object.values(t.findResources('AWS::IAM::ManagedPolicy') as Record<string, Any>).filter((p) =>
    /^Team of /.test(p.Properties.Description),
  );
  expect(policies).toHaveLength(1);
  return policies[0].Properties;
}
const bySid = (t: Template): Record<string, Any> => Object.fromEntries(teamPolicy(t).PolicyDocument.Statement.map((s: Any) => [s.Sid, s]));
const list = (v: unknown) => (Array.isArray(v) ? v : [v]);

describe('TeamAccess', () => {
  test("one named managed policy per model with exactly the team's statements, attached to nothing", () => {
    const policy = teamPolicy(churn);
    expect(policy.ManagedPolicyName).toBe('mlops-dev-churn-team');
    expect(policy.Roles ?? policy.Groups ?? policy.Users).toBeUndefined();
    expect(Object.keys(bySid(churn))).toEqual([
      'UploadModelData',
      'ListModelData',
      'UseDataKeyThroughS3',
      'SetTrainingDataPointer',
      'StartRuns',
      'WatchRuns',
      'ReadRunOutputs',
      'ListRunOutputs',
      'ReadRegisteredPackages',
      'ListPackages',
      'UseEndpoint',
    ]);
    expect(teamPolicy(Template.fromStack(stacks.models['fraud-dl'])).ManagedPolicyName).toBe('mlops-dev-fraud-dl-team');
  });

  test("uploads and lists only under its model's curated prefix; reads only its run outputs; deletes nothing", () => {
    const s = bySid(churn);
    expect(s.UploadModelData.Action).toBe('s3:PutObject');
    expect(JSON.stringify(s.UploadModelData.Resource)).toMatch(/curatedbucketarn.*"\/churn\/\*"/i);
    expect(s.ListModelData).toEqual(expect.objectContaining({ Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': 'churn/*' } } }));
    expect(JSON.stringify(s.ReadRunOutputs.Resource)).toMatch(/artifactsbucketarn.*"\/models\/churn\/runs\/\*"/i);
    expect(s.ListRunOutputs.Condition).toEqual({ StringLike: { 's3:prefix': 'models/churn/runs/*' } });
    const actions = Object.values(s).flatMap((st) => list(st.Action) as string[]);
    expect(actions.filter((a) => /Delete|Approve|UpdateModelPackage|UpdateEndpoint|CreateGrant|^iam:/.test(a))).toEqual([]);
    expect(JSON.stringify(teamPolicy(churn))).not.toContain('fraud-dl');
  });

  test('the data key is usable through S3 only, in the curated and artifacts buckets only', () => {
    const key = bySid(churn).UseDataKeyThroughS3;
    expect(list(key.Action).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expect(JSON.stringify(key.Resource)).toMatch(/datakeyarn/i);
    expect(JSON.stringify(churnStack.resolve(key.Condition.StringEquals['kms:ViaService']))).toMatch(
      /^\{"Fn::Join":\["",\["s3\.",\{"Ref":"AWS::Region"\},"\.amazonaws\.com"\]\]\}$/,
    );
    const contexts = JSON.stringify(key.Condition.StringLike['kms:EncryptionContext:aws:s3:arn']);
    expect(contexts).toMatch(/curatedbucketarn/i);
    expect(contexts).toMatch(/artifactsbucketarn/i);
    expect(contexts).not.toMatch(/capture|features|raw/i);
  });

  test("runs, packages and the endpoint are this model's own", () => {
    const s = bySid(churn);
    const model = churnStack.model;
    expect(s.StartRuns).toEqual(
      expect.objectContaining({
        Action: ['states:ListExecutions', 'states:StartExecution'],
        Resource: churnStack.resolve(model.stateMachine.stateMachineArn),
      }),
    );
    expect(list(s.WatchRuns.Action)).toEqual(['states:DescribeExecution', 'states:GetExecutionHistory', 'states:StopExecution']);
    expect(JSON.stringify(s.WatchRuns.Resource)).toContain(':execution:');
    expect(JSON.stringify(s.WatchRuns.Resource)).toContain(resolve(model.stateMachine.stateMachineName).replace(/^"|"$/g, ''));
    expect(s.ReadRegisteredPackages.Resource).toEqual([model.registry.groupArn, model.registry.packageArnPattern].map((r) => churnStack.resolve(r)));
    expect(s.ListPackages).toEqual(expect.objectContaining({ Action: 'sagemaker:ListModelPackages', Resource: '*' }));
    expect(s.UseEndpoint).toEqual(
      expect.objectContaining({
        Action: ['sagemaker:DescribeEndpoint', 'sagemaker:InvokeEndpoint'],
        Resource: churnStack.resolve(model.endpoint.endpointArn),
      }),
    );
    expect(s.SetTrainingDataPointer.Action).toEqual(['ssm:GetParameter', 'ssm:PutParameter']);
    expect(JSON.stringify(s.SetTrainingDataPointer.Resource)).toMatch(/":ssm:",.*":parameter\/mlops\/dev\/models\/churn\/training-data-uri"\]\]\}$/);
  });

  test('the retraining function reads the pointer and knows the prefix it must name', () => {
    const retrain = churnStack.model.monitoring!.retrainFunction;
    const fn = churn.toJSON().Resources[churnStack.getLogicalId(retrain.function.node.defaultChild as never)].Properties;
    expect(fn.Environment.Variables.TRAINING_DATA_PARAMETER).toBe(trainingDataParameterName('mlops', 'dev', 'churn'));
    expect(JSON.stringify(fn.Environment.Variables.TRAINING_DATA_PREFIX)).toMatch(/^\{"Fn::Join":\["",\["s3:\/\/",.*"\/churn\/"\]\]\}$/);
    const statements = churn.toJSON().Resources[churnStack.getLogicalId(retrain.policy.node.defaultChild as never)].Properties.PolicyDocument
      .Statement as Any[];
    const reads = statements.filter((st) => st.Action === 'ssm:GetParameter');
    expect(reads).toHaveLength(1);
    expect(JSON.stringify(reads[0].Resource)).toMatch(/":parameter\/mlops\/dev\/models\/churn\/training-data-uri"\]\]\}$/);
  });

  test('an invalid policy name is refused, naming the value and the rule', () => {
    const stack = new Stack(churnStack.node.scope as never, 'Other', { env: { account: '111122223333', region: 'eu-west-1' } });
    const platform = { namespace: 'mlops', environmentName: 'dev' } as never;
    expect(() => new TeamAccess(stack, 'Team', { modelName: 'churn', platform, model: churnStack.model, managedPolicyName: 'team policy' })).toThrow(
      /managedPolicyName: got "team policy"; expected 1 to 128 letters/,
    );
  });
});
