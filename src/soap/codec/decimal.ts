/**
 * Exact decimal arithmetic on lexical forms, for xs:decimal and the integer types: bounds (xs:unsignedLong's max is
 * 18446744073709551615), totalDigits and fractionDigits, none of which survive a trip through a double.
 */

/** A decimal in parts: `int` without leading zeros, `frac` without trailing zeros; zero is never negative. */
export interface DecimalParts {
  readonly negative: boolean;
  readonly int: string;
  readonly frac: string;
}

export const DECIMAL_LEXICAL = /^([+-])?(?:(\d+)(?:\.(\d*))?|\.(\d+))$/;

/** Parses the xs:decimal lexical space (no exponent); undefined when the text is not one. */
export function parseDecimal(text: string): DecimalParts | undefined {
  const match = DECIMAL_LEXICAL.exec(text);
  if (match === null) return undefined;
  const int = (match[2] ?? '').replace(/^0+/, '');
  const frac = (match[3] ?? match[4] ?? '').replace(/0+$/, '');
  return { negative: match[1] === '-' && (int !== '' || frac !== ''), int, frac };
}

/** The canonical form: no '+', no leading or trailing zeros, "0" for zero. */
export function formatDecimal(value: DecimalParts): string {
  return (value.negative ? '-' : '') + (value.int === '' ? '0' : value.int) + (value.frac === '' ? '' : '.' + value.frac);
}

export function compareDecimal(a: DecimalParts, b: DecimalParts): number {
  if (a.negative !== b.negative) return a.negative ? -1 : 1;
  const sign = a.negative ? -1 : 1;
  if (a.int.length !== b.int.length) return a.int.length < b.int.length ? -sign : sign;
  if (a.int !== b.int) return a.int < b.int ? -sign : sign;
  const width = Math.max(a.frac.length, b.frac.length);
  const fa = a.frac.padEnd(width, '0');
  const fb = b.frac.padEnd(width, '0');
  if (fa === fb) return 0;
  return fa < fb ? -sign : sign;
}

/** Digits counted the way the totalDigits facet does: the value is i × 10^-n with |i| < 10^total and n ≤ total. */
export function totalDigits(value: DecimalParts): number {
  const significant = (value.int + value.frac).replace(/^0+/, '').length;
  return Math.max(significant, value.frac.length, 1);
}

/**
 * A finite double in plain decimal notation (xs:decimal has no exponent): String(1e21) is "1e+21" and
 * String(1e-7) is "1e-7", which a decimal field must not send.
 */
export function numberToDecimalText(value: number): string {
  const text = String(value);
  const e = text.indexOf('e');
  if (e === -1) return text;
  const negative = text.startsWith('-');
  const mantissa = text.slice(negative ? 1 : 0, e);
  const exponent = Number(text.slice(e + 1));
  const point = mantissa.indexOf('.');
  const digits = point === -1 ? mantissa : mantissa.slice(0, point) + mantissa.slice(point + 1);
  const position = (point === -1 ? mantissa.length : point) + exponent;
  let plain: string;
  if (position <= 0) plain = '0.' + '0'.repeat(-position) + digits;
  else if (position >= digits.length) plain = digits + '0'.repeat(position - digits.length);
  else plain = digits.slice(0, position) + '.' + digits.slice(position);
  return (negative ? '-' : '') + plain;
}
