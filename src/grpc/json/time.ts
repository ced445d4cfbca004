/**
 * Text forms of Timestamp, Duration and FieldMask, as pure functions on their fields.
 *
 * ProtoJSON: Timestamp "Uses RFC 3339, where generated output will always be Z-normalized and uses 0, 3, 6 or 9
 * fractional digits. Offsets other than "Z" are also accepted." Duration "Generated output always contains 0,
 * 3, 6, or 9 fractional digits, depending on required precision, followed by the suffix "s". Accepted are any
 * fractional digits (also none) as long as they fit into nano-seconds precision and the suffix "s" is
 * required." FieldMask paths are joined with "," and converted to lowerCamelCase.
 */

/** timestamp.proto: "Must be from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z inclusive." */
export const TIMESTAMP_MIN_SECONDS = -62_135_596_800n;
export const TIMESTAMP_MAX_SECONDS = 253_402_300_799n;
/** duration.proto: "Must be from -315,576,000,000 to +315,576,000,000 inclusive." */
export const DURATION_MAX_SECONDS = 315_576_000_000n;

/** Seconds and nanoseconds of a Timestamp or Duration. */
export interface SecondsNanos {
  readonly seconds: bigint;
  readonly nanos: number;
}

/** 0, 3, 6 or 9 fractional digits, the fewest that keep every nanosecond. */
function fraction(nanos: number): string {
  if (nanos === 0) return '';
  const nine = String(nanos).padStart(9, '0');
  if (nine.endsWith('000000')) return `.${nine.slice(0, 3)}`;
  if (nine.endsWith('000')) return `.${nine.slice(0, 6)}`;
  return `.${nine}`;
}

/** Formats a Timestamp, or returns undefined when it is outside the range the mapping allows. */
export function formatTimestamp({ seconds, nanos }: SecondsNanos): string | undefined {
  if (seconds < TIMESTAMP_MIN_SECONDS || seconds > TIMESTAMP_MAX_SECONDS) return undefined;
  if (!Number.isInteger(nanos) || nanos < 0 || nanos > 999_999_999) return undefined;
  const iso = new Date(Number(seconds) * 1000).toISOString(); // YYYY-MM-DDTHH:MM:SS.000Z for years 1..9999
  return `${iso.slice(0, 19)}${fraction(nanos)}Z`;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** Parses an RFC 3339 timestamp; a string says why it is not one. */
export function parseTimestamp(text: string): SecondsNanos | string {
  const m = TIMESTAMP.exec(text);
  if (m === null) return 'not an RFC 3339 timestamp';
  const [, y, mo, d, h, mi, s, frac = '', sign, oh = '0', om = '0'] = m;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [
    number, number, number, number, number, number,
  ];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // not Date.UTC, which maps years 0..99 to 1900..1999
  date.setUTCHours(hour, minute, second, 0);
  if (
    month < 1 || month > 12 || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59 || Number(oh) > 23 || Number(om) > 59
  ) {
    return 'not a valid date and time';
  }
  const offset = sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 3600 + Number(om) * 60);
  const seconds = BigInt(date.getTime() / 1000 - offset);
  if (seconds < TIMESTAMP_MIN_SECONDS || seconds > TIMESTAMP_MAX_SECONDS) {
    return 'outside 0001-01-01T00:00:00Z..9999-12-31T23:59:59Z';
  }
  return { seconds, nanos: Number(frac.padEnd(9, '0')) };
}

/** Formats a Duration, or returns undefined when out of range or when seconds and nanos disagree in sign. */
export function formatDuration({ seconds, nanos }: SecondsNanos): string | undefined {
  if (seconds < -DURATION_MAX_SECONDS || seconds > DURATION_MAX_SECONDS) return undefined;
  if (!Number.isInteger(nanos) || Math.abs(nanos) > 999_999_999) return undefined;
  if ((seconds > 0n && nanos < 0) || (seconds < 0n && nanos > 0)) return undefined;
  const negative = seconds < 0n || nanos < 0;
  const abs = seconds < 0n ? -seconds : seconds;
  return `${negative ? '-' : ''}${abs}${fraction(Math.abs(nanos))}s`;
}

const DURATION = /^(-?)(\d+)(?:\.(\d{1,9}))?s$/;

/** Parses `"1.5s"`, `"-0.001s"`; a string says why it is not a duration. */
export function parseDuration(text: string): SecondsNanos | string {
  const m = DURATION.exec(text);
  if (m === null) return 'not a duration such as "1.5s"';
  const [, sign, whole = '0', frac = ''] = m;
  const abs = BigInt(whole);
  if (abs > DURATION_MAX_SECONDS) return 'outside ±315576000000s';
  const nanos = Number(frac.padEnd(9, '0'));
  return sign === '-' ? { seconds: -abs, nanos: nanos === 0 ? 0 : -nanos } : { seconds: abs, nanos };
}

const SNAKE_SEGMENT = /^[a-z0-9]*(?:_[a-z][a-z0-9]*)*$/;

/**
 * snake_case proto path → lowerCamelCase JSON path; undefined when the conversion would not round-trip
 * (uppercase letters, `__`, `_` before a digit or at the end), which the conformance suite requires to fail.
 */
export function fieldMaskPathToJson(path: string): string | undefined {
  const segments = path.split('.');
  for (const segment of segments) if (!SNAKE_SEGMENT.test(segment)) return undefined;
  return segments.map((s) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())).join('.');
}

const CAMEL_PATH = /^[a-z][A-Za-z0-9]*(?:\.[a-z][A-Za-z0-9]*)*$/;

/** lowerCamelCase JSON path → snake_case proto path; undefined when it is not a valid JSON path (has `_`). */
export function fieldMaskPathFromJson(path: string): string | undefined {
  if (!CAMEL_PATH.test(path)) return undefined;
  return path.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
