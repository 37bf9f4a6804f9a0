/**
 * Generates the sample data sets of the sample models (docs/first-run.md), deterministically: the same files on every
 * machine and every run, so the committed CSVs can be checked against this script (test/pipelines/first-run.test.ts).
 *
 *     npx tsx scripts/generate-samples.ts      # writes samples/<model>/{train,test}/<split>.csv
 *
 * Format (what SageMaker's built-in XGBoost, pipelines/scripts/train_pytorch.py and evaluate.py read): CSV without a header,
 * the label (0 or 1) in the first column, then the model's input features (its declared features other than the record
 * identifier and the event time) in declaration order, every field a number. String features are encoded as category codes.
 */
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';

/** Rows per file. */
export const SAMPLE_ROWS = { train: 400, test: 200 } as const;
export type Split = keyof typeof SAMPLE_ROWS;

/** One sample model: its CSV columns after the label, category codes of its string features, and how a row is drawn. */
export interface SampleModel {
  readonly columns: readonly string[];
  readonly categories: Readonly<Record<string, readonly string[]>>;
  /** One row: the label first, then one value per column. */
  readonly row: (random: () => number) => number[];
}

/** mulberry32: a small seeded generator, identical in every JavaScript engine. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = (random: () => number, weights: readonly number[]) => {
  let r = random() * weights.reduce((a, b) => a + b, 0);
  return weights.findIndex((w) => (r -= w) < 0);
};
const label = (random: () => number, logit: number) => (random() < 1 / (1 + Math.exp(-logit)) ? 1 : 0);
const round = (value: number, digits: number) => Number(value.toFixed(digits));

export const SAMPLE_MODELS: Readonly<Record<string, SampleModel>> = {
  churn: {
    columns: ['tenure_months', 'monthly_charges', 'support_calls', 'contract_type'],
    categories: { contract_type: ['month-to-month', 'one-year', 'two-year'] },
    row: (random) => {
      const contract = pick(random, [5, 3, 2]);
      const tenure = 1 + Math.floor(random() * (contract === 0 ? 36 : 72));
      const charges = round(20 + random() * 90, 2);
      const calls = Math.floor(-Math.log(1 - random()) * 1.5);
      const logit = 1.2 - 0.06 * tenure + 0.02 * (charges - 65) + 0.55 * calls - 1.4 * contract;
      return [label(random, logit), tenure, charges, calls, contract];
    },
  },
  'fraud-dl': {
    columns: ['amount', 'merchant_category', 'card_age_days', 'distance_from_home_km'],
    categories: { merchant_category: ['grocery', 'fuel', 'restaurant', 'electronics', 'travel', 'online'] },
    row: (random) => {
      const category = pick(random, [30, 15, 20, 10, 10, 15]);
      const amount = round(Math.exp(2.5 + random() * 4), 2);
      const cardAge = Math.floor(random() * 2000);
      const distance = round(-Math.log(1 - random()) * 15, 1);
      const risky = category === 3 || category === 5 ? 2 : 0;
      const logit = -7.5 + 1.4 * Math.log(amount) - 0.003 * cardAge + 0.09 * distance + risky;
      return [label(random, logit), amount, category, cardAge, distance];
    },
  },
};

/** The rows of one model's split: seeded by the model's name and the split, so each file is reproducible on its own. */
export function sampleRows(model: string, split: Split): number[][] {
  const spec = SAMPLE_MODELS[model];
  if (!spec) throw new Error(`no sample data for model ${JSON.stringify(model)}; expected one of ${Object.keys(SAMPLE_MODELS).join(', ')}`);
  const seed = [...`${model}/${split}`].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0, 2166136261);
  const random = seeded(seed);
  return Array.from({ length: SAMPLE_ROWS[split] }, () => spec.row(random));
}

/** The CSV text of one split (no header, `\n` line ends). */
export function sampleCsv(model: string, split: Split): string {
  return sampleRows(model, split).map((row) => row.join(',')).join('\n') + '\n';
}

/** The path of one split's file, relative to the repository root: `samples/<model>/<split>/<split>.csv`. */
export const samplePath = (model: string, split: Split) => join('samples', model, split, `${split}.csv`);

if (require.main === module) {
  const root = join(__dirname, '..');
  for (const model of Object.keys(SAMPLE_MODELS)) {
    for (const split of Object.keys(SAMPLE_ROWS) as Split[]) {
      const path = join(root, samplePath(model, split));
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, sampleCsv(model, split));
      const rows = sampleRows(model, split);
      console.log(`${samplePath(model, split)}: ${rows.length} rows, ${rows.filter((r) => r[0] === 1).length} positive`);
    }
  }
}
