import type { CloudTrailReference } from '../../contracts/lineage';
import type { Format } from './args';
import { AuditReport, ChainLink, Finding, HistoryEntry } from './report';

/** The report in the requested format. */
export function render(report: AuditReport, format: Format): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'html':
      return renderHtml(report);
    default:
      return renderText(report);
  }
}

/** `1 error, 2 warnings`, or `no findings`. */
export function summarise(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'no findings';
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  return [errors && `${errors} error${errors === 1 ? '' : 's'}`, warnings && `${warnings} warning${warnings === 1 ? '' : 's'}`]
    .filter(Boolean)
    .join(', ');
}

function heading(report: AuditReport): { title: string; scope: string } {
  const s = report.subject;
  return {
    title: `Lineage audit: ${s.model} in ${s.environment}`,
    scope: s.endpointName
      ? `Endpoint ${s.endpointName}, ${s.at ? `at ${s.at}` : `now (${report.generatedAt})`}`
      : `No deployment recorded: the latest approved model package (${report.generatedAt})`,
  };
}

function historyLine(h: HistoryEntry): string {
  const what = h.source === 'record' ? `record ${h.what}` : `CloudTrail ${h.what}`;
  const status = h.failed
    ? `failed: ${h.failed}`
    : h.source === 'cloudtrail' && h.explained === false
      ? 'NO RECORD'
      : h.source === 'cloudtrail' && h.explained
        ? 'recorded'
        : '';
  return [
    h.time,
    what,
    h.endpointConfigName ?? '-',
    h.by ? `by ${h.by}` : '',
    status && `(${status})`,
    h.servingAfter !== undefined ? `-> serving ${h.servingAfter}` : '-> serving nothing',
  ]
    .filter(Boolean)
    .join('  ');
}

function referenceLine(r: CloudTrailReference): string {
  return [
    r.eventName,
    r.eventSource,
    r.resourceName,
    r.eventTime ? `${r.eventTime}${r.timeSource ? ` (${r.timeSource})` : ''}` : '',
    r.requestId ? `request ${r.requestId}` : '',
    r.dataEvent ? 'S3 data event: trail log files and log group only' : '',
  ]
    .filter(Boolean)
    .join('  ');
}

/** Plain text for a terminal: the chain, the history, the findings with their explanations, notes and CloudTrail pointers. */
export function renderText(report: AuditReport): string {
  const { title, scope } = heading(report);
  const lines: string[] = [
    title,
    scope,
    `Read by ${report.readBy.arn} (account ${report.readBy.account}, ${report.readBy.region}); ` +
      `${report.records.total} lineage records of ${report.records.executions} ` +
      `executions under s3://${report.subject.auditBucket}/` +
      `${report.subject.lineagePrefix}`,
    '',
  ];
  lines.push('Chain');
  const width = Math.max(...report.chain.map((l) => l.title.length), 10);
  for (const link of report.chain) {
    const mark = link.status === 'ok' ? '[ok]     ' : link.status === 'flagged' ? '[FLAGGED]' : '[MISSING]';
    lines.push(`  ${mark} ${link.title.padEnd(width)}  ${link.name}`);
    for (const f of link.facts) lines.push(`  ${' '.repeat(9)} ${' '.repeat(width)}    ${f.label}: ${f.value}`);
  }
  if (report.history.length > 0) {
    lines.push('', 'Configuration history (oldest first)');
    for (const h of report.history) lines.push(`  ${historyLine(h)}`);
  }
  lines.push('', `Findings: ${summarise(report.findings)}`);
  for (const f of report.findings) {
    lines.push(`  ${f.severity.toUpperCase()} ${f.code}${f.step ? ` (${report.chain.find((l) => l.step === f.step)?.title ?? f.step})` : ''}`);
    lines.push(`    ${f.message}`);
    lines.push(`    Why it matters: ${f.explanation}`);
  }
  if (report.notes.length > 0) {
    lines.push('', 'Notes');
    for (const n of report.notes) lines.push(`  - ${n}`);
  }
  if (report.cloudTrail.length > 0) {
    lines.push('', 'CloudTrail evidence (see docs/auditing.md, "Finding the CloudTrail events")');
    for (const r of report.cloudTrail) lines.push(`  ${referenceLine(r)}`);
  }
  lines.push(
    '',
    report.findings.length === 0
      ? 'Result: no findings, the chain is complete and consistent (exit 0).'
      : `Result: ${summarise(report.findings)} (exit 1).`,
  );
  return `${lines.join('\n')}\n`;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const CSS = `
:root { color-scheme: light; --ok: #1a7f37; --bad: #b42318; --warn: #9a6700; --line: #d0d7de; --muted: #57606a; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1f2328; background: #f6f8fa; }
main { max-width: 1100px; margin: 0 auto; padding: 24px; background: #fff; min-height: 100vh; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.scope { font-size: 16px; margin: 0 0 4px; } .meta { color: var(--muted); margin: 0; overflow-wrap: anywhere; }
.verdict { margin: 16px 0; padding: 12px 16px; border-radius: 6px; font-weight: 600; }
.verdict.clean { background: #dafbe1; color: var(--ok); } .verdict.findings { background: #ffebe9; color: var(--bad); }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; vertical-align: top; padding: 6px 8px; \
border-bottom: 1px solid var(--line); }
th[scope=row] { width: 190px; } td.name { overflow-wrap: anywhere; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; }
dl { margin: 0; display: grid; grid-template-columns: 11em 1fr; gap: 2px 12px; } dt { color: var(--muted); } dd { margin: 0; \
overflow-wrap: anywhere; }
.status { font-weight: 600; white-space: nowrap; } tr.ok .status { color: var(--ok); } tr.flagged .status, tr.missing .status { color: var(--bad); }
tr.flagged, tr.missing { background: #fff5f5; }
ul.findings { list-style: none; padding: 0; } ul.findings li { border-left: 4px solid var(--bad); background: #fff5f5; padding: 8px 12px; \
margin: 8px 0; }
ul.findings li.warning { border-color: var(--warn); background: #fff8c5; } .code { font-family: ui-monospace, monospace; font-weight: 600; }
.why { color: var(--muted); margin: 4px 0 0; } .history td, .evidence td { font-size: 13px; overflow-wrap: anywhere; } \
.unrecorded { color: var(--bad); font-weight: 600; }
`;

function chainRow(link: ChainLink): string {
  const status = link.status === 'ok' ? 'ok' : link.status === 'flagged' ? 'flagged' : 'missing';
  const facts =
    link.facts.length === 0 ? '' : `<dl>${link.facts.map((f) => `<dt>${escapeHtml(f.label)}</dt><dd>${escapeHtml(f.value)}</dd>`).join('')}</dl>`;
  return (
    `<tr class="${status}"><th scope="row">${escapeHtml(link.title)}</th><td ` +
    `class="status">${status}</td><td class="name">${escapeHtml(link.name)}</td><td>${facts}</td></tr>`
  );
}

/**
 * One self-contained HTML file: inline CSS, no script, nothing loaded from elsewhere (the document's
 * Content-Security-Policy forbids it), every value escaped.
 */
export function renderHtml(report: AuditReport): string {
  const { title, scope } = heading(report);
  const e = escapeHtml;
  const verdict =
    report.findings.length === 0
      ? '<p class="verdict clean" role="status">No findings: the chain is complete and consistent.</p>'
      : `<p class="verdict findings" role="status">Findings: ${e(summarise(report.findings))}.</p>`;
  const findings =
    report.findings.length === 0
      ? '<p>None.</p>'
      : `<ul class="findings">${report.findings
          .map(
            (f) =>
              `<li class="${f.severity}">` +
              `<span class="code">${e(f.severity.toUpperCase())} ${e(f.code)}</span>` +
              `${f.step ? ` (${e(report.chain.find((l) => l.step === f.step)?.title ?? f.step)})` : ''}` +
              `<p>${e(f.message)}</p><p class="why">Why it matters: ${e(f.explanation)}</p></li>`,
          )
          .join('')}</ul>`;
  const history =
    report.history.length === 0
      ? '<p>No configuration change is known.</p>'
      : '<table class="history"><thead><tr><th>Time (UTC)</th><th>Source</th><th>What</th><th>Configuration</th><th>By</th>' +
        `<th>Serving after</th></tr></thead><tbody>${report.history
          .map(
            (h) =>
              `<tr>` +
              `<td>${e(h.time)}</td><td>` +
              `${h.source === 'record' ? 'lineage record' : 'CloudTrail'}</td><td>${e(h.what)}` +
              `${h.failed ? ` (failed: ${e(h.failed)})` : ''}` +
              `${h.source === 'cloudtrail' && h.explained === false && !h.failed ? ' <span class="unrecorded">no record</span>' : ''}</td>` +
              `<td>${e(h.endpointConfigName ?? '')}</td><td>${e(h.by ?? '')}</td><td>${e(h.servingAfter ?? 'nothing')}</td></tr>`,
          )
          .join('')}</tbody></table>`;
  const evidence =
    report.cloudTrail.length === 0
      ? '<p>None recorded.</p>'
      : '<table class="evidence"><thead><tr><th>Event</th><th>Source</th><th>Resource</th><th>Time</th>' +
        `<th>Request ID</th></tr></thead><tbody>${report.cloudTrail
          .map(
            (r) =>
              `<tr>` +
              `<td>${e(r.eventName)}${r.dataEvent ? ' (S3 data event)' : ''}</td><td>${e(r.eventSource)}</td><td>${e(r.resourceName)}</td>` +
              `<td>${e(r.eventTime ?? '')}${r.timeSource ? `<br>${e(r.timeSource)}` : ''}</td><td>${e(r.requestId ?? '')}</td></tr>`,
          )
          .join('')}</tbody></table>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="mlops-audit (report version ${report.reportVersion})">
<title>${e(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>${e(title)}</h1>
<p class="scope">${e(scope)}</p>
<p class="meta">Read by ${e(report.readBy.arn)} (account ${e(report.readBy.account)}, ${e(report.readBy.region)}) \
at ${e(report.generatedAt)}; ${e(report.records.total)} lineage records of ${e(report.records.executions)} executions \
under s3://${e(report.subject.auditBucket)}/${e(report.subject.lineagePrefix)}</p>
${verdict}
<section aria-labelledby="chain-heading"><h2 id="chain-heading">Chain, from the endpoint back to the data</h2>
<table class="chain"><thead><tr><th>Link</th><th>Status</th><th>Identity</th><th>Facts</th></tr></thead><tbody>
${report.chain.map(chainRow).join('\n')}
</tbody></table>
</section>
<section aria-labelledby="findings-heading"><h2 id="findings-heading">Findings (${report.findings.length})</h2>${findings}</section>
<section aria-labelledby="history-heading"><h2 id="history-heading">Configuration history</h2>${history}</section>
${
  report.notes.length
    ? `<section aria-labelledby="notes-heading"><h2 id="notes-heading">Notes</h2><ul>` +
      `${report.notes.map((n) => `<li>${e(n)}</li>`).join('')}</ul></section>`
    : ''
}
<section aria-labelledby="evidence-heading"><h2 id="evidence-heading">CloudTrail evidence</h2>${evidence}</section>
</main>
</body>
</html>
`;
}
