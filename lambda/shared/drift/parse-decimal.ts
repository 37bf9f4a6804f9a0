/**
 * Exact fast parsing of plain decimal text, for the hot loops of the baseline step and the drift job.
 */

/** 10^0 … 10^22: the powers of ten a double holds exactly. */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * `text[start, end)` as a number, exactly as `Number()` reads it, without copying the text, for plain
 * decimals (`-12.5`, `0.001`, `7`): at most 15 significant digits and 22 decimals, no exponent, no
 * blank. Then the digits form an integer below 2^53 and 10^decimals is exact, so one IEEE division is
 * correctly rounded: the same double `Number()` gives (Clinger's fast path). Anything else returns
 * undefined, and the caller falls back to `Number()`.
 */
export function parseDecimal(text: string, start: number, end: number): number | undefined {
  if (start >= end) return undefined;
  let i = start;
  let negative = false;
  let c = text.charCodeAt(i);
  if (c === 45 /* - */ || c === 43 /* + */) {
    negative = c === 45;
    i++;
  }
  let mantissa = 0;
  let significant = 0;
  let decimals = 0;
  let digits = 0;
  let dot = false;
  for (; i < end; i++) {
    c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (mantissa !== 0 || c !== 48) significant++;
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      if (dot) decimals++;
    } else if (c === 46 /* . */ && !dot) {
      dot = true;
    } else {
      return undefined;
    }
  }
  if (digits === 0 || significant > 15 || decimals > 22) return undefined;
  const value = decimals === 0 ? mantissa : mantissa / POWERS_OF_TEN[decimals];
  return negative ? -value : value;
}
