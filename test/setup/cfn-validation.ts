/**
 * Jest `setupFiles` entry: CloudFormation validation at the cost of one validator engine per test file.
 *
 * - The blueprint's app registers its own, cached CloudFormation validator (lib/compliance.ts), so every synth of an
 *   app the tests build with `buildMlopsApp` still validates its templates, as `cdk synth` does.
 * - Any other app (a construct tested in a bare stack) would also get aws-cdk-lib's built-in validator, uncached:
 *   it is turned off (`CDK_VALIDATION=false`). The constructs' resources are validated in the app that uses them.
 * - Starting the validator's engine takes seconds (it loads every resource schema), and each validator instance
 *   starts its own: each synth of an app. Here every instance without rules of its own uses one engine per test file,
 *   started again only when a template brings a resource type it was not started for (then for all types seen).
 */
import { CloudFormationValidatePlugin } from 'aws-cdk-lib/core';

process.env.CDK_VALIDATION = 'false';

interface EngineHolder {
  props?: Record<string, unknown>;
  engine?: unknown;
  engineResourceTypes?: Set<string>;
  initializeEngine(resourceTypes: Set<string>): unknown;
}

const proto = CloudFormationValidatePlugin.prototype as unknown as EngineHolder;
const initializeEngine = proto.initializeEngine;
if (typeof initializeEngine !== 'function') {
  throw new Error('aws-cdk-lib no longer has CloudFormationValidatePlugin.initializeEngine: update test/setup/cfn-validation.ts');
}
const shared = new CloudFormationValidatePlugin() as unknown as EngineHolder;

proto.initializeEngine = function sharedEngine(this: EngineHolder, resourceTypes: Set<string>): unknown {
  if (this === shared || Object.keys(this.props ?? {}).length > 0) return initializeEngine.call(this, resourceTypes);
  const known = shared.engineResourceTypes;
  const covered = known !== undefined && [...resourceTypes].every((t) => known.has(t));
  return initializeEngine.call(shared, covered ? resourceTypes : new Set([...(known ?? []), ...resourceTypes]));
};
