import { IntrinsicScope, resolveIntrinsics, resolveString } from './intrinsics';

/** A scope whose references are `ref:<id>` and `att:<id>.<attribute>`, with one mapping. */
function scope(extra: Partial<IntrinsicScope> = {}): IntrinsicScope {
  return {
    ref: (id) => `ref:${id}`,
    getAtt: (id, attribute) => `att:${id}.${attribute}`,
    mappings: { Regions: { 'eu-west-1': { Ami: 'ami-1' } } },
    fail: (name, args, where, why) => {
      throw new Error(`cannot resolve ${JSON.stringify({ [name]: args })} at ${where}: ${why}`);
    },
    ...extra,
  };
}

describe('resolveIntrinsics', () => {
  test('evaluates the functions, nested, and asks the scope for references', () => {
    const value = {
      Name: { 'Fn::Join': ['-', [{ Ref: 'Bucket' }, { 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] }]] },
      Arn: { 'Fn::GetAtt': 'Role.Arn' },
      Sub: { 'Fn::Sub': ['${AWS::Region}/${Topic.TopicName}/${x}/${!Literal}', { x: { Ref: 'Queue' } }] },
      Ami: { 'Fn::FindInMap': ['Regions', 'eu-west-1', 'Ami'] },
      Encoded: { 'Fn::Base64': 'hi' },
      List: [1, true, { Ref: 'Key' }],
    };
    expect(resolveIntrinsics(scope(), value, 'T')).toEqual({
      Name: 'ref:Bucket-b',
      Arn: 'att:Role.Arn',
      Sub: 'ref:AWS::Region/att:Topic.TopicName/ref:Queue/${Literal}',
      Ami: 'ami-1',
      Encoded: 'aGk=',
      List: [1, true, 'ref:Key'],
    });
  });

  test('hands plain strings to the scope when it reads them', () => {
    const upper = scope({ string: (text) => text.toUpperCase() });
    expect(resolveIntrinsics(upper, { a: 'x', b: { 'Fn::Join': ['', ['y', 'z']] } }, 'T')).toEqual({ a: 'X', b: 'YZ' });
  });

  test.each([
    [{ 'Fn::ImportValue': 'Shared' }, /cannot resolve \{"Fn::ImportValue":"Shared"\} at T: .*not supported/],
    [{ 'Fn::Select': [5, ['a']] }, /index 5 is not in \["a"\]/],
    [{ 'Fn::FindInMap': ['Regions', 'us-east-1', 'Ami'] }, /no mapping Regions\.us-east-1\.Ami/],
    [{ 'Fn::Join': ['-', { Ref: 'NotAList' }] }, /the second argument must be a list/],
    [{ Ref: ['not', 'an', 'id'] }, /Ref takes a logical id/],
  ])('reports what it cannot resolve through the scope: %j', (value, message) => {
    expect(() => resolveIntrinsics(scope(), value, 'T')).toThrow(message);
  });

  test('a Condition is an intrinsic only where the scope says so', () => {
    expect(resolveIntrinsics(scope(), { Condition: 'IsProd' }, 'T')).toEqual({ Condition: 'IsProd' });
    expect(() => resolveIntrinsics(scope({ conditionIsIntrinsic: true }), { Condition: 'IsProd' }, 'T')).toThrow(/Condition is not supported/);
  });

  test('resolveString writes numbers and booleans as text and refuses objects', () => {
    expect(resolveString(scope(), 42, 'T')).toBe('42');
    expect(() => resolveString(scope({ ref: () => ({ not: 'text' }) }), { Ref: 'X' }, 'T')).toThrow(/expected a string/);
  });
});
