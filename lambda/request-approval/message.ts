import type { ApprovalEvidence, ApprovalRequest } from '../../contracts/approval';
import { deploymentLine, triggerLine } from './context';
import { MAX_SUBJECT_LENGTH } from './event';

/*
 * The plain-text message each approver receives, with their own signed link.
 */

/** Up to 6 significant digits, without floating-point noise: 0.1 + 0.2 -> "0.3". */
export function formatNumber(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/** `Approval needed: <model> (<environment>) <metric> <value>`, cut to fewer than 100 characters. */
export function subjectOf(request: Pick<ApprovalRequest, 'model' | 'environment' | 'evidence'>): string {
  const subject =
    `Approval needed: ${request.model} (${request.environment}) ` + `${request.evidence.metric} ${formatNumber(request.evidence.candidateValue)}`;
  return subject.length <= MAX_SUBJECT_LENGTH ? subject : `${subject.slice(0, MAX_SUBJECT_LENGTH - 3)}...`;
}

/** The line comparing the candidate with the approved model. */
export function comparisonOf(evidence: ApprovalEvidence): string {
  const candidate = `${evidence.metric}: candidate ${formatNumber(evidence.candidateValue)}`;
  if (evidence.approvedValue === undefined) return `${candidate}, no approved model yet`;
  const delta = Number((evidence.candidateValue - evidence.approvedValue).toPrecision(6));
  return `${candidate} vs approved ${formatNumber(evidence.approvedValue)} (delta ${delta > 0 ? '+' : ''}${formatNumber(delta)})`;
}

/** The plain-text message of one approver. */
export function messageOf(request: ApprovalRequest, approver: string, link: string): string {
  const { evidence } = request;
  const metricNames = Object.keys(evidence.metrics).sort();
  return [
    `A candidate model is waiting for your approval before the pipeline continues.`,
    '',
    `Model: ${request.model}`,
    `Environment: ${request.environment}`,
    `Candidate model package: ${request.modelPackageArn}`,
    comparisonOf(evidence),
    `Approved model package: ${evidence.approvedModelPackageArn ?? 'none (no approved model yet)'}`,
    '',
    'All metrics of the candidate:',
    ...(metricNames.length > 0 ? metricNames.map((name) => `  ${name}: ${formatNumber(evidence.metrics[name])}`) : ['  (none reported)']),
    '',
    `Approving deploys to: ${deploymentLine(request)}`,
    `Triggered by: ${triggerLine(request)}`,
    `Evaluation data: ${request.evaluationDataUri ?? 'not recorded'}`,
    `Training data: ${evidence.trainingDataUri}`,
    `Training data manifest: ${evidence.trainingDataManifestUri}`,
    `Training job: ${evidence.trainingJobArn}`,
    `Pipeline execution: ${request.executionArn}`,
    `Requested at: ${request.requestedAt}`,
    `Expires at: ${new Date(request.expiresAt * 1000).toISOString()} (the pipeline stops waiting then)`,
    '',
    'Review the evidence and approve or reject (a comment is required):',
    link,
    '',
    `This link is for ${approver} only and is valid until the expiry above: do not forward it.`,
    `Request ID: ${request.requestId}`,
  ].join('\n');
}
