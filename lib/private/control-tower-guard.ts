import { readFileSync } from 'fs';
import { availableParallelism } from 'os';
import { join } from 'path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'worker_threads';
import type { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation } from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { VALIDATION_CACHE_ROOT, ValidationCache, violationsOf } from './validation-cache';
import { GuardRuleFile, PLUGIN_DIR, readGuardRules, resourceTypesOf, selectGuardRules } from './guard-rules';

export { CONTROL_TOWER_RULES_DIR, readGuardRuleFile, readGuardRules, selectGuardRules } from './guard-rules';
export type { GuardRuleFile } from './guard-rules';

const PLUGIN_VERSION: string = JSON.parse(readFileSync(join(PLUGIN_DIR, 'package.json'), 'utf8')).version;

/** The result cache's default folder. */
export const DEFAULT_GUARD_CACHE_DIR = join(VALIDATION_CACHE_ROOT, 'cfn-guard');
/** cfn-guard's JSON report for a few templates can exceed spawnSync's default buffer of 1 MiB. */
const MAX_OUTPUT_BYTES = 512 * 1024 * 1024;
/** Templates per cfn-guard process: enough to amortise its start-up, few enough to spread over the cores. */
const TEMPLATES_PER_PROCESS = 8;
/** A validation that has not finished after this long has hung. */
const WORKER_TIMEOUT_MS = 30 * 60 * 1000;

/** Properties of {@link ControlTowerGuardValidator}. */
export interface ControlTowerGuardValidatorProps {
  /**
   * Folder of the result cache. Results are stored under a hash of the template's bytes, the
   * selected rule files' bytes and the plugin's version (cfn-guard is deterministic), so a cached
   * result is the result cfn-guard would print again. Set `MLOPS_VALIDATION_CACHE=off` to bypass it.
   *
   * @default - `node_modules/.cache/mlops-blueprint/cfn-guard` of this repository
   */
  readonly cacheDir?: string;
  /**
   * How many cfn-guard processes may run at once.
   *
   * @default - the number of cores (`os.availableParallelism()`)
   */
  readonly parallelism?: number;
  /**
   * The rule files to run.
   *
   * @default - every Control Tower rule bundled with `@cdklabs/cdk-validator-cfnguard`
   */
  readonly rules?: readonly GuardRuleFile[];
}

/** What one validation did, for the benchmark and tests. */
export interface GuardRunStats {
  readonly templates: number;
  readonly cached: number;
  readonly processes: number;
  /** Rule files run per validated template, summed (the unselected ones were skipped). */
  readonly ruleFilesRun: number;
}

/** A batch of templates that one cfn-guard process validates with one set of rule files. */
interface GuardJob {
  readonly rulePaths: string[];
  readonly templatePaths: string[];
  /** The templates' size, times the rule files: how long the job takes, roughly. */
  readonly cost: number;
}

/**
 * The AWS Control Tower proactive controls through cfn-guard, as `@cdklabs/cdk-validator-cfnguard`
 * runs them (same binary, same rules, same report), made fast enough for a hundred stacks:
 *
 * - each template is checked only against the rule files that can report on its resource types
 *   (see {@link readGuardRuleFile}: a file the selection cannot prove irrelevant always runs);
 * - results are cached by content (template, rules, plugin version), so an unchanged stack is not
 *   checked again on the next synth;
 * - the remaining templates are spread over several cfn-guard processes, one per core.
 */
export class ControlTowerGuardValidator implements IPolicyValidationPlugin {
  public readonly name = 'cdk-validator-cfnguard';
  public readonly version = PLUGIN_VERSION;
  public readonly ruleIds: string[];
  /** What the last `validate` did. */
  public lastRun?: GuardRunStats;
  private readonly rules: readonly GuardRuleFile[];
  private readonly cache: ValidationCache;
  private readonly parallelism: number;

  constructor(props: ControlTowerGuardValidatorProps = {}) {
    this.rules = props.rules ?? readGuardRules();
    this.cache = new ValidationCache(props.cacheDir ?? DEFAULT_GUARD_CACHE_DIR);
    this.parallelism = Math.max(1, props.parallelism ?? availableParallelism());
    this.ruleIds = new CfnGuardValidator().ruleIds ?? [];
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const violations: PolicyViolation[] = [];
    const pending: Array<{ templatePath: string; key: string; rules: GuardRuleFile[]; bytes: number }> = [];
    let ruleFilesRun = 0;
    for (const templatePath of context.templatePaths) {
      const template = readFileSync(templatePath, 'utf8');
      const rules = selectGuardRules(this.rules, resourceTypesOf(template));
      const key = this.cache.key({ plugin: PLUGIN_VERSION, rules: rules.map((r) => r.hash) }, template);
      const cached = this.cache.get(key, templatePath);
      if (cached) {
        violations.push(...cached);
      } else {
        pending.push({ templatePath, key, rules, bytes: Buffer.byteLength(template) });
        ruleFilesRun += rules.length;
      }
    }

    // Templates with the same rule selection share processes, a few templates per process.
    const groups = new Map<string, { rulePaths: string[]; templates: typeof pending }>();
    for (const p of pending) {
      const id = p.rules.map((r) => r.path).join('\n');
      const group = groups.get(id) ?? { rulePaths: p.rules.map((r) => r.path), templates: [] };
      group.templates.push(p);
      groups.set(id, group);
    }
    const jobs: GuardJob[] = [];
    for (const g of groups.values()) {
      // No rule can report on these templates (cfn-guard itself refuses to run without rules).
      if (g.rulePaths.length === 0) continue;
      const perProcess = Math.min(TEMPLATES_PER_PROCESS, Math.ceil(g.templates.length / this.parallelism));
      for (let i = 0; i < g.templates.length; i += perProcess) {
        const templates = g.templates.slice(i, i + perProcess);
        const bytes = templates.reduce((n, t) => n + t.bytes, 0);
        jobs.push({ rulePaths: g.rulePaths, templatePaths: templates.map((t) => t.templatePath), cost: bytes * g.rulePaths.length });
      }
    }
    const found = runGuardJobs(jobs, this.parallelism, context);

    for (const p of pending) {
      const own = violationsOf(found, p.templatePath);
      violations.push(...own);
      this.cache.put(p.key, own);
    }
    this.lastRun = {
      templates: context.templatePaths.length,
      cached: context.templatePaths.length - pending.length,
      processes: jobs.length,
      ruleFilesRun,
    };
    return { success: violations.length === 0, violations };
  }
}

/**
 * Runs cfn-guard jobs through the plugin's own `CfnGuardValidator` (binary, flags and report
 * parsing unchanged), on up to `parallelism` worker threads. Validation plugins are synchronous,
 * so the calling thread blocks until every worker has answered.
 */
function runGuardJobs(jobs: readonly GuardJob[], parallelism: number, context: IPolicyValidationContext): PolicyViolation[] {
  if (jobs.length === 0) return [];
  const batches: GuardJob[][] = Array.from({ length: Math.min(parallelism, jobs.length) }, () => []);
  // Longest first onto the least loaded worker.
  const load = batches.map(() => 0);
  for (const job of [...jobs].sort((a, b) => b.cost - a.cost)) {
    const i = load.indexOf(Math.min(...load));
    batches[i].push(job);
    load[i] += job.cost;
  }
  if (batches.length === 1) return runBatch(batches[0], context);

  const done = new Int32Array(new SharedArrayBuffer(4));
  const workers = batches.map((batch) => {
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { pluginModule: require.resolve('@cdklabs/cdk-validator-cfnguard'), batch, port: port2, done, maxBuffer: MAX_OUTPUT_BYTES },
      transferList: [port2],
    });
    return { worker, port: port1 };
  });
  const deadline = Date.now() + WORKER_TIMEOUT_MS;
  let finished: number;
  while ((finished = Atomics.load(done, 0)) < workers.length) {
    if (Atomics.wait(done, 0, finished, Math.max(1, deadline - Date.now())) === 'timed-out' && Date.now() >= deadline) {
      workers.forEach((w) => void w.worker.terminate());
      throw new Error(`cfn-guard did not finish within ${WORKER_TIMEOUT_MS / 60000} minutes`);
    }
  }
  const violations: PolicyViolation[] = [];
  const errors: string[] = [];
  for (const { worker, port } of workers) {
    const message = receiveMessageOnPort(port)?.message as { violations?: PolicyViolation[]; error?: string } | undefined;
    port.close();
    void worker.terminate();
    if (!message) errors.push('a cfn-guard worker ended without a result');
    else if (message.error) errors.push(message.error);
    else violations.push(...(message.violations ?? []));
  }
  if (errors.length > 0) throw new Error(errors.join('\n'));
  return violations;
}

/** The same work as a worker's, on the calling thread. */
function runBatch(batch: readonly GuardJob[], context: IPolicyValidationContext): PolicyViolation[] {
  return batch.flatMap((job) => new CfnGuardValidator({ controlTowerRulesEnabled: false, rules: job.rulePaths, maxBuffer: MAX_OUTPUT_BYTES })
    .validate({ ...context, templatePaths: job.templatePaths }).violations);
}

/**
 * A worker: runs its batch with the plugin's CfnGuardValidator, posts the violations (or the
 * error), then counts itself done. Plain CommonJS, so it runs without the TypeScript loader.
 */
const WORKER_SOURCE = `
const { workerData } = require('worker_threads');
const { CfnGuardValidator } = require(workerData.pluginModule);
let message;
try {
  const violations = [];
  for (const job of workerData.batch) {
    const validator = new CfnGuardValidator({ controlTowerRulesEnabled: false, rules: job.rulePaths, maxBuffer: workerData.maxBuffer });
    violations.push(...validator.validate({ templatePaths: job.templatePaths }).violations);
  }
  message = { violations };
} catch (e) {
  message = { error: String(e && e.message || e) };
}
workerData.port.postMessage(message);
Atomics.add(workerData.done, 0, 1);
Atomics.notify(workerData.done, 0);
`;
