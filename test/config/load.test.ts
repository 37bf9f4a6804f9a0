import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ConfigError } from '../../lib/config/schema';
import { readJsonConfig, selectEnvironment } from '../../lib/config/load';
import { defaultConfig } from '../helpers';

const SOURCE = 'config/platform.ts';

/** Runs validation and returns the ConfigError message (fails the test when none is thrown). */
function errorOf(config: unknown, env: unknown = 'dev'): string {
  try {
    selectEnvironment(config, SOURCE, env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

describe('selectEnvironment', () => {
  test('the default configuration is valid for dev and prod', () => {
    expect(selectEnvironment(defaultConfig(), SOURCE, 'dev').environment.audit.objectLockMode).toBe('GOVERNANCE');
    expect(selectEnvironment(defaultConfig(), SOURCE, 'prod').environment.production).toBe(true);
  });

  // GIVEN one mistake each, WHEN validated, THEN the message names the source, the path, the value and the rule.
  const cases: Array<[string, (c: any) => void, RegExp]> = [ // eslint-disable-line @typescript-eslint/no-explicit-any
    ['unknown top-level key with a hint', (c) => { c.namespaces = 'x'; }, /namespaces: got an unknown key; expected one of the known keys namespace, environments \(did you mean "namespace"\?\)/],
    ['typo in an environment key', (c) => { c.environments.dev.dataLak = {}; }, /environments\.dev\.dataLak: got an unknown key; .*did you mean "dataLake"/],
    ['bad namespace', (c) => { c.namespace = 'My_Platform'; }, /namespace: got "My_Platform"; expected lower-case letters, digits and single hyphens/],
    ['bad environment name', (c) => { c.environments.Prod_1 = c.environments.prod; }, /environments\.Prod_1 \(key\): got "Prod_1"; expected an environment name/],
    ['account not 12 digits', (c) => { c.environments.prod.account = '1234'; }, /environments\.prod\.account: got "1234"; expected a 12-digit AWS account ID/],
    ['bad region', (c) => { c.environments.prod.region = 'europe'; }, /environments\.prod\.region: got "europe"; expected an AWS region/],
    ['object lock mode', (c) => { c.environments.prod.audit.objectLockMode = 'STRICT'; }, /environments\.prod\.audit\.objectLockMode: got "STRICT"; expected one of "GOVERNANCE", "COMPLIANCE"/],
    ['retention out of range', (c) => { c.environments.dev.audit.objectLockRetentionDays = 0; }, /environments\.dev\.audit\.objectLockRetentionDays: got 0; expected an integer from 1 to 36500/],
    ['retention not an integer', (c) => { c.environments.dev.audit.objectLockRetentionDays = '30'; }, /objectLockRetentionDays: got "30"; expected an integer/],
    ['log retention not a CloudWatch value', (c) => { c.environments.dev.audit.cloudWatchLogsRetentionDays = 100; }, /cloudWatchLogsRetentionDays: got 100; expected one of 1, 3, 5, 7, 14, 30, 60, 90/],
    ['missing audit section', (c) => { delete c.environments.dev.audit; }, /environments\.dev\.audit: got nothing; expected a required value/],
    ['bad e-mail', (c) => { c.environments.dev.notifications = { alarmEmails: ['ops.example.com'] }; }, /environments\.dev\.notifications\.alarmEmails\[0\]: got "ops.example.com"; expected an e-mail address/],
    ['duplicate e-mail', (c) => { c.environments.dev.notifications = { pipelineEmails: ['a@b.io', 'a@b.io'] }; }, /pipelineEmails\[1\]: got "a@b.io"; expected a value not already in the list/],
    ['reserved tag key', (c) => { c.environments.dev.tags = { 'aws:owner': 'x' }; }, /environments\.dev\.tags\.aws:owner \(key\): got "aws:owner"; expected a tag key/],
    ['noncurrent expiration too long', (c) => { c.environments.dev.dataLake.noncurrentVersionExpirationDays = 5000; }, /noncurrentVersionExpirationDays: got 5000; expected an integer from 1 to 3650/],
    ['production not a boolean', (c) => { c.environments.prod.production = 'yes'; }, /environments\.prod\.production: got "yes"; expected true or false/],
    ['bad subnet ID', (c) => { c.environments.dev.sagemakerVpc = { subnetIds: ['subnet-xyz'], securityGroupIds: ['sg-0123456789abcdef0'] }; }, /environments\.dev\.sagemakerVpc\.subnetIds\[0\]: got "subnet-xyz"; expected a subnet ID/],
    ['no environments', (c) => { c.environments = {}; }, /environments: got \{\}; expected an object with at least 1 keys/],
  ];
  test.each(cases)('%s', (_name, mutate, message) => {
    const config = defaultConfig();
    mutate(config);
    const text = errorOf(config);
    expect(text).toMatch(/^Invalid configuration in config\/platform\.ts \(1 problem\):/);
    expect(text).toMatch(message);
  });

  test('every problem is reported at once', () => {
    const config = defaultConfig();
    config.namespace = '';
    config.environments.dev.account = 'abc';
    config.environments.prod.audit.objectLockMode = 'x';
    config.environments.prod.extra = true;
    const text = errorOf(config);
    expect(text).toMatch(/\(4 problems\)/);
    expect(text).toMatch(/namespace: got ""/);
    expect(text).toMatch(/environments\.dev\.account: got "abc"/);
    expect(text).toMatch(/environments\.prod\.audit\.objectLockMode: got "x"/);
    expect(text).toMatch(/environments\.prod\.extra: got an unknown key/);
  });

  test('an unknown environment names the known ones', () => {
    expect(errorOf(defaultConfig(), 'staging')).toMatch(/env: got "staging"; expected one of the environments in config\/platform\.ts: dev, prod/);
  });

  test('a non-object configuration', () => {
    expect(errorOf(42)).toMatch(/\(root\): got 42; expected an object|: got 42; expected an object/);
  });
});

describe('readJsonConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlops-config-'));

  test('a missing file is named', () => {
    const file = join(dir, 'missing.json');
    expect(() => readJsonConfig(file)).toThrow(new RegExp(`Invalid configuration in ${file}.*got ENOENT; expected a readable JSON file`, 's'));
  });

  test('malformed JSON is named', () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{ "namespace": ');
    expect(() => readJsonConfig(file)).toThrow(/broken\.json.*expected valid JSON/s);
  });

  test('a valid file is parsed', () => {
    const file = join(dir, 'ok.json');
    writeFileSync(file, JSON.stringify(defaultConfig()));
    expect(readJsonConfig(file)).toEqual(defaultConfig());
  });
});
