/** Builders the cost estimator's tests share: the shipped price table, a stack of resources, an estimate, one line item. */
import { estimate, Estimate, StackInput } from '../../tools/cost/estimate';
import { LineItem } from '../../tools/cost/line-item';
import { LoadProfile, loadProfile } from '../../tools/cost/load-profile';
import { chooseRegion, loadPriceTable } from '../../tools/cost/prices';
import { CfnResource } from '../../tools/cost/template';

export const TABLE = loadPriceTable();
export const HOURS = 730;

export function stack(resources: Record<string, CfnResource>, extra: Partial<StackInput> & { metadata?: unknown } = {}): StackInput {
  const { metadata, ...rest } = extra;
  return { name: 'test-stack', template: { Resources: resources, ...(metadata !== undefined ? { Metadata: { MlopsCost: metadata } } : {}) }, ...rest };
}

export function run(stacks: StackInput[], load: Partial<LoadProfile> = {}, region?: string): Estimate {
  return estimate(stacks, { environment: 'dev', region: chooseRegion(TABLE, region), load: loadProfile(load) });
}

export function only(e: Estimate, id: string): LineItem {
  const found = e.lines.filter((l) => l.id === id);
  expect(found).toHaveLength(1);
  return found[0];
}
