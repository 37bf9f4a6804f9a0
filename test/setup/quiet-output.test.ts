import { Logger } from '@aws-lambda-powertools/logger';
import { isStructuredLogLine } from './quiet-output';

test('a line of the pinned Powertools Logger is recognised as a structured log line', () => {
  const written: unknown[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: unknown) => {
    written.push(chunk);
    return true;
  }) as typeof process.stdout.write);
  try {
    new Logger({ serviceName: 'quiet-output-test', logLevel: 'INFO' }).info('drift measured', { model: 'churn' });
  } finally {
    spy.mockRestore();
  }
  expect(written).toHaveLength(1);
  expect(String(written[0])).toContain('"message":"drift measured"');
  expect(isStructuredLogLine(written[0])).toBe(true);
});

test.each([
  ['a summary line a test prints on purpose', 'Run-time permission check: 412 calls allowed\n'],
  ['JSON that is not a log line', '{"decision":"approved"}\n'],
  ['a log-like object missing its service', '{"level":"INFO","message":"m","timestamp":"t"}\n'],
  ['text starting with a brace', '{ not json\n'],
  ['a buffer', Buffer.from('{"level":"INFO","message":"m","timestamp":"t","service":"s"}')],
])('%s is shown', (_name, chunk) => {
  expect(isStructuredLogLine(chunk)).toBe(false);
});

test('the AWS SDK Node.js support warning is turned off for the tests', () => {
  expect(process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBe('true');
});
