import { parseArguments, UsageError } from '../../../tools/audit/args';

const NOW = new Date('2026-12-01T09:00:00Z');
const parse = (...argv: string[]) => parseArguments(argv, NOW);

describe('mlops-audit arguments', () => {
  test('defaults: namespace mlops, text, now', () => {
    expect(parse('lineage', '--model', 'churn', '--env', 'prod')).toEqual({
      command: 'lineage', model: 'churn', environment: 'prod', namespace: 'mlops', format: 'text', quiet: false,
      endpoint: undefined, at: undefined, output: undefined, region: undefined, auditBucket: undefined,
    });
  });

  test('every option', () => {
    expect(parse('lineage', '--model', 'fraud-dl', '--env', 'prod', '--namespace', 'acme', '--endpoint', 'fraud-ep', '--at', '2026-11-20T13:00:00+01:00',
      '--format', 'html', '--output', 'r.html', '--region', 'eu-central-1', '--audit-bucket', 'audit-bucket-1', '--quiet')).toEqual({
      command: 'lineage', model: 'fraud-dl', environment: 'prod', namespace: 'acme', endpoint: 'fraud-ep', at: new Date('2026-11-20T12:00:00Z'),
      format: 'html', output: 'r.html', region: 'eu-central-1', auditBucket: 'audit-bucket-1', quiet: true,
    });
  });

  test.each([[['--help']], [['-h']], [['help']], [['lineage', '--help']]])('%j is help', (argv) => {
    expect(parse(...argv)).toEqual({ command: 'help' });
  });

  test.each([
    [[], 'no command: the command is "lineage" (mlops-audit lineage --model NAME --env ENV)'],
    [['audit'], 'unknown command "audit": the command is "lineage"'],
    [['lineage', 'churn'], 'unexpected argument "churn" after "lineage": every value belongs to an option, e.g. --model churn'],
    [['lineage', '--enviroment', 'prod'], 'unknown option --enviroment'],
    [['lineage', '--mdoel', 'churn'], 'unknown option --mdoel (did you mean --model?)'],
    [['lineage', '--model'], "option --model <value> needs a value"],
    [['lineage', '--model', 'churn', '--env', 'prod', '--at', '2026-11-20'], '--at: got "2026-11-20"; expected an ISO 8601 time with a zone, e.g. 2026-11-20T12:00:00Z'],
    [['lineage', '--model', 'churn', '--env', 'prod', '--at', '2026-12-02T00:00:00Z'], '--at: got "2026-12-02T00:00:00Z"; expected a time that is not in the future (now is 2026-12-01T09:00:00.000Z)'],
    [['lineage', '--model', 'churn', '--env', 'prod', '--region', 'Europe'], '--region: got "Europe"; expected an AWS region, e.g. eu-west-1'],
    [['lineage', '--model', 'churn', '--env', 'prod', '--audit-bucket', 's3://x'], '--audit-bucket: got "s3://x"; expected an S3 bucket name'],
  ])('%j: %s', (argv, message) => {
    expect(() => parse(...argv)).toThrow(new UsageError(message));
  });

  test('every problem at once', () => {
    expect(() => parse('lineage', '--model', 'Churn--x', '--format', 'pdf')).toThrow(new UsageError([
      '3 problems:',
      '  - --model: got "Churn--x"; expected a model name: lower-case letters, digits and single hyphens, at most 24 characters',
      '  - --env: got nothing; expected an environment name: lower-case letters, digits and hyphens, at most 16 characters',
      '  - --format: got "pdf"; expected text, json, html',
    ].join('\n')));
  });
});
