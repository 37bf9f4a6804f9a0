/** Section 5: the acknowledged compliance findings of the default app, per rule. */
import { rmSync } from 'fs';
import { listAcknowledgements } from '../../lib/compliance';
import { section, table } from './format';
import { defaultAppInProcess } from './assembly';

/** Prints the acknowledged findings of the default app in dev and prod. */
export function acknowledgements(): void {
  const perEnv = ['dev', 'prod'].map((env) => {
    const app = defaultAppInProcess(env);
    rmSync(app.outdir, { recursive: true, force: true });
    const records = listAcknowledgements(app);
    const byRule = new Map<string, number>();
    for (const r of records) {
      const rule = r.id.replace(/\[.*$/, '');
      byRule.set(rule, (byRule.get(rule) ?? 0) + 1);
    }
    return { env, records, byRule, resources: new Set(records.map((r) => r.path)).size };
  });
  const rules = [...new Set(perEnv.flatMap((e) => [...e.byRule.keys()]))].sort();
  section(
    '5. Acknowledged compliance findings of the default app (the models/ folders, 3 models)',
    table(
      ['', ...perEnv.map((e) => e.env)],
      [
        ['acknowledged findings', ...perEnv.map((e) => e.records.length)],
        ['resources with at least one', ...perEnv.map((e) => e.resources)],
      ],
    ),
    table(
      ['rule', ...perEnv.map((e) => e.env)],
      rules.map((rule) => [rule, ...perEnv.map((e) => e.byRule.get(rule) ?? 0)]),
    ),
    'One finding is one rule id (with its finding, e.g. `AwsSolutions-IAM5[Resource::*]`) ' +
      'acknowledged on one resource through `acknowledge()`, counted with `listAcknowledgements`.',
  );
}
