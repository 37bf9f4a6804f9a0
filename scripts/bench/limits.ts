/** Section 3: the largest stacks against CloudFormation's template quotas. */
import { Cell, percent, section, table, thousands } from './format';
import { defaultAppStacks, resourceCount, StackFacts, stacksOf } from './assembly';
import { ScaleResult } from './scaling';

/** CloudFormation quotas (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html). */
const MAX_RESOURCES = 500;
const MAX_PARAMETERS = 200;
/** "Template body size in an Amazon S3 object: 1 MB", taken as 1 MiB. CDK deploys templates from its assets bucket. */
const MAX_S3_TEMPLATE_BYTES = 1_048_576;
/** The decimal reading of the same quota, for a conservative comparison. */
const MAX_S3_TEMPLATE_BYTES_DECIMAL = 1_000_000;
/** "Template body size in a request": only for templates passed inline, which CDK does not do. */
const MAX_INLINE_TEMPLATE_BYTES = 51_200;

/** Prints the largest stacks of the largest generated app and of the default app against the quotas. */
export function limits(largest: ScaleResult | undefined): void {
  const sources: Array<{ app: string; stacks: StackFacts[] }> = [];
  if (largest?.kept) sources.push({ app: `${largest.count} models (dev)`, stacks: stacksOf(largest.kept.outdir) });
  for (const env of ['dev', 'prod']) sources.push({ app: `default app (${env})`, stacks: defaultAppStacks(env) });
  const rows: Cell[][] = [];
  let worst = 0;
  for (const { app, stacks } of sources) {
    const byResources = [...stacks].sort((a, b) => resourceCount(b) - resourceCount(a))[0];
    const byBytes = [...stacks].sort((a, b) => b.bytes - a.bytes)[0];
    for (const s of new Set([byResources, byBytes])) {
      const what =
        s === byResources && s === byBytes ? 'most resources, largest template' : s === byResources ? 'most resources' : 'largest template';
      const parameters = Object.keys(s.template.Parameters ?? {}).length;
      worst = Math.max(worst, resourceCount(s) / MAX_RESOURCES, s.bytes / MAX_S3_TEMPLATE_BYTES_DECIMAL, parameters / MAX_PARAMETERS);
      rows.push([
        app,
        `${s.name} (${what})`,
        resourceCount(s),
        percent(resourceCount(s), MAX_RESOURCES),
        thousands(s.bytes),
        percent(s.bytes, MAX_S3_TEMPLATE_BYTES),
        percent(s.bytes, MAX_S3_TEMPLATE_BYTES_DECIMAL),
        parameters,
        percent(parameters, MAX_PARAMETERS),
      ]);
    }
  }
  const summary = largest?.kept
    ? `The ${largest.count}-model app has ${sources[0].stacks.length} stacks (1 platform stack + ` +
      `${sources[0].stacks.length - 1} model stack${sources[0].stacks.length === 2 ? '' : 's'}), ` +
      `${thousands(sources[0].stacks.reduce((n, s) => n + s.bytes, 0))} template bytes in all. `
    : 'No generated app synthesized. ';
  section(
    '3. Largest stacks against CloudFormation quotas',
    `${summary}Highest share of any quota below: **${(100 * worst).toFixed(1)}%** (the target is at most 80%).`,
    table(['app', 'stack', 'resources', '% of 500', 'template bytes', '% of 1 MiB (1,048,576)', '% of 1,000,000', 'parameters', '% of 200'], rows),
    'Template size is the size of the synthesized `.template.json` file, which CDK uploads to its assets bucket ' +
      'and deploys from there: the quota that applies is ' +
      `the template body in an S3 object, "1 MB", ` +
      `taken here as 1 MiB = ${thousands(MAX_S3_TEMPLATE_BYTES)} bytes (the decimal reading is shown too). ` +
      `The ${thousands(MAX_INLINE_TEMPLATE_BYTES)}-byte quota applies only to templates passed inline in the API request.`,
  );
}
