/** The Control Tower rule files of cdk-validator-cfnguard, and which of them can report on a template. */
import { createHash } from 'crypto';
import { readdirSync, readFileSync } from 'fs';
import { dirname, join } from 'path';

/** The folder of the cdk-validator-cfnguard package. */
export const PLUGIN_DIR = dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
/** The plugin's Control Tower rules folder (one `.guard` file per control). */
export const CONTROL_TOWER_RULES_DIR = join(PLUGIN_DIR, 'rules', 'control-tower', 'cfn-guard');

/** One Control Tower rule file and the resource types it can report on. */
export interface GuardRuleFile {
  readonly path: string;
  /** Hash of the file's content: part of every cache key it contributes to. */
  readonly hash: string;
  /**
   * The resource types whose presence the file's rules depend on, or `undefined` when the file is
   * not provably gated by resource type (it then runs against every template).
   */
  readonly gatingTypes?: ReadonlySet<string>;
}

/** A resource type literal in a rule file, in single or double quotes. */
const TYPE_LITERAL = /["']([A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+)["']/g;
/** `let NAME = "AWS::Service::Resource"` */
const TYPE_CONSTANT = /^\s*let\s+([A-Za-z0-9_]+)\s*=\s*["']([A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+)["']/gm;
/** Every query into the template's resources: `Resources.*[ ... ]` or `Resources[ ... ]`. */
const RESOURCE_QUERY = /Resources(?:\.\*)?\[([^\]]*)\]/g;
/** A query filter made only of `Type == %CONSTANT` terms joined by `or`. */
const TYPE_FILTER = /^\s*Type\s*==\s*%([A-Za-z0-9_]+)(?:\s+or\s+Type\s*==\s*%([A-Za-z0-9_]+))*\s*$/;
/** The reference lookup of the rules' shared helpers (only reached from an already selected resource). */
const REFERENCE_LOOKUP = /^\s*keys\s*==\s*%resource_key\s*$/;

/**
 * Reads a rule file and decides whether its rules can only report on templates holding one of its
 * resource types. That holds when every query into `Resources` filters on `Type == %CONSTANT`
 * (constants bound to type literals in the same file) or is the helpers' reference lookup, which
 * starts from a resource those filters selected. Anything else (a query without a type filter, a
 * filter on another field, an unbound constant) leaves the file ungated: it then runs on every template.
 */
export function readGuardRuleFile(path: string): GuardRuleFile {
  const text = readFileSync(path, 'utf8');
  const hash = createHash('sha256').update(text).digest('hex');
  const code = text.split('\n').filter((l) => !l.trimStart().startsWith('#')).join('\n');
  const constants = new Map<string, string>();
  for (const m of code.matchAll(TYPE_CONSTANT)) constants.set(m[1], m[2]);
  const gating = new Set<string>();
  let gated = true;
  let queries = 0;
  for (const query of code.matchAll(RESOURCE_QUERY)) {
    queries++;
    const filter = query[1];
    if (REFERENCE_LOOKUP.test(filter)) continue;
    if (!TYPE_FILTER.test(filter)) {
      gated = false;
      break;
    }
    for (const name of filter.matchAll(/%([A-Za-z0-9_]+)/g)) {
      const type = constants.get(name[1]);
      if (!type) gated = false;
      else gating.add(type);
    }
  }
  // Conservative: every type the file names counts, not only the filtered ones.
  for (const m of text.matchAll(TYPE_LITERAL)) gating.add(m[1]);
  return { path, hash, gatingTypes: gated && queries > 0 ? gating : undefined };
}

/** Every `.guard` file below `dir`, sorted by path. */
export function readGuardRules(dir: string = CONTROL_TOWER_RULES_DIR): GuardRuleFile[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.guard')) files.push(p);
    }
  };
  walk(dir);
  return files.sort().map(readGuardRuleFile);
}

/** The rule files that can report anything on a template with these resource types. */
export function selectGuardRules(rules: readonly GuardRuleFile[], resourceTypes: ReadonlySet<string>): GuardRuleFile[] {
  return rules.filter((r) => !r.gatingTypes || [...r.gatingTypes].some((t) => resourceTypes.has(t)));
}

/** The resource types of a template (CloudFormation JSON). */
export function resourceTypesOf(template: string): Set<string> {
  const resources: Record<string, { Type?: unknown }> = JSON.parse(template).Resources ?? {};
  return new Set(Object.values(resources).map((r) => String(r.Type)));
}
