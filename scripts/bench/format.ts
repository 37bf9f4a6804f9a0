/** Output of the benchmark: Markdown tables and sections on stdout, progress on stderr, number formats. */

/** A table cell. */
export type Cell = string | number;

/** A Markdown table, columns padded; columns whose cells are all numbers are right-aligned. */
export function table(head: string[], rows: Cell[][]): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const numeric = head.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || /^[\d.,%x-]+$/.test(String(r[i]))));
  const width = head.map((_, i) => Math.max(3, ...cells.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (numeric[i] ? c.padStart(width[i]) : c.padEnd(width[i]))).join(' | ')} |`;
  const rule = `|${width.map((w, i) => (numeric[i] ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`;
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n');
}

/** Prints a Markdown section (title and blocks) to stdout. */
export function section(title: string, ...blocks: string[]): void {
  process.stdout.write(`\n## ${title}\n\n${blocks.join('\n\n')}\n`);
}

/** Prints a progress line to stderr. */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Milliseconds as seconds, one decimal. */
export const seconds = (ms: number): string => (ms / 1000).toFixed(1);
/** Bytes as KiB, one decimal. */
export const kib = (bytes: number): string => (bytes / 1024).toFixed(1);
/** `part` as a percentage of `whole`, one decimal. */
export const percent = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(1)}%`;
/** An integer with thousands separators. */
export const thousands = (n: number): string => n.toLocaleString('en-US');

/** The median of `values` (the mean of the middle two of an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
