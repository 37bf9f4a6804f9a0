import type { ApprovalDecision, ApprovalEvidence, ApprovalRequest, ApprovalStatus } from '../../contracts/approval';
import type { LinkParameters } from '../../contracts/approval-link';
import { code, definitions, escapeHtml, formatDelta, formatNumber, formatTime } from './format';
import { deploymentSection, triggerHtml } from './render-context';

/**
 * The approval page's HTML: every page the handler answers with (escaping and formatting in format.ts,
 * the run's context in render-context.ts). Pure functions, no I/O. Every interpolated value goes through
 * {@link escapeHtml}; the pages have no script and load nothing from elsewhere.
 */

/** Comment length limit, after trimming (UTF-16 code units, as the textarea's maxlength counts). */
/** The comment goes into the model package's ApprovalDescription (at most 1024 characters with the approver, time and record URI). */
export const MAX_COMMENT_LENGTH = 500;

const CSS = `
:root{color-scheme:light;--ink:#1b1f24;--muted:#57606a;--line:#d0d7de;--ok:#116329;--bad:#a40e26;--warn:#7d4e00}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:#f6f8fa}
main{max-width:58rem;margin:0 auto;padding:1.5rem 1rem 3rem}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:1rem 1.25rem;margin:0 0 1rem}
h1{font-size:1.5rem;margin:.25rem 0 .75rem}
h2{font-size:1.1rem;margin:0 0 .75rem}
p{margin:.5rem 0}
.lead{color:var(--muted)}
.banner{border-left:4px solid var(--warn);background:#fff8c5;padding:.5rem .75rem;border-radius:4px}
.banner.ok{border-color:var(--ok);background:#dafbe1}
.banner.bad{border-color:var(--bad);background:#ffebe9}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid var(--line);vertical-align:top}
thead th{font-size:.85rem;color:var(--muted);font-weight:600}
td.num{font-variant-numeric:tabular-nums}
tr.gate th,tr.gate td{font-weight:700}
dl{display:grid;grid-template-columns:minmax(9rem,max-content) 1fr;gap:.35rem 1rem;margin:0}
dt{color:var(--muted)}
dd{margin:0;min-width:0}
code{font:0.9em/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
label{display:block;font-weight:600;margin:0 0 .35rem}
.hint{color:var(--muted);font-size:.9rem;margin:.25rem 0 .75rem}
textarea{width:100%;min-height:7rem;padding:.5rem;font:inherit;border:1px solid #8c959f;border-radius:6px}
.actions{display:flex;gap:.75rem;flex-wrap:wrap;margin-top:.75rem}
button{font:inherit;font-weight:600;padding:.6rem 1.4rem;border-radius:6px;border:1px solid transparent;color:#fff;cursor:pointer}
button.approve{background:var(--ok)}
button.reject{background:var(--bad)}
button:focus-visible,textarea:focus-visible{outline:3px solid #0969da;outline-offset:2px}
.comment{white-space:pre-wrap;overflow-wrap:anywhere}
footer{color:var(--muted);font-size:.85rem}
`;

/** A complete, self-contained HTML document (no scripts, no external resources). */
export function renderDocument(title: string, main: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex, nofollow">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<main>${main}</main>`,
    '</body>',
    '</html>',
  ].join('\n');
}

/** `approved` or `rejected`, for a status or a decision. */
export function decidedWord(status: ApprovalStatus | 'approved' | 'rejected'): string {
  return status === 'APPROVED' || status === 'approved' ? 'approved' : status === 'REJECTED' || status === 'rejected' ? 'rejected' : 'pending';
}

function gateTable(evidence: ApprovalEvidence): string {
  const approved = typeof evidence.approvedValue === 'number' ? formatNumber(evidence.approvedValue) : 'none (no approved model yet)';
  return [
    '<table aria-describedby="gate-heading">',
    '<thead><tr><th scope="col">Gate metric</th><th scope="col">Candidate</th><th scope="col">Currently approved</th><th ' +
      'scope="col">Change</th></tr></thead>',
    `<tbody><tr class="gate"><th scope="row">${escapeHtml(evidence.metric)}</th>`,
    `<td class="num">${escapeHtml(formatNumber(evidence.candidateValue))}</td>`,
    `<td class="num">${escapeHtml(approved)}</td>`,
    `<td class="num">${escapeHtml(formatDelta(evidence.candidateValue, evidence.approvedValue))}</td></tr></tbody>`,
    '</table>',
  ].join('');
}

function metricsTable(evidence: ApprovalEvidence): string {
  const names = Object.keys(evidence.metrics ?? {}).sort();
  if (names.length === 0) return '<p>No metrics were reported.</p>';
  const rows = names.map((name) => {
    const gate = name === evidence.metric;
    return `<tr${gate ? ' class="gate"' : ''}><th scope="row">${escapeHtml(name)}${gate ? ' (gate)' : ''}</th><td ` +
      `class="num">${escapeHtml(formatNumber(evidence.metrics[name]))}</td></tr>`;
  });
  return `<table aria-describedby="metrics-heading"><thead><tr><th scope="col">Metric</th><th scope="col">Candidate ` +
    `value</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The evidence and the decision form of a pending request, for the approver of a verified link. */
export function renderEvidencePage(request: ApprovalRequest, link: LinkParameters): string {
  const { evidence } = request;
  const title = `Approve ${request.model} for ${request.environment}?`;
  const main = [
    `<h1>Approve model ${code(request.model)} for ${code(request.environment)}?</h1>`,
    `<p class="banner">Waiting for your decision as <strong>${escapeHtml(link.approver)}</strong>. The pipeline waits until ` +
      `${escapeHtml(formatTime(request.expiresAt))}; after that this link expires and the candidate is not promoted.</p>`,
    '<section class="card" aria-labelledby="deployment-heading">',
    '<h2 id="deployment-heading">What approving does</h2>',
    deploymentSection(request),
    '</section>',
    '<section class="card" aria-labelledby="gate-heading">',
    '<h2 id="gate-heading">Quality gate</h2>',
    gateTable(evidence),
    '</section>',
    '<section class="card" aria-labelledby="request-heading">',
    '<h2 id="request-heading">Request</h2>',
    definitions([
      ['Model', code(request.model)],
      ['Environment', code(request.environment)],
      ['Candidate model package', code(request.modelPackageArn)],
      ['Approved model package', evidence.approvedModelPackageArn ? code(evidence.approvedModelPackageArn) : 'none (no approved model yet)'],
      ['Requested at', escapeHtml(formatTime(request.requestedAt))],
      ['Expires at', escapeHtml(formatTime(request.expiresAt))],
      ['You are', `${escapeHtml(link.approver)}`],
      ['Approvers', (Array.isArray(request.approvers) ? request.approvers : []).map((a) => escapeHtml(a)).join(', ')],
      ['Request ID', code(request.requestId)],
    ]),
    '</section>',
    '<section class="card" aria-labelledby="metrics-heading">',
    '<h2 id="metrics-heading">All metrics of the candidate</h2>',
    metricsTable(evidence),
    '</section>',
    '<section class="card" aria-labelledby="provenance-heading">',
    '<h2 id="provenance-heading">Provenance</h2>',
    definitions([
      ['Triggered by', triggerHtml(request.trigger)],
      ['Evaluation data', request.evaluationDataUri ? code(request.evaluationDataUri) : 'not recorded with this request'],
      ['Training data', code(evidence.trainingDataUri)],
      ['Training data manifest', code(evidence.trainingDataManifestUri)],
      ['Training job', code(evidence.trainingJobArn)],
      ['Pipeline execution', code(request.executionArn)],
    ]),
    '</section>',
    '<section class="card" aria-labelledby="decision-heading">',
    '<h2 id="decision-heading">Your decision</h2>',
    // Relative action: the same path (with its stage or custom-domain prefix), without the query string.
    `<form method="post" action="./${escapeHtml(encodeURIComponent(request.requestId))}">`,
    `<input type="hidden" name="approver" value="${escapeHtml(link.approver)}">`,
    `<input type="hidden" name="expires" value="${escapeHtml(link.expires)}">`,
    `<input type="hidden" name="sig" value="${escapeHtml(link.sig)}">`,
    '<label for="comment">Comment (required)</label>',
    `<p class="hint" id="comment-hint">Why do you approve or reject this candidate? 1 to ${MAX_COMMENT_LENGTH} characters, recorded in the ` +
      `audit trail with your address.</p>`,
    `<textarea id="comment" name="comment" required minlength="1" maxlength="${MAX_COMMENT_LENGTH}" rows="5" ` +
      `aria-describedby="comment-hint"></textarea>`,
    '<div class="actions">',
    '<button type="submit" name="decision" value="approve" class="approve">Approve</button>',
    '<button type="submit" name="decision" value="reject" class="reject">Reject</button>',
    '</div>',
    '<p class="hint">The first decision is final: once an approver decides, the other approvers\' links show who decided.</p>',
    '</form>',
    '</section>',
    '<footer><p>This link is personal: do not forward it.</p></footer>',
  ].join('\n');
  return renderDocument(title, main);
}

function decisionSummary(request: ApprovalRequest, decision: ApprovalDecision): string {
  return definitions([
    ['Decision', `<strong>${escapeHtml(decidedWord(decision.decision))}</strong>`],
    ['Decided by', escapeHtml(decision.approver)],
    ['Decided at', escapeHtml(formatTime(decision.decidedAt))],
    ['Comment', `<span class="comment">${escapeHtml(decision.comment)}</span>`],
    ['Model', code(request.model)],
    ['Environment', code(request.environment)],
    ['Candidate model package', code(request.modelPackageArn)],
    ['Pipeline execution', code(request.executionArn)],
    ['Audit record', code(decision.recordUri)],
    ['Request ID', code(request.requestId)],
  ]);
}

/** The page after a decision reached the pipeline. */
export function renderConfirmationPage(request: ApprovalRequest, decision: ApprovalDecision): string {
  const word = decidedWord(decision.decision);
  const next =
    decision.decision === 'approved'
      ? 'The pipeline received your approval and continues with this candidate.'
      : 'The pipeline received your rejection: this candidate will not be promoted.';
  const main = [
    `<h1>You ${escapeHtml(word)} ${code(request.model)} for ${code(request.environment)}</h1>`,
    `<p class="banner ok" role="status">Decision recorded. ${escapeHtml(next)}</p>`,
    `<section class="card" aria-labelledby="decision-heading"><h2 id="decision-heading">Decision</h2>${decisionSummary(request, decision)}</section>`,
    '<footer><p>You can close this page. The decision is final and is kept in the audit trail.</p></footer>',
  ].join('\n');
  return renderDocument(`Decision recorded: ${word} ${request.model} (${request.environment})`, main);
}

/** A recorded decision the pipeline did not take (or may not have taken): a heading, a banner and the decision. */
function outcomePage(request: ApprovalRequest, decision: ApprovalDecision, heading: string, banner: string): string {
  const main = [
    `<h1>${escapeHtml(heading)}</h1>`,
    `<p class="banner bad" role="alert">${escapeHtml(banner)}</p>`,
    `<section class="card" aria-labelledby="decision-heading"><h2 id="decision-heading">Your recorded ` +
      `decision</h2>${decisionSummary(request, decision)}</section>`,
  ].join('\n');
  return renderDocument(heading, main);
}

/** Step Functions answered that the task is closed and no earlier delivery could have closed it (410). */
export function renderTimedOutPage(request: ApprovalRequest, decision: ApprovalDecision): string {
  return outcomePage(
    request,
    decision,
    'The approval gate timed out before your decision',
    'The pipeline had stopped waiting before your decision arrived (the approval gate timed out, or the run was stopped), ' +
      'so it did not receive it. ' +
      `Your decision (${decidedWord(decision.decision)}) and comment are recorded in the audit trail, but the candidate was not promoted by it. ` +
      'Run the pipeline again to request a new approval.',
  );
}

/** Step Functions answered that the task is closed after an earlier delivery got no answer: it cannot be told which (202). */
export function renderUnknownOutcomePage(request: ApprovalRequest, decision: ApprovalDecision): string {
  return outcomePage(
    request,
    decision,
    'Decision recorded; delivery not confirmed',
    `Your decision (${decidedWord(decision.decision)}) and comment are recorded in the audit trail. ` +
      'An earlier attempt to send it to the pipeline got no answer, and the pipeline is no longer waiting, ' +
      'so this page cannot tell whether the pipeline received it or had timed out first. The pipeline execution below shows which: ' +
      'after RequestApproval, ApprovalDecision means it received your decision; ApprovalTimedOut means the gate timed out. ' +
      'Submitting again changes nothing.',
  );
}

/** Step Functions refused the task token: the decision can never reach this pipeline run (500). */
export function renderUndeliverablePage(request: ApprovalRequest, decision: ApprovalDecision): string {
  return outcomePage(
    request,
    decision,
    'Decision recorded but not delivered',
    `Your decision (${decidedWord(decision.decision)}) and comment are recorded in the audit trail, ` +
      "but Step Functions refused this request's task token, so the pipeline cannot receive it. " +
      'Submitting again will not help: contact the platform team with the request ID.',
  );
}

/** A refusal or error: a heading and one clear sentence. */
export function renderMessagePage(statusCode: number, title: string, message: string): string {
  const main = [
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="banner bad" role="alert">${escapeHtml(message)}</p>`,
    `<footer><p>HTTP ${escapeHtml(statusCode)}. If you think this is wrong, contact the platform team with the time of this message.</p></footer>`,
  ].join('\n');
  return renderDocument(title, main);
}
