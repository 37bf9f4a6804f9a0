import {
  GPU_INSTANCE_FAMILIES, hasLocalNvme, isGpuInstanceType, KNOWN_INSTANCE_FAMILIES, parseInstanceType,
} from '../../lib/config/instance-types';

describe('instance types', () => {
  test.each([
    ['ml.g5.2xlarge', { family: 'g5', size: '2xlarge', gpu: true, localNvme: true }],
    ['ml.p4d.24xlarge', { family: 'p4d', size: '24xlarge', gpu: true, localNvme: true }],
    ['ml.p3.2xlarge', { family: 'p3', size: '2xlarge', gpu: true, localNvme: false }],
    ['ml.g4dn.xlarge', { family: 'g4dn', size: 'xlarge', gpu: true, localNvme: true }],
    ['ml.p6-b200.48xlarge', { family: 'p6-b200', size: '48xlarge', gpu: true, localNvme: true }],
    ['ml.m5.large', { family: 'm5', size: 'large', gpu: false, localNvme: false }],
    ['ml.m5d.xlarge', { family: 'm5d', size: 'xlarge', gpu: false, localNvme: true }],
    ['ml.c6i.xlarge', { family: 'c6i', size: 'xlarge', gpu: false, localNvme: false }],
    ['ml.t3.medium', { family: 't3', size: 'medium', gpu: false, localNvme: false }],
    ['ml.inf2.xlarge', { family: 'inf2', size: 'xlarge', gpu: false, localNvme: false }],
    ['ml.trn1.32xlarge', { family: 'trn1', size: '32xlarge', gpu: false, localNvme: true }],
  ])('GIVEN %s WHEN parsed THEN family, size, GPU and NVMe are known', (value, expected) => {
    expect(parseInstanceType(value)).toEqual(expected);
  });

  test.each([
    ['unknown family', 'ml.x9.large'],
    ['prototype key as family', 'ml.constructor.large'],
    ['missing ml. prefix', 'g5.2xlarge'],
    ['missing size', 'ml.g5'],
    ['unknown size', 'ml.g5.huge'],
    ['zero size', 'ml.g5.0xlarge'],
    ['upper case', 'ML.G5.2XLARGE'],
    ['trailing space', 'ml.g5.2xlarge '],
    ['empty string', ''],
    ['a number', 42],
    ['nothing', undefined],
  ])('GIVEN %s WHEN parsed THEN it is not a known instance type', (_name, value) => {
    expect(parseInstanceType(value)).toBeUndefined();
    expect(isGpuInstanceType(value)).toBe(false);
    expect(hasLocalNvme(value)).toBe(false);
  });

  test('GPU and NVMe helpers', () => {
    expect(isGpuInstanceType('ml.g6e.12xlarge')).toBe(true);
    expect(isGpuInstanceType('ml.trn1.2xlarge')).toBe(false);
    expect(isGpuInstanceType('ml.m5.xlarge')).toBe(false);
    expect(hasLocalNvme('ml.p5.48xlarge')).toBe(true);
    expect(hasLocalNvme('ml.r5d.large')).toBe(true);
    expect(hasLocalNvme('ml.c5.xlarge')).toBe(false);
  });

  test('the family lists used in messages', () => {
    expect(KNOWN_INSTANCE_FAMILIES).toEqual(expect.arrayContaining(['m5', 'c5', 'g5', 'p4d', 'inf2', 'trn1']));
    expect(GPU_INSTANCE_FAMILIES).toEqual(expect.arrayContaining(['g4dn', 'g5', 'g6', 'p4d', 'p5']));
    expect(GPU_INSTANCE_FAMILIES).not.toContain('inf2');
    expect(GPU_INSTANCE_FAMILIES).not.toContain('trn1');
    expect(GPU_INSTANCE_FAMILIES.every((f) => isGpuInstanceType(`ml.${f}.xlarge`) || isGpuInstanceType(`ml.${f}.48xlarge`))).toBe(true);
  });
});
