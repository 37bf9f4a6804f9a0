import 'aws-sdk-client-mock-jest';
import { updateItem } from '../../scripts/dynamodb-update-fake';

describe('the DynamoDB fake these tests rely on', () => {
  const table = (): Map<string, Record<string, unknown>> => new Map([['r', { requestId: 'r', status: 'APPROVED', until: 5 }]]);

  test('a failed condition throws ConditionalCheckFailedException and changes nothing', () => {
    const items = table();
    const input = {
      Key: { requestId: 'r' },
      UpdateExpression: 'SET a = :a',
      ConditionExpression: 'attribute_not_exists(until) OR until > :now',
      ExpressionAttributeValues: { ':a': 1, ':now': 5 },
    };
    expect(() => updateItem(items, 'requestId', input)).toThrow(expect.objectContaining({ name: 'ConditionalCheckFailedException' }));
    expect(items.get('r')).toEqual({ requestId: 'r', status: 'APPROVED', until: 5 });
  });

  test('SET and REMOVE apply together; names and values come from their placeholders', () => {
    const items = table();
    updateItem(items, 'requestId', {
      Key: { requestId: 'r' },
      UpdateExpression: 'SET #s = :s REMOVE until',
      ConditionExpression: '(#s = :old AND until <= :now) AND NOT attribute_exists(gone)',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':s': 'DONE', ':old': 'APPROVED', ':now': 5 },
    });
    expect(items.get('r')).toEqual({ requestId: 'r', status: 'DONE' });
  });

  test('an expression it does not understand is refused, never guessed', () => {
    expect(() =>
      updateItem(table(), 'requestId', { Key: { requestId: 'r' }, UpdateExpression: 'SET n = n + :one', ExpressionAttributeValues: { ':one': 1 } }),
    ).toThrow(/Fake DynamoDB/);
    expect(() =>
      updateItem(table(), 'requestId', {
        Key: { requestId: 'r' },
        UpdateExpression: 'SET a = :a',
        ConditionExpression: 'status <> :x',
        ExpressionAttributeValues: { ':a': 1, ':x': 'y' },
      }),
    ).toThrow(/operator <> is not supported/);
  });
});
