import { App, CfnResource, IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, Stack, Validations } from 'aws-cdk-lib';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { ConfigError } from './config/schema';
import { CachedCloudFormationValidatePlugin } from './private/cached-cfn-validate';
import { ControlTowerGuardValidator } from './private/control-tower-guard';

/**
 * Registers every compliance pack the blueprint must pass on every synth: cdk-nag's AWS Solutions,
 * NIST 800-53 rev 5 and HIPAA Security packs, and the AWS Control Tower proactive controls through
 * cfn-guard (every rule that can report on a template's resource types, results cached by content:
 * see {@link ControlTowerGuardValidator}), and AWS's CloudFormation validator built into
 * aws-cdk-lib (in place of its default instance, with results cached by content: see
 * {@link CachedCloudFormationValidatePlugin}).
 * Any unacknowledged finding fails synthesis.
 */
export function addComplianceChecks(app: App): void {
  addTemplateValidation(app);
  Validations.of(app).addPlugins(
    new EveryFindingIsAnError(new AwsSolutionsChecks(app)),
    new EveryFindingIsAnError(new NIST80053R5Checks(app)),
    new EveryFindingIsAnError(new HIPAASecurityChecks(app)),
    new EveryFindingIsAnError(new ControlTowerGuardValidator()),
  );
}

/**
 * Registers only AWS's CloudFormation validator, results cached by content (what synthesis runs when
 * the compliance packs are off). Without it aws-cdk-lib would add its default, uncached instance
 * (`@aws-cdk/core:validateAgainstDefaultRules`), which costs more than all the cached packs together.
 */
export function addTemplateValidation(app: App): void {
  Validations.of(app).addPlugins(new CachedCloudFormationValidatePlugin());
}

/** The context key that turns the compliance packs on or off: `-c compliance=on|off`. */
export const COMPLIANCE_CONTEXT = 'compliance';

/**
 * Whether the compliance packs should run for this synthesis: `-c compliance=on` or `off` decides;
 * without it they run unless no stack is synthesized for deployment. The CDK CLI tells the app so
 * through the `aws:cdk:bundling-stacks` context: `["**"]` (or the named stacks) for `synth`,
 * `deploy`, `diff`, `watch` and `import`, `[]` for every other command (`ls`, `destroy`, ...).
 * An app built without the CLI (tests, scripts) gets no such context and runs them.
 */
export function complianceChecksRequested(scope: IConstruct): boolean {
  const value: unknown = scope.node.tryGetContext(COMPLIANCE_CONTEXT);
  if (value === 'on' || value === true || value === 'true') return true;
  if (value === 'off' || value === false || value === 'false') return false;
  if (value !== undefined) {
    throw new ConfigError('the -c context', [{ path: COMPLIANCE_CONTEXT, got: JSON.stringify(value), expected: '"on" or "off"' }]);
  }
  const bundling: unknown = scope.node.tryGetContext('aws:cdk:bundling-stacks');
  return !(Array.isArray(bundling) && bundling.length === 0);
}

/**
 * Makes every finding of a plugin an error, so that nothing unacknowledged passes synthesis as
 * mere output: cdk-nag's warning-level rules included, and the cfn-guard plugin, which reports
 * violations without a severity (synthesis counts those as warnings once any acknowledgement
 * exists, so Control Tower findings would otherwise be printed but pass).
 */
export class EveryFindingIsAnError implements IPolicyValidationPlugin {
  public readonly name: string;
  public readonly version?: string;
  public readonly ruleIds?: string[];

  constructor(private readonly inner: IPolicyValidationPlugin) {
    this.name = inner.name;
    this.version = inner.version;
    this.ruleIds = inner.ruleIds;
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    let report: PolicyValidationPluginReport;
    try {
      report = this.inner.validate(context);
    } catch (e) {
      // A crashed plugin checked nothing: that must fail synthesis too. (Synthesis turns a thrown
      // error into a report without violations, which passes once any acknowledgement exists.)
      return {
        success: false,
        violations: [{
          ruleName: 'plugin-failure',
          description: `The ${this.inner.name} plugin failed, so its checks did not run: ${String(e)}`,
          // A violation without a resource is not printed, and an empty report does not fail.
          violatingResources: context.templatePaths.map((templatePath) => ({ resourceLogicalId: '(every resource)', templatePath, locations: [] })),
          severity: 'error',
        }],
      };
    }
    // Synthesis recomputes success from the severities after removing acknowledged findings.
    const violations = report.violations.map((v) => ({ ...v, severity: 'error' }));
    return { ...report, violations, success: report.success && violations.length === 0 };
  }
}


/** Metadata key under which this helper records acknowledgements, for reports and tests. */
export const ACKNOWLEDGEMENT_METADATA = 'mlops:acknowledgement';

/** One acknowledged compliance finding, as recorded on its resource. */
export interface AcknowledgementRecord {
  /** The rule (and finding) id, e.g. `AwsSolutions-IAM5[Resource::*]`. */
  readonly id: string;
  /** Why the finding is accepted. */
  readonly reason: string;
}

/**
 * Acknowledges compliance findings on exactly one CloudFormation resource.
 *
 * Each id is one finding of one rule (several ids are allowed when different packs report the
 * same root cause, e.g. `AwsSolutions-S1` and `NIST.800.53.R5-S3BucketLoggingEnabled`). Passing
 * anything but a single `CfnResource` is refused, so an acknowledgement can never spread to
 * children it was not written for.
 */
export function acknowledge(resource: IConstruct, ids: readonly string[], reason: string): void {
  if (!CfnResource.isCfnResource(resource)) {
    throw new Error(`acknowledge(${resource.node.path}): acknowledgements go on one CloudFormation resource, not on a construct tree`);
  }
  if (reason.trim().length < 40) {
    throw new Error(`acknowledge(${resource.node.path}): the reason "${reason}" is too short to convince a reviewer (40 characters at least)`);
  }
  for (const id of ids) {
    Validations.of(resource).acknowledge({ id, reason });
    resource.node.addMetadata(ACKNOWLEDGEMENT_METADATA, { id, reason } satisfies AcknowledgementRecord);
  }
}

/**
 * Acknowledges `AwsSolutions-IAM5` for exactly the given wildcard resources of one policy: each
 * resource becomes the finding id cdk-nag reports for it (`Resource::<rendered ARN>`), so the
 * acknowledgement covers that ARN pattern and nothing else in the policy.
 */
export function acknowledgeWildcardResources(policy: CfnResource, resources: readonly string[], reason: string): void {
  const stack = Stack.of(policy);
  acknowledge(policy, resources.map((r) => `AwsSolutions-IAM5[Resource::${flattenCfnReference(stack.resolve(r))}]`), reason);
}

/** Every acknowledgement made through {@link acknowledge} below `scope`, with the resource path. */
export function listAcknowledgements(scope: IConstruct): Array<AcknowledgementRecord & { path: string }> {
  return scope.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === ACKNOWLEDGEMENT_METADATA)
      .map((m) => ({ path: c.node.path, ...(m.data as AcknowledgementRecord) })),
  );
}
