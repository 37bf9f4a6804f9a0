/**
 * What the blueprint knows about SageMaker ML instance types, without calling AWS.
 *
 * An instance type is `ml.<family>.<size>`, e.g. `ml.g5.2xlarge`. The table below lists the families
 * the blueprint accepts, and for each whether it has NVIDIA GPUs and whether it has local NVMe instance
 * storage. The second matters because SageMaker rejects a volume KMS key (`VolumeKmsKeyId`,
 * `KmsKeyId` of an endpoint configuration) on instance types with local storage: that storage is
 * always encrypted by a hardware module on the instance instead.
 *
 * The list is deliberately conservative: a family missing here is reported as unknown rather than
 * guessed. Adding one is a one-line change; check "Instance store volumes" in the Amazon EC2 docs for
 * its storage.
 */

/** Facts about one instance family. */
export interface InstanceFamily {
  /** Has NVIDIA GPUs (CUDA). */
  readonly gpu: boolean;
  /** Has local NVMe instance storage, so SageMaker rejects a volume KMS key for it. */
  readonly localNvme: boolean;
  /** Has AWS Inferentia or Trainium accelerators (Neuron SDK): accelerated, but not a GPU. */
  readonly neuron: boolean;
}

const cpu = (localNvme = false): InstanceFamily => ({ gpu: false, localNvme, neuron: false });
const nvidia = (localNvme: boolean): InstanceFamily => ({ gpu: true, localNvme, neuron: false });
const neuron = (localNvme: boolean): InstanceFamily => ({ gpu: false, localNvme, neuron: true });

/** The SageMaker instance families the blueprint knows, by family name (the part between `ml.` and the size). */
export const INSTANCE_FAMILIES: Readonly<Record<string, InstanceFamily>> = Object.freeze({
  // General purpose
  t2: cpu(),
  t3: cpu(),
  m4: cpu(),
  m5: cpu(),
  m5d: cpu(true),
  m6i: cpu(),
  m6id: cpu(true),
  m7i: cpu(),
  m6g: cpu(),
  m6gd: cpu(true),
  // Compute optimized
  c4: cpu(),
  c5: cpu(),
  c5d: cpu(true),
  c5n: cpu(),
  c6i: cpu(),
  c6id: cpu(true),
  c7i: cpu(),
  c6g: cpu(),
  c6gd: cpu(true),
  c7g: cpu(),
  // Memory optimized
  r5: cpu(),
  r5d: cpu(true),
  r6i: cpu(),
  r6id: cpu(true),
  r7i: cpu(),
  r6g: cpu(),
  r6gd: cpu(true),
  // NVIDIA GPU
  p2: nvidia(false),
  p3: nvidia(false),
  p3dn: nvidia(true),
  p4d: nvidia(true),
  p4de: nvidia(true),
  p5: nvidia(true),
  p5e: nvidia(true),
  p5en: nvidia(true),
  'p6-b200': nvidia(true),
  g4dn: nvidia(true),
  g5: nvidia(true),
  g6: nvidia(true),
  g6e: nvidia(true),
  // AWS Inferentia and Trainium (Neuron)
  inf1: neuron(false),
  inf2: neuron(false),
  trn1: neuron(true),
  trn1n: neuron(true),
  trn2: neuron(true),
});

/** Names of the known families, in table order, for messages. */
export const KNOWN_INSTANCE_FAMILIES: readonly string[] = Object.freeze(Object.keys(INSTANCE_FAMILIES));

/** Names of the known NVIDIA GPU families, for messages. */
export const GPU_INSTANCE_FAMILIES: readonly string[] = Object.freeze(
  KNOWN_INSTANCE_FAMILIES.filter((f) => INSTANCE_FAMILIES[f].gpu),
);

/** A parsed, known instance type. */
export interface InstanceTypeInfo {
  /** The family, e.g. `g5`. */
  readonly family: string;
  /** The size, e.g. `2xlarge`. */
  readonly size: string;
  /** Has NVIDIA GPUs. Inferentia and Trainium are not GPUs. */
  readonly gpu: boolean;
  /** Has local NVMe instance storage (no volume KMS key allowed). */
  readonly localNvme: boolean;
}

/** `ml.<family>.<size>`: sizes are `medium`, `large`, `xlarge` or `<n>xlarge`. */
const INSTANCE_TYPE = /^ml\.([a-z][a-z0-9-]*)\.(medium|large|xlarge|[1-9][0-9]?xlarge)$/;

/**
 * Parses a SageMaker instance type such as `ml.g5.2xlarge`.
 *
 * Only the family is checked against the table; the size is checked for shape (`medium`, `large`,
 * `xlarge`, `<n>xlarge`), not for existence in that family.
 *
 * @returns the family, size and capabilities, or `undefined` when `value` is not a string of the form
 *   `ml.<family>.<size>` or its family is unknown
 */
export function parseInstanceType(value: unknown): InstanceTypeInfo | undefined {
  if (typeof value !== 'string') return undefined;
  const match = INSTANCE_TYPE.exec(value);
  if (!match) return undefined;
  const [, family, size] = match;
  if (!Object.prototype.hasOwnProperty.call(INSTANCE_FAMILIES, family)) return undefined;
  const facts = INSTANCE_FAMILIES[family];
  return { family, size, gpu: facts.gpu, localNvme: facts.localNvme };
}

/** Whether `value` is a known instance type with NVIDIA GPUs. */
export function isGpuInstanceType(value: unknown): boolean {
  return parseInstanceType(value)?.gpu ?? false;
}

/** Whether `value` is a known instance type with local NVMe storage (SageMaker then rejects a volume KMS key). */
export function hasLocalNvme(value: unknown): boolean {
  return parseInstanceType(value)?.localNvme ?? false;
}

/**
 * vCPUs of a known instance type, from its size: `medium` and `large` have 2, `xlarge` 4 and
 * `<n>xlarge` 4n (true of the families above). CloudWatch reports endpoint `CPUUtilization` as the
 * sum over all vCPUs (up to 100 x vCPUs), so alarm thresholds scale with it.
 */
export function vcpusOf(value: unknown): number | undefined {
  const info = parseInstanceType(value);
  if (!info) return undefined;
  if (info.size === 'medium' || info.size === 'large') return 2;
  if (info.size === 'xlarge') return 4;
  return 4 * Number(info.size.replace('xlarge', ''));
}
