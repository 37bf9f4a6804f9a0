/**
 * Escaping and formatting shared by the approval page's HTML (render.ts, render-context.ts). Pure functions, no I/O.
 */

/** Escapes `& < > " '` so that any value is inert in HTML text and in quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Up to 6 significant digits, without floating-point noise (as in the approval e-mail). */
export function formatNumber(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? String(Number(value.toPrecision(6))) : String(value);
}

/** `+0.02 (+2.25 %)`: the candidate's change from the approved value; `n/a` when there is none. */
export function formatDelta(candidate: number, approved: number | undefined): string {
  if (typeof approved !== 'number' || !Number.isFinite(approved) || !Number.isFinite(candidate)) return 'n/a';
  // Differences below the operands' floating-point resolution are noise (0.3 - (0.1 + 0.2)): zero.
  const raw = candidate - approved;
  const delta = Math.abs(raw) < Math.max(Math.abs(candidate), Math.abs(approved)) * 1e-12 ? 0 : Number(raw.toPrecision(6));
  const sign = delta > 0 ? '+' : '';
  const absolute = `${sign}${formatNumber(delta)}`;
  if (approved === 0) return absolute;
  const relative = Number(((delta / Math.abs(approved)) * 100).toFixed(2));
  return `${absolute} (${relative > 0 ? '+' : ''}${relative} %)`;
}

/** `2026-11-22 09:00:00 UTC` from an ISO time or epoch seconds. */
export function formatTime(value: string | number | undefined): string {
  if (value === undefined) return 'unknown';
  const date = typeof value === 'number' ? new Date(value * 1000) : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `10 min`, `45 s`, `1 h 30 min` from seconds. */
export function formatSeconds(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const parts = [h ? `${h} h` : '', m ? `${m} min` : '', s || seconds === 0 ? `${s} s` : ''].filter(Boolean);
  return parts.join(' ');
}

/** A value as escaped inline code. */
export function code(value: unknown): string {
  return `<code>${escapeHtml(value)}</code>`;
}

/** A definition list of terms (escaped) and HTML descriptions (already escaped). */
export function definitions(rows: ReadonlyArray<readonly [string, string]>): string {
  return `<dl>${rows.map(([term, html]) => `<dt>${escapeHtml(term)}</dt><dd>${html}</dd>`).join('')}</dl>`;
}
