/** Where the benchmark runs its apps from, and the context the CDK CLI would pass them. */
import { readFileSync } from 'fs';
import { join, resolve } from 'path';

/** The repository root. */
export const ROOT = resolve(__dirname, '..', '..');
/** The context of cdk.json (feature flags, strict validation), as the CLI passes it to the app. */
export const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).context;
/**
 * What `cdk synth` (aws-cdk 2.1148) adds to the context it passes an app, seen in CDK_CONTEXT_JSON:
 * path and asset metadata on every resource, version reporting, bundle every stack.
 */
export const CLI_CONTEXT: Record<string, unknown> = {
  'aws:cdk:enable-path-metadata': true,
  'aws:cdk:enable-asset-metadata': true,
  'aws:cdk:version-reporting': true,
  'aws:cdk:bundling-stacks': ['**'],
};
