import { readFileSync } from 'fs';
import { join } from 'path';
import { estimate } from '../../tools/cost/estimate';
import { DEFAULT_LOAD, LOAD_FIELDS } from '../../tools/cost/load-profile';
import { chooseRegion, PRICES_FILE, PriceTableError, validatePriceTable } from '../../tools/cost/prices';
import { stack, TABLE } from './cost-builders';

describe('price table', () => {
  test('the shipped table is dated, covers the three regions and has every price', () => {
    // THEN
    expect(TABLE.date).toBe('2026-11-22');
    expect(Object.keys(TABLE.regions)).toEqual(expect.arrayContaining(['us-east-1', 'eu-west-1', 'eu-central-1']));
    for (const source of Object.values(TABLE.sources)) expect(source).toMatch(/^https:\/\/aws\.amazon\.com\//);
  });

  test('the sample and common instance types have real-time prices in every region', () => {
    const types = ['ml.t2.medium', 'ml.m5.large', 'ml.m5.xlarge', 'ml.m5.2xlarge', 'ml.c5.large', 'ml.c5.xlarge', 'ml.c6i.large', 'ml.c6i.xlarge',
      'ml.g5.xlarge', 'ml.g5.2xlarge', 'ml.g5.4xlarge', 'ml.g5.12xlarge', 'ml.g6.xlarge', 'ml.g6.2xlarge', 'ml.p4d.24xlarge', 'ml.p5.48xlarge', 'ml.inf2.xlarge'];
    for (const region of ['us-east-1', 'eu-west-1', 'eu-central-1']) {
      const prices = chooseRegion(TABLE, region).prices;
      for (const type of types) expect(prices.instance('realtime', type)?.value).toBeGreaterThan(0);
      expect(prices.instance('training', 'ml.g5.xlarge')?.value).toBeGreaterThan(0);
    }
  });

  test('derived regions scale us-east-1 SageMaker prices and mark them unconfirmed', () => {
    // WHEN
    const base = chooseRegion(TABLE, 'us-east-1').prices.instance('realtime', 'ml.m5.large');
    const eu = chooseRegion(TABLE, 'eu-west-1').prices.instance('realtime', 'ml.m5.large');
    // THEN
    expect(base).toEqual({ path: 'sagemaker.realtime.ml.m5.large', value: 0.115, unconfirmed: false });
    expect(eu?.value).toBeCloseTo(0.115 * 1.11, 6);
    expect(eu?.unconfirmed).toBe(true);
  });

  test('a table with missing or bad prices fails listing every problem', () => {
    // GIVEN
    const raw = JSON.parse(JSON.stringify({ ...TABLE, regions: { 'us-east-1': { ...TABLE.regions['us-east-1'] } } }));
    delete raw.regions['us-east-1'].kms;
    raw.regions['us-east-1'].logs.ingestionPerGb = -1;
    raw.regions['us-east-1'].sagemaker.realtime['m5.large'] = 'cheap';
    // THEN
    expect(() => validatePriceTable(raw, 'bad.json')).toThrow(PriceTableError);
    expect(() => validatePriceTable(raw, 'bad.json')).toThrow(/Invalid price table bad\.json \(7 problems\)/);
    expect(() => validatePriceTable(raw, 'bad.json')).toThrow(/regions\.us-east-1\.logs\.ingestionPerGb: got -1; expected a non-negative number/);
    expect(() => validatePriceTable(raw, 'bad.json')).toThrow(/"m5\.large" is not an instance type/);
  });
});

describe('region', () => {
  test('environment-agnostic stacks are priced as us-east-1, and the report says so', () => {
    const choice = chooseRegion(TABLE, undefined);
    expect(choice.region).toBe('us-east-1');
    expect(choice.note).toMatch(/environment-agnostic .* priced as us-east-1; pass --region/);
  });

  test('the environment\'s region is used when the table covers it', () => {
    expect(chooseRegion(TABLE, 'eu-central-1').region).toBe('eu-central-1');
    expect(chooseRegion(TABLE, 'eu-central-1', 'eu-west-1').note).toMatch(/from --region \(the environment's stacks deploy to eu-central-1\)/);
  });

  test('a region the table does not cover falls back to us-east-1 rates with a note', () => {
    // WHEN
    const choice = chooseRegion(TABLE, 'ap-southeast-2');
    const e = estimate([stack({ Key: { Type: 'AWS::KMS::Key', Properties: {} } })], { environment: 'dev', region: choice, load: DEFAULT_LOAD });
    // THEN
    expect(choice.region).toBe('us-east-1');
    expect(e.regionNote).toBe(`Region: ap-southeast-2 (the environment's region) is not in ${PRICES_FILE}, which covers us-east-1, eu-west-1, eu-central-1: priced at us-east-1 rates instead; add the region to the table for real figures.`);
    expect(e.assumptions[0]).toBe(e.regionNote);
  });
});

describe('docs/cost.md', () => {
  test('documents every load flag and the price table date', () => {
    // GIVEN
    const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'cost.md'), 'utf8');
    // THEN
    for (const field of LOAD_FIELDS) expect(doc).toContain(`\`--${field.flag}`);
    expect(doc).toContain(TABLE.date);
  });
});
