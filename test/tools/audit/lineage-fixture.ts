import 'aws-sdk-client-mock-jest';
import { main } from '../../../tools/audit/main';
import type { AuditReport } from '../../../tools/audit/report';
import { NOW } from '../../../scripts/audit-samples/lineage-history';
import { FakeAws, prodWorld } from '../../../scripts/audit-samples/fake-aws';

/**
 * The lineage tests run `mlops-audit lineage` end to end against recorded AWS responses (scripts/audit-samples/fake-aws.ts):
 * the real argument parsing, AWS reads, chain, checks and rendering; only the SDK's `send` is fake.
 */
export const aws = new FakeAws();

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export async function audit(...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(['lineage', '--model', 'churn', '--env', 'prod', '--region', 'eu-west-1', '--audit-bucket', BUCKET, ...args], {
    stdout: { write: (t: string) => { stdout += t; } },
    stderr: { write: (t: string) => { stderr += t; }, isTTY: false },
    now: () => new Date(NOW),
  });
  return { code, stdout, stderr };
}

export async function json(...args: string[]): Promise<{ code: number; report: AuditReport; stderr: string }> {
  const run = await audit('--format', 'json', ...args);
  return { code: run.code, report: JSON.parse(run.stdout), stderr: run.stderr };
}

export let world: ReturnType<typeof prodWorld>;
export let BUCKET: string;

/** A fresh recorded production world (the fake AWS reset) before every test of the calling file. */
export function useLineageWorld(): void {
  beforeEach(() => {
    aws.reset();
    world = prodWorld(aws);
    BUCKET = world.v14.buckets.audit;
  });
}
