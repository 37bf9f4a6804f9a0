import { readFileSync } from 'fs';
import { join } from 'path';
import { CloudFormationValidatePlugin, IPolicyValidationContext, PolicyValidationPluginReport, PolicyViolation } from 'aws-cdk-lib';
import { VALIDATION_CACHE_ROOT, ValidationCache, violationsOf } from './validation-cache';

/** The result cache's default folder. */
export const DEFAULT_CFN_VALIDATE_CACHE_DIR = join(VALIDATION_CACHE_ROOT, 'cfn-validate');

/**
 * aws-cdk-lib's own CloudFormation validator (the same engine, default rules and severities), with
 * each template's findings cached by content: an unchanged stack is not validated again on the
 * next synth. The key holds the template's bytes, the validator's version and the stack's account
 * and region (the engine resolves pseudo parameters with them). Registered once at the app, it
 * replaces the default instance (aws-cdk-lib then adds none), so every template is still checked.
 * `MLOPS_VALIDATION_CACHE=off` turns the cache off.
 */
export class CachedCloudFormationValidatePlugin extends CloudFormationValidatePlugin {
  /** How many templates the last `validate` answered from the cache. */
  public lastCached = 0;
  private readonly cache: ValidationCache;

  constructor(cacheDir: string = DEFAULT_CFN_VALIDATE_CACHE_DIR) {
    super();
    this.cache = new ValidationCache(cacheDir);
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const violations: PolicyViolation[] = [];
    const pending: Array<{ stack: IPolicyValidationContext['stackTemplates'][number]; key: string }> = [];
    for (const stack of context.stackTemplates) {
      const key = this.cache.key({ validator: this.version, account: stack.accountId, region: stack.region }, readFileSync(stack.templatePath));
      const cached = this.cache.get(key, stack.templatePath, stack.stackConstructPath);
      if (cached) violations.push(...cached);
      else pending.push({ stack, key });
    }
    this.lastCached = context.stackTemplates.length - pending.length;
    if (pending.length > 0) {
      const stackTemplates = pending.map((p) => p.stack);
      const report = super.validate({ ...context, stackTemplates, templatePaths: stackTemplates.map((s) => s.templatePath) });
      for (const { stack, key } of pending) {
        const own = violationsOf(report.violations, stack.templatePath);
        violations.push(...own);
        this.cache.put(key, own);
      }
    }
    return { success: violations.every((v) => v.severity !== 'error' && v.severity !== 'fatal'), violations };
  }
}
