import { readFileSync } from 'fs';
import { join } from 'path';
import { collectModelFolders } from '../../lib/config/model-folders';
import type { ModelDeclaration } from '../../lib/config/model';
import { defaultDefinitionOf, overrides, run } from './fixtures';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// GIVEN docs/first-run.md and the synthesized dev pipeline of churn, run locally.
const page = readFileSync(join(__dirname, '..', '..', 'docs', 'first-run.md'), 'utf8');
// The shipped sample models and their data (models/<name>/sample), which the page documents.
const ROOT = join(__dirname, '..', '..');
const shipped = collectModelFolders(join(ROOT, 'models')).models as ModelDeclaration[];
const inputsOf = (declared: ModelDeclaration) =>
  declared.features.definitions.map((f) => f.name).filter((f) => f !== declared.features.recordIdentifier && f !== declared.features.eventTime);
const churn = defaultDefinitionOf('dev', 'churn');

/** The page's run input: the JSON block after the marker, with the curated bucket's placeholder replaced. */
function pageInput(curatedBucket: string): Any {
  const block = /<!-- first-run-input -->\n```json\n([\s\S]*?)\n```/.exec(page);
  expect(block).not.toBeNull();
  return JSON.parse(block![1].replace(/<curated bucket>/g, curatedBucket));
}

describe('docs/first-run.md against the locally executed pipeline', () => {
  test("the page's input trains and evaluates on the prefixes it names, and the outputs are where it says", async () => {
    // The curated bucket's name as the pipeline resolves it: its default training prefix.
    const defaults = await run(churn, {}, { overrides: overrides(0.91) });
    const bucket = /^s3:\/\/([^/]+)\/churn\/train\/$/.exec(
      (defaults.taskInputs.Train[0] as Any).InputDataConfig[0].DataSource.S3DataSource.S3Uri,
    )![1];
    const input = pageInput(bucket);
    expect(input).toEqual({
      trainingDataUri: `s3://${bucket}/churn/train/`,
      evaluationDataUri: `s3://${bucket}/churn/test/`,
      trigger: expect.any(Object),
    });
    // The start-execution command carries the same input as the block.
    const command = /--input '([^']+)'/.exec(page)![1];
    expect(JSON.parse(command.replace(/<curated bucket>/g, bucket))).toEqual(input);

    const result = await run(churn, input, { overrides: overrides(0.91) });
    expect(result.status).toBe('SUCCEEDED');
    const train = result.taskInputs.Train[0] as Any;
    expect(train.InputDataConfig[0].DataSource.S3DataSource.S3Uri).toBe(input.trainingDataUri);
    const evaluate = result.taskInputs.Evaluate[0] as Any;
    expect(evaluate.ProcessingInputs.find((i: Any) => i.InputName === 'data').S3Input.S3Uri).toBe(input.evaluationDataUri);
    // Outputs: evaluation.json under models/churn/runs/<execution>/evaluation/, the package group and endpoint the page names.
    const read = result.taskInputs.ReadMetrics[0] as Any;
    expect(read.Key).toBe('models/churn/runs/exec-1/evaluation/evaluation.json');
    expect(page).toContain('s3://<artifacts bucket>/models/churn/runs/<execution name>/evaluation/evaluation.json');
    const group = (result.taskInputs.RegisterModel[0] as Any).ModelPackageGroupName;
    expect(page).toContain(`--model-package-group-name ${group}`);
    const endpoint = (result.taskInputs.CreateEndpoint[0] as Any).EndpointName;
    expect(page).toContain(`invoke-endpoint --endpoint-name ${endpoint} --content-type text/csv`);
    // The upload commands write to the prefixes the run reads.
    expect(page).toContain('aws s3 cp models/churn/sample/train/ s3://<curated bucket>/churn/train/ --recursive');
    expect(page).toContain('aws s3 cp models/churn/sample/test/ s3://<curated bucket>/churn/test/ --recursive');
  });

  test('the page documents every shipped model', () => {
    expect(shipped.map((m) => m.name)).toEqual(['churn', 'delivery-time', 'fraud-dl']);
  });

  test.each(shipped.map((m) => m.name))(
    "%s: the page's column order is the model's input features, and the invoke body has one value per column",
    (name) => {
      const inputs = inputsOf(shipped.find((m) => m.name === name)!);
      expect(page).toContain(`| \`${name}\` | \`${inputs.join(',')}\` |`);
      if (name === 'churn') expect(/--body '([^']+)'/.exec(page)![1].split(',')).toHaveLength(inputs.length);
    },
  );

  test.each(shipped.flatMap((m) => (['train', 'test'] as const).map((s) => [m.name, s] as const)))(
    '%s %s: the committed sample has the label first, then one number per input feature (both classes for a classifier)',
    (name, split) => {
      const declared = shipped.find((m) => m.name === name)!;
      const text = readFileSync(join(ROOT, 'models', name, 'sample', split, `${split}.csv`), 'utf8');
      const rows = text
        .trim()
        .split('\n')
        .map((l) => l.split(',').map(Number));
      expect(rows.length).toBeGreaterThanOrEqual(200);
      for (const row of rows) {
        expect(row).toHaveLength(1 + inputsOf(declared).length);
        expect(row.every(Number.isFinite)).toBe(true);
      }
      const labels = new Set(rows.map((r) => r[0]));
      if (declared.evaluation.metric === 'auc') expect([...labels].sort()).toEqual([0, 1]);
      else expect(labels.size).toBeGreaterThan(50);
    },
  );
});
