import { IPolicyValidationContext, PolicyViolation } from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { execFile } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { arch, tmpdir } from 'os';
import { basename, dirname, join } from 'path';
import {
  CONTROL_TOWER_RULES_DIR,
  ControlTowerGuardValidator,
  readGuardRuleFile,
  readGuardRules,
  selectGuardRules,
} from '../../lib/private/control-tower-guard';
import { VALIDATION_CACHE_ENV } from '../../lib/private/validation-cache';
import { defaultAppTemplates } from '../helpers/default-app';
import { diskMemo, diskMemoAsync } from '../helpers/disk-memo';

/** The default app's templates for `env` (sample models included), synthesized without checks, written to a fresh folder. */
function templatesOf(env: 'dev' | 'prod'): string[] {
  const dir = mkdtempSync(join(tmpdir(), `guard-${env}-`));
  return Object.entries(defaultAppTemplates(env)).map(([stackName, template]) => {
    const path = join(dir, `${stackName}.template.json`);
    writeFileSync(path, JSON.stringify(template, undefined, 1));
    return path;
  });
}

function context(templatePaths: string[]): IPolicyValidationContext {
  return { templatePaths } as unknown as IPolicyValidationContext;
}

/** Violations as comparable lines: rule, template file, resource, locations. */
function lines(violations: readonly PolicyViolation[]): string[] {
  return violations.flatMap((v) => v.violatingResources.map((r) =>
    `${v.ruleName} | ${basename(r.templatePath ?? '')} | ${r.resourceLogicalId} | ${[...r.locations].sort().join(',')} | ${v.description}`)).sort();
}

function template(resources: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'guard-test-'));
  const path = join(dir, 'stack.template.json');
  writeFileSync(path, JSON.stringify({ Resources: resources }));
  return path;
}

/**
 * The template with one resource of each of its types not `covered` by the templates before it (the one whose references
 * bring the least text), written to a fresh folder: the same rule files apply to the set of them as to the whole
 * templates (selection goes by resource type), and cfn-guard reads a template once per rule file, so its time grows
 * with the templates' size times the number of rules.
 */
function compact(path: string, covered: Set<string> = new Set()): string {
  const whole = JSON.parse(readFileSync(path, 'utf8')) as { Resources: Record<string, { Type: string }> };
  // cfn-guard follows references to other resources of the template: a kept resource keeps what it points at
  const closure = (id: string, into = new Set<string>()): Set<string> => {
    if (into.has(id) || !whole.Resources[id]) return into;
    into.add(id);
    const text = JSON.stringify(whole.Resources[id]);
    for (const [, target] of text.matchAll(/"(?:Ref|Fn::GetAtt)":\[?"([A-Za-z0-9]+)/g)) closure(target, into);
    for (const [, target] of text.matchAll(/\$\{([A-Za-z0-9]+)[.}]/g)) closure(target, into);
    return into;
  };
  // per type, the resource that brings the least text with it
  const size = (ids: Set<string>) => [...ids].reduce((n, id) => n + JSON.stringify(whole.Resources[id]).length, 0);
  const best = new Map<string, Set<string>>();
  for (const [id, resource] of Object.entries(whole.Resources).sort(([a], [b]) => a.localeCompare(b))) {
    if (covered.has(resource.Type)) continue;
    const ids = closure(id);
    const current = best.get(resource.Type);
    if (!current || size(ids) < size(current)) best.set(resource.Type, ids);
  }
  const kept = new Set([...best.values()].flatMap((ids) => [...ids]));
  for (const type of best.keys()) covered.add(type);
  const copy = join(mkdtempSync(join(tmpdir(), 'guard-compact-')), basename(path));
  writeFileSync(copy, JSON.stringify({ ...whole, Resources: Object.fromEntries([...kept].sort().map((id) => [id, whole.Resources[id]])) }));
  return copy;
}

/**
 * The plugin's findings with every rule (as {@link lines}) on the templates. They depend only on the plugin's version
 * and the templates' content, and the plugin reads every template once per rule file (seconds per template), so they
 * are kept under node_modules/.cache keyed by both: a changed template or plugin runs it again.
 */
function pluginFindings(templatePaths: string[]): string[] {
  const templates = templatePaths.map((path) => [basename(path), readFileSync(path, 'utf8')]);
  return diskMemo('cfn-guard-plugin', { plugin: new CfnGuardValidator().version ?? 'unknown', templates }, () =>
    lines(new CfnGuardValidator().validate(context(templatePaths)).violations));
}

const UNENCRYPTED_QUEUE = { Type: 'AWS::SQS::Queue', Properties: {} };

describe('rule selection', () => {
  const rules = readGuardRules();

  test('reads every Control Tower rule file of the plugin and proves each one gated by resource type', () => {
    // GIVEN the 237 rule files of @cdklabs/cdk-validator-cfnguard 0.0.62
    expect(rules).toHaveLength(237);
    // THEN every query of every file but one filters on its own type constants (a new rule that does not
    // would run on every template: this list shows it). ct-eks-pr-2 checks a property that is
    // itself called Resources, which the reading cannot tell from a query: it runs everywhere.
    const ungated = rules.filter((r) => !r.gatingTypes).map((r) => basename(r.path));
    expect(ungated).toEqual(['ct-eks-pr-2.guard']);
    expect(readGuardRuleFile(join(CONTROL_TOWER_RULES_DIR, 'lambda', 'ct-lambda-pr-3.guard')).gatingTypes).toEqual(new Set(['AWS::Lambda::Function', 'AWS::EC2::Subnet', 'AWS::EC2::SecurityGroup']));
  });

  test('a rule file with a query that is not filtered by type runs against every template', () => {
    // GIVEN a rule that looks at every resource
    const dir = mkdtempSync(join(tmpdir(), 'guard-rules-'));
    const path = join(dir, 'everything.guard');
    writeFileSync(path, 'let all = Resources.*[ Properties exists ]\nrule all_tagged when %all not empty { %all.Properties.Tags exists }\n');
    // WHEN
    const file = readGuardRuleFile(path);
    // THEN
    expect(file.gatingTypes).toBeUndefined();
    expect(selectGuardRules([file], new Set(['AWS::SNS::Topic']))).toEqual([file]);
  });

  test('a type constant that is not bound in the file leaves it ungated', () => {
    const dir = mkdtempSync(join(tmpdir(), 'guard-rules-'));
    const path = join(dir, 'unbound.guard');
    writeFileSync(path, 'let queues = Resources.*[ Type == %SOMEWHERE_ELSE ]\nrule q when %queues not empty { %queues.Properties.KmsMasterKeyId exists }\n');
    expect(readGuardRuleFile(path).gatingTypes).toBeUndefined();
  });

  test('selects the rule files of the resource types present, and the ungated one', () => {
    const selected = selectGuardRules(rules, new Set(['AWS::SQS::Queue']));
    expect(selected.map((r) => basename(r.path)).sort()).toEqual(['ct-eks-pr-2.guard', 'ct-sqs-pr-1.guard', 'ct-sqs-pr-2.guard']);
    expect(selectGuardRules(rules, new Set(['AWS::CDK::Metadata'])).map((r) => basename(r.path))).toEqual(['ct-eks-pr-2.guard']);
  });

  test('every rule file parses (cfn-guard reports a rule file it cannot parse as SKIP, which would pass silently)', async () => {
    // GIVEN the plugin's cfn-guard binary, and a rule file with a missing closing brace
    const binary = join(dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'bin', process.platform === 'darwin' ? 'macos' : 'ubuntu', arch() === 'arm64' ? 'aarch64' : 'x86_64', 'cfn-guard');
    const parses = (path: string) => new Promise<boolean>((done) => execFile(binary, ['parse-tree', '--rules', path], (error) => done(!error)));
    const broken = join(mkdtempSync(join(tmpdir(), 'guard-rules-')), 'broken.guard');
    writeFileSync(broken, 'let queues = Resources.*[ Type == "AWS::SQS::Queue" ]\nrule q when %queues not empty { %queues.Properties.KmsMasterKeyId exists\n');
    // THEN the check tells them apart, and every shipped rule parses (a few processes at a time). Whether a file parses
    // depends only on its text and the binary, which comes with the plugin's version: a run in which all parsed is kept
    // under node_modules/.cache by both (after an upgrade, or with a file that did not parse, they are parsed again).
    expect(await parses(broken)).toBe(false);
    const inputs = { plugin: new CfnGuardValidator().version, rules: rules.map((rule) => rule.hash) };
    const unparsed = await diskMemoAsync('cfn-guard-parse', inputs, async () => {
      const failed: string[] = [];
      const queue = [...rules];
      await Promise.all(Array.from({ length: 4 }, async () => {
        for (let rule = queue.shift(); rule; rule = queue.shift()) if (!(await parses(rule.path))) failed.push(basename(rule.path));
      }));
      return failed;
    }, (failed) => failed.length === 0);
    expect(unparsed).toEqual([]);
  });

  test('no rule file reports anything on a template without its resource types (the premise of skipping it)', () => {
    // GIVEN a template whose only resource type no rule names
    const path = template({ Meta: { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'v2:deflate64:x' } } });
    // WHEN every rule file runs, as the plugin does by default (its findings for this exact template may come from an earlier run)
    // THEN
    expect(pluginFindings([path])).toEqual([]);
  });
});

describe('ControlTowerGuardValidator', () => {
  const saved = process.env[VALIDATION_CACHE_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[VALIDATION_CACHE_ENV];
    else process.env[VALIDATION_CACHE_ENV] = saved;
  });

  test('reports exactly what the plugin reports with every rule, on templates with every resource type of both environments', () => {
    // GIVEN the prod platform and one prod and one dev model stack: together they hold every resource type the six
    // templates of both environments hold (asserted), so every rule file the fast validator could skip is exercised;
    // each reduced to one resource per type (the same rules apply); one run of each validator, since cfn-guard reads
    // every rule file once per run
    const all = [...templatesOf('dev'), ...templatesOf('prod')];
    const pick = (name: string) => all.find((path) => basename(path).includes(name)) ?? fail(`no template named like ${name} in ${all}`);
    const covered = new Set<string>();
    const templatePaths = [pick('-prod-platform'), pick('-prod-model-fraud'), pick('-dev-model-churn')].map((path) => compact(path, covered));
    const typesOf = (paths: string[]) =>
      new Set(paths.flatMap((path) => Object.values(JSON.parse(readFileSync(path, 'utf8')).Resources as Record<string, { Type: string }>)
        .map((r) => r.Type)));
    expect([...typesOf(all)].filter((type) => !typesOf(templatePaths).has(type))).toEqual([]);
    // WHEN both validate them (the plugin's findings for these exact templates may come from an earlier run)
    const full = pluginFindings(templatePaths);
    const fast = new ControlTowerGuardValidator({ cacheDir: mkdtempSync(join(tmpdir(), 'guard-cache-')), parallelism: 2 }).validate(context(templatePaths));
    // THEN the same findings (the templates carry acknowledged ones, so the comparison is not empty)
    expect(full.length).toBeGreaterThan(5);
    // findings in more than one template, so that merging the per-template runs is exercised
    expect(new Set(full.map((line) => line.split(' | ')[1])).size).toBeGreaterThan(1);
    expect(lines(fast.violations)).toEqual(full);
    expect(fast.success).toBe(false);
  });

  test('an unchanged template is answered from the cache; a changed one is validated again', () => {
    // GIVEN two templates, one with a finding
    const cacheDir = mkdtempSync(join(tmpdir(), 'guard-cache-'));
    const queue = template({ Queue: UNENCRYPTED_QUEUE });
    const topic = template({ Topic: { Type: 'AWS::SNS::Topic', Properties: {} } });
    const first = new ControlTowerGuardValidator({ cacheDir, parallelism: 2 });
    const firstReport = first.validate(context([queue, topic]));
    expect(first.lastRun).toEqual(expect.objectContaining({ templates: 2, cached: 0, processes: 2 }));
    expect(lines(firstReport.violations).join('\n')).toMatch(/sqs_queue_encrypted_check \| stack.template.json \| Queue/);

    // WHEN the same content is validated again, from another folder
    const copy = template({ Queue: UNENCRYPTED_QUEUE });
    const second = new ControlTowerGuardValidator({ cacheDir });
    const secondReport = second.validate(context([copy, topic]));
    // THEN nothing runs, and the findings point at the template passed this time
    expect(second.lastRun).toEqual(expect.objectContaining({ cached: 2, processes: 0 }));
    expect(lines(secondReport.violations)).toEqual(lines(firstReport.violations));
    expect(secondReport.violations.flatMap((v) => v.violatingResources.map((r) => r.templatePath))).toContain(copy);

    // WHEN the queue is fixed
    writeFileSync(copy, JSON.stringify({ Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: { KmsMasterKeyId: 'alias/x', SqsManagedSseEnabled: false } } } }));
    const third = new ControlTowerGuardValidator({ cacheDir });
    const thirdReport = third.validate(context([copy, topic]));
    // THEN only it is validated again, and its finding is gone
    expect(third.lastRun).toEqual(expect.objectContaining({ cached: 1, processes: 1 }));
    expect(lines(thirdReport.violations).join('\n')).not.toMatch(/sqs_queue_encrypted_check/);
  });

  test('a template no rule can report on passes without running cfn-guard', () => {
    // GIVEN only the rules gated by resource type (the shipped set has one that always runs)
    const rules = readGuardRules().filter((r) => r.gatingTypes);
    const validator = new ControlTowerGuardValidator({ cacheDir: mkdtempSync(join(tmpdir(), 'guard-cache-')), rules });
    const report = validator.validate(context([template({ Meta: { Type: 'AWS::CDK::Metadata', Properties: {} } })]));
    expect(report).toEqual({ success: true, violations: [] });
    expect(validator.lastRun).toEqual(expect.objectContaining({ processes: 0 }));
  });

  test(`${VALIDATION_CACHE_ENV}=off validates every template again and writes nothing`, () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'guard-cache-'));
    const queue = template({ Queue: UNENCRYPTED_QUEUE });
    new ControlTowerGuardValidator({ cacheDir }).validate(context([queue]));
    process.env[VALIDATION_CACHE_ENV] = 'off';
    const validator = new ControlTowerGuardValidator({ cacheDir });
    const report = validator.validate(context([queue]));
    expect(validator.lastRun).toEqual(expect.objectContaining({ cached: 0, processes: 1 }));
    expect(report.success).toBe(false);
    expect(readdirSync(cacheDir)).toHaveLength(1);
  });

  test('a failure in a worker fails validation with its message, and caches nothing', () => {
    // GIVEN a rule file that has disappeared, selected for one of two templates
    const missing = { path: join(tmpdir(), 'no-such-dir', 'gone.guard'), hash: 'x', gatingTypes: new Set(['AWS::SQS::Queue']) };
    const rules = [...readGuardRules().filter((r) => basename(r.path).startsWith('ct-sns')), missing];
    const cacheDir = mkdtempSync(join(tmpdir(), 'guard-cache-'));
    const validator = new ControlTowerGuardValidator({ cacheDir, parallelism: 2, rules });
    // WHEN / THEN
    expect(() => validator.validate(context([template({ Queue: UNENCRYPTED_QUEUE }), template({ Topic: { Type: 'AWS::SNS::Topic', Properties: {} } })])))
      .toThrow(/ENOENT.*gone\.guard/);
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  test('keeps the plugin\'s name, so acknowledgements of cfn-guard findings still apply', () => {
    const validator = new ControlTowerGuardValidator();
    const original = new CfnGuardValidator();
    expect(validator.name).toBe(original.name);
    expect(validator.version).toBe(original.version);
    expect(validator.ruleIds).toEqual(original.ruleIds);
    expect(JSON.parse(readFileSync(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'), 'utf8')).version).toBe(validator.version);
  });
});
