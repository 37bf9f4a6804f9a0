/**
 * The estimate as text tables (for people) or JSON (for tools).
 */
import { Estimate, Figures } from './estimate';
import { LineItem, usd } from './line-item';

/** What the text report shows beyond the tables. */
export interface TextOptions {
  /** Print how each line was computed. */
  readonly details?: boolean;
}

type Cell = string;

function table(header: Cell[], rows: Cell[][], rightAligned: ReadonlySet<number>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const render = (row: Cell[]): string =>
    row
      .map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [
    render(header),
    widths
      .map((w) => '-'.repeat(w))
      .join('  ')
      .trimEnd(),
    ...rows.map(render),
  ];
}

function money(amount: number | null): string {
  return amount === null ? 'not priced' : usd(amount);
}

function pair(f: Figures): string {
  return `${usd(f.idle)} / ${usd(f.load)}`;
}

function lineMark(line: LineItem): string {
  return line.unconfirmed ? '*' : '';
}

/** The estimate as text: per-stack and per-model tables, line items, warnings and assumptions. */
export function renderText(e: Estimate, options: TextOptions = {}): string {
  const out: string[] = [];
  const runs = e.load.trainingRunsPerMonth;
  out.push(`Estimated monthly AWS cost of environment "${e.environment}" (${e.currency}, ${e.pricesFile} dated ${e.pricesDate})`);
  out.push(e.regionNote);
  out.push('');

  out.push('Per stack');
  const stackRows = e.stacks.map((s) => [s.stack, usd(s.idle), usd(s.load), s.unpriced ? `${s.unpriced} item(s) not priced` : '']);
  stackRows.push(['total', usd(e.totals.idle), usd(e.totals.load), e.totals.unpriced ? `${e.totals.unpriced} item(s) not priced` : '']);
  stackRows.push(['per day', usd(e.totals.idlePerDay), usd(e.totals.loadPerDay), '']);
  out.push(...table(['stack', 'idle/month', 'at load/month', ''], stackRows, new Set([1, 2])).map((l) => `  ${l}`));
  out.push('');

  if (e.models.length > 0) {
    out.push(`Per model (idle / at load per month; jobs at ${runs} pipeline run(s) a month)`);
    const modelRows = e.models.map((m) => [
      m.model,
      pair(m.resources),
      m.servingNote && m.serving.idle === 0 && m.serving.load === 0 ? m.servingNote : pair(m.serving),
      usd(m.trainingPerRun),
      usd(m.training.load),
      pair(m.total),
    ]);
    out.push(
      ...table(['model', 'stack resources', 'serving', 'jobs per run', 'jobs/month', 'total'], modelRows, new Set([3, 4])).map((l) => `  ${l}`),
    );
    out.push('');
  }

  out.push(`Line items (idle / at load per month${e.lines.some((l) => l.unconfirmed) ? '; * = uses an unconfirmed price' : ''})`);
  for (const s of e.stacks) {
    out.push(`  ${s.stack}`);
    const own = e.lines.filter((l) => l.stack === s.stack);
    const rows = own.map((l) => [`${l.id}${lineMark(l)}`, l.description, money(l.idle), money(l.load)]);
    const rendered = table(['item', 'what', 'idle', 'at load'], rows, new Set([2, 3]));
    out.push(...rendered.slice(0, 2).map((l) => `    ${l}`));
    rendered.slice(2).forEach((l, i) => {
      out.push(`    ${l}`);
      if (options.details) out.push(`        ${own[i].detail}`);
    });
    for (const note of e.stackNotes[s.stack] ?? []) out.push(`    note: ${note}`);
  }
  out.push('');

  if (e.notPriced.length > 0) {
    out.push('Resource types without a price (not counted; check whether they cost anything):');
    for (const n of e.notPriced) out.push(`  - ${n.type} x ${n.count} (${n.stacks.join(', ')})`);
    out.push('');
  }
  if (e.warnings.length > 0) {
    out.push('Warnings:');
    for (const w of e.warnings) out.push(`  - ${w}`);
    out.push('');
  }
  out.push('Assumptions:');
  for (const a of e.assumptions) out.push(`  - ${a}`);
  if (!options.details) out.push('  - Run with --details for how each line was computed, or --format json for everything.');
  return `${out.join('\n')}\n`;
}

/** The estimate as JSON (every line with its formula). */
export function renderJson(e: Estimate): string {
  return `${JSON.stringify(e, null, 2)}\n`;
}
