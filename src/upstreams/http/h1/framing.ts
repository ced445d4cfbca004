/**
 * Field-value and start-line grammar the response parser needs for framing (RFC 9112 §4, §6; RFC 9110 §8.6),
 * scanned by char code.
 */

const HTAB = 9;

/**
 * status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4), HTTP-version = "HTTP/1." DIGIT
 * (RFC 9112 §2.3). The second SP is accepted missing when the reason is empty; the reason may not contain CTLs.
 * @param eol length of the status line within `text`
 * @returns the status code (100–999), or -1 when the line is invalid
 */
export function parseStatusLine(text: string, eol: number): number {
  if (
    eol < 12 ||
    !text.startsWith('HTTP/1.') ||
    !isDigit(text.charCodeAt(7)) ||
    text.charCodeAt(8) !== 32 ||
    !isDigit(text.charCodeAt(9)) ||
    !isDigit(text.charCodeAt(10)) ||
    !isDigit(text.charCodeAt(11)) ||
    (eol > 12 && text.charCodeAt(12) !== 32)
  ) {
    return -1;
  }
  for (let i = 13; i < eol; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== HTAB) || c === 127) return -1;
  }
  const status = (text.charCodeAt(9) - 48) * 100 + (text.charCodeAt(10) - 48) * 10 + text.charCodeAt(11) - 48;
  return status < 100 ? -1 : status;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Content-Length = 1*DIGIT (RFC 9110 §8.6), possibly repeated as a list of identical values.
 * @returns the length, -1 when invalid, -2 when values differ
 */
export function parseContentLength(value: string): number {
  let result = -1;
  let current = -1;
  let i = 0;
  const n = value.length;
  for (;;) {
    while (i < n && isOws(value.charCodeAt(i))) i++;
    current = -1;
    for (; i < n; i++) {
      const c = value.charCodeAt(i);
      if (!isDigit(c)) break;
      current = (current < 0 ? 0 : current * 10) + c - 48;
      if (current > Number.MAX_SAFE_INTEGER) return -1;
    }
    while (i < n && isOws(value.charCodeAt(i))) i++;
    if (current < 0 || (i < n && value.charCodeAt(i) !== 44)) return -1;
    if (result >= 0 && current !== result) return -2;
    result = current;
    if (i === n) return result;
    i++; // ','
  }
}

/** @returns 1 when `chunked` is the final coding, 0 when absent, -1 when applied twice or the list is empty. */
export function chunkedLast(value: string): number {
  if (value === 'chunked') return 1;
  let count = 0;
  let last = '';
  for (const item of value.split(',')) {
    const coding = item.trim().toLowerCase();
    if (coding === '') continue; // empty list elements are allowed (RFC 9110 §5.6.1)
    if (coding === 'chunked') count++;
    last = coding;
  }
  // RFC 9112 §6.1: a sender must not apply chunked more than once.
  if (last === '' || count > 1) return -1;
  return last === 'chunked' ? 1 : 0;
}

/** Connection options (RFC 9110 §7.6.1): `close` wins; HTTP/1.0 persists only with `keep-alive` (RFC 9112 §9.3). */
export function persistent(value: string, http10: boolean): boolean {
  if (value === 'keep-alive') return true;
  if (value === 'close') return false;
  let keepAlive = false;
  for (const item of value.split(',')) {
    const option = item.trim().toLowerCase();
    if (option === 'close') return false;
    if (option === 'keep-alive') keepAlive = true;
  }
  return http10 ? keepAlive : true;
}

function isOws(c: number): boolean {
  return c === 32 || c === HTAB;
}
