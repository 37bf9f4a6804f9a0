/** The contract command's Node side: which models it runs, the plan it hands to Python, and its exit codes. */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { main } from '../../tools/contract/main';
import { contractPlan, NotRunnable } from '../../tools/contract/plan';
import { customImageModel, models, regressionModel } from '../fixtures/config';

const ROOT = join(__dirname, '..', '..');

/** A stand-in interpreter that records the plan it was given and exits with `code`. */
function fakePython(code: number): { python: string; plans: () => Array<Record<string, unknown>> } {
  const dir = mkdtempSync(join(tmpdir(), 'fake-python-'));
  const log = join(dir, 'plans.jsonl');
  const python = join(dir, 'python');
  writeFileSync(python, `#!/bin/sh\ncat "$3" | tr -d '\\n' >> ${log}\necho >> ${log}\nexit ${code}\n`);
  chmodSync(python, 0o755);
  return {
    python,
    plans: () => readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line)),
  };
}

let output = '';
beforeEach(() => {
  output = '';
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((output += String(chunk)), true));
  jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((output += String(chunk)), true));
});
afterEach(() => jest.restoreAllMocks());

describe('mlops-contract', () => {
  test('runs every shipped sample folder with the plan of its code and sample data', () => {
    const fake = fakePython(0);
    expect(main(['--models', join(ROOT, 'models'), '--python', fake.python])).toBe(0);
    const plans = fake.plans();
    expect(plans.map((p) => p.model)).toEqual(['churn', 'delivery-time', 'fraud-dl']);
    const delivery = plans[1];
    expect(delivery).toEqual(expect.objectContaining({
      framework: 'sklearn',
      sourceDir: join(ROOT, 'models', 'delivery-time', 'code'),
      trainingEntryPoint: 'train.py',
      inferenceEntryPoint: 'inference.py',
      evaluationScript: 'evaluate.py',
      wrapper: join(ROOT, 'pipelines', 'scripts', 'mlops_train.py'),
      genericEvaluation: join(ROOT, 'pipelines', 'scripts', 'evaluate.py'),
      trainData: join(ROOT, 'models', 'delivery-time', 'sample', 'train'),
      testData: join(ROOT, 'models', 'delivery-time', 'sample', 'test'),
      metric: 'mae',
      hyperparameters: { n_estimators: '200' },
    }));
    expect(output).toMatch(/contract: delivery-time: ok in/);
  });

  test('a model whose run fails makes the command fail; the others still run', () => {
    const fake = fakePython(1);
    expect(main(['churn', 'fraud-dl', '--models', join(ROOT, 'models'), '--python', fake.python])).toBe(1);
    expect(fake.plans().map((p) => p.model)).toEqual(['churn', 'fraud-dl']);
    expect(output).toMatch(/contract: churn: FAILED/);
  });

  test('an unknown model, an unknown option and a missing interpreter are reported', () => {
    expect(main(['nope', '--models', join(ROOT, 'models')])).toBe(2);
    expect(output).toMatch(/no model folder nope in .*models \(found: churn, delivery-time, fraud-dl\)/);
    expect(main(['--fast'])).toBe(2);
    expect(output).toMatch(/unknown option --fast/);
    expect(main(['churn', '--models', join(ROOT, 'models'), '--python', join(tmpdir(), 'no-such-python')])).toBe(1);
    expect(output).toMatch(/cannot run .*no-such-python/);
  });
});

describe('the plan', () => {
  const folder = (name: string, withSample = true): string => {
    const dir = mkdtempSync(join(tmpdir(), `contract-${name}-`));
    if (withSample) for (const split of ['train', 'test']) mkdirSync(join(dir, 'sample', split), { recursive: true });
    return dir;
  };

  test('the built-in algorithm and own images run no code of the folder here', () => {
    const builtIn = models.find((m) => m.framework === 'xgboost')!;
    expect(() => contractPlan(builtIn, folder('churn'), '/tmp/w')).toThrow(new NotRunnable('churn: the built-in xgboost algorithm runs no code of the team\'s'));
    expect(() => contractPlan(customImageModel, folder('own'), '/tmp/w')).toThrow(/own-image: own images run their own code/);
  });

  test('without sample data there is nothing to run on', () => {
    expect(() => contractPlan(regressionModel, folder('eta', false), '/tmp/w')).toThrow(/eta: no sample data in .*sample[\\/]train/);
  });
});
