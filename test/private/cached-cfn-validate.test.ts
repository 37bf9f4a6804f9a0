import { CloudFormationValidatePlugin, IPolicyValidationContext, PolicyViolation } from 'aws-cdk-lib';
import { mkdtempSync, readdirSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { CachedCloudFormationValidatePlugin } from '../../lib/private/cached-cfn-validate';
import { VALIDATION_CACHE_ENV } from '../../lib/private/validation-cache';

function template(resources: Record<string, unknown>): string {
  const path = join(mkdtempSync(join(tmpdir(), 'cfn-validate-test-')), 'stack.template.json');
  writeFileSync(path, JSON.stringify({ Resources: resources }));
  return path;
}

function context(templatePaths: string[], region = 'eu-west-1'): IPolicyValidationContext {
  const stackTemplates = templatePaths.map((templatePath, i) => ({
    stackConstructPath: `Stack${i}`,
    templatePath,
    accountId: '123456789012',
    region,
  }));
  return { templatePaths, stackTemplates } as unknown as IPolicyValidationContext;
}

function lines(violations: readonly PolicyViolation[]): string[] {
  return violations
    .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${v.severity} ${r.resourceLogicalId} ${r.locations.join(',')} ${v.description}`))
    .sort();
}

const BAD_BUCKET = { Type: 'AWS::S3::Bucket', Properties: { VersioningConfiguration: { Status: 'Sometimes' }, NoSuchProperty: true } };
const GOOD_TOPIC = { Type: 'AWS::SNS::Topic', Properties: {} };

/**
 * Starting the validator's engine takes seconds (it loads every resource schema), and each plugin instance starts its
 * own. One engine, started for every resource type these tests use, answers for every instance here: `engineRuns`
 * counts the templates each validation sent to it, so what the cache answered is seen from outside as well.
 */
const engine = new CloudFormationValidatePlugin();
const originalValidate = CloudFormationValidatePlugin.prototype.validate;
let engineRuns: number[] = [];

beforeAll(() => {
  originalValidate.call(engine, context([template({ Bucket: BAD_BUCKET, Topic: GOOD_TOPIC })]));
  jest.spyOn(CloudFormationValidatePlugin.prototype, 'validate').mockImplementation(function (this: CloudFormationValidatePlugin, ctx) {
    engineRuns.push(ctx.stackTemplates.length);
    return originalValidate.call(engine, ctx);
  });
});
beforeEach(() => {
  engineRuns = [];
});
afterAll(() => jest.restoreAllMocks());

describe('CachedCloudFormationValidatePlugin', () => {
  const saved = process.env[VALIDATION_CACHE_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[VALIDATION_CACHE_ENV];
    else process.env[VALIDATION_CACHE_ENV] = saved;
  });

  test("reports what aws-cdk-lib's validator reports, then the same from its cache for an unchanged template", () => {
    // GIVEN a template with an invalid enum value and an unknown property, and a valid one
    const bad = template({ Bucket: BAD_BUCKET });
    const good = template({ Topic: GOOD_TOPIC });
    const cacheDir = mkdtempSync(join(tmpdir(), 'cfn-validate-cache-'));
    const expected = lines(originalValidate.call(engine, context([bad, good])).violations);
    expect(expected.join('\n')).toMatch(/Bucket .*Sometimes/);

    // WHEN validated cold, then warm from another folder
    const cold = new CachedCloudFormationValidatePlugin(cacheDir);
    const coldReport = cold.validate(context([bad, good]));
    const copy = template({ Bucket: BAD_BUCKET });
    const warm = new CachedCloudFormationValidatePlugin(cacheDir);
    const warmReport = warm.validate(context([copy, good]));

    // THEN the same findings and verdict, the warm ones answered from the cache and pointing at the copy
    expect(cold.lastCached).toBe(0);
    expect(lines(coldReport.violations)).toEqual(expected);
    expect(coldReport.success).toBe(false);
    expect(warm.lastCached).toBe(2);
    expect(lines(warmReport.violations)).toEqual(expected);
    expect(warmReport.success).toBe(false);
    expect(new Set(warmReport.violations.flatMap((v) => v.violatingResources.map((r) => r.templatePath)))).toEqual(new Set([copy]));
    expect(engineRuns).toEqual([2]);
  });

  test('a changed template, or another region, is validated again', () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'cfn-validate-cache-'));
    const path = template({ Bucket: BAD_BUCKET });
    new CachedCloudFormationValidatePlugin(cacheDir).validate(context([path]));

    const otherRegion = new CachedCloudFormationValidatePlugin(cacheDir);
    otherRegion.validate(context([path], 'us-east-1'));
    expect(otherRegion.lastCached).toBe(0);

    writeFileSync(
      path,
      JSON.stringify({ Resources: { Bucket: { Type: 'AWS::S3::Bucket', Properties: { VersioningConfiguration: { Status: 'Enabled' } } } } }),
    );
    const fixed = new CachedCloudFormationValidatePlugin(cacheDir);
    const report = fixed.validate(context([path]));
    expect(fixed.lastCached).toBe(0);
    expect(report.success).toBe(true);
    expect(engineRuns).toEqual([1, 1, 1]);
  });

  test(`${VALIDATION_CACHE_ENV}=off neither reads nor writes the cache`, () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'cfn-validate-cache-'));
    const path = template({ Bucket: BAD_BUCKET });
    process.env[VALIDATION_CACHE_ENV] = 'off';
    const plugin = new CachedCloudFormationValidatePlugin(cacheDir);
    expect(plugin.validate(context([path])).success).toBe(false);
    expect(plugin.validate(context([path])).success).toBe(false);
    expect(plugin.lastCached).toBe(0);
    expect(engineRuns).toEqual([1, 1]);
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  test('keeps the name aws-cdk-lib recognises, so its severity rules and the single-instance rule apply', () => {
    expect(new CachedCloudFormationValidatePlugin().name).toBe(CloudFormationValidatePlugin.PLUGIN_NAME);
    expect(new CachedCloudFormationValidatePlugin()).toBeInstanceOf(CloudFormationValidatePlugin);
  });
});
