import type { H1ParseReason } from './errors.js';

/**
 * Header field syntax shared by the response parser and the request serialiser (RFC 9110 §5, RFC 9112 §5).
 * Everything scans char codes: no regular expressions on the per-request path.
 */

/**
 * Header fields of a response or its trailers. Names are lower-case. `set-cookie` is always an array (one element
 * per field line: its values cannot be combined, RFC 9110 §5.3); any other repeated field is combined into one
 * value joined with ", " (RFC 9110 §5.3), the form node's `IncomingMessage.headers` uses. The object has a null
 * prototype, so names such as `__proto__` or `constructor` are plain fields.
 */
export type ResponseHeaders = Record<string, string | string[]>;

const HTAB = 9;
const SP = 32;
const COLON = 58;

/** tchar (RFC 9110 §5.6.2): 1 for the characters a token (field name, method) may contain. */
const TCHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  TCHAR[c] = alnum || "!#$%&'*+-.^_`|~".includes(String.fromCharCode(c)) ? 1 : 0;
}

/** An empty, frozen field map: the trailers of every response that has none. */
export const NO_FIELDS: ResponseHeaders = Object.freeze(createFieldMap());

/** A new, empty field map (null prototype). */
export function createFieldMap(): ResponseHeaders {
  return Object.create(null) as ResponseHeaders;
}

/** True when `value` is a non-empty token (RFC 9110 §5.6.2): a valid method or field name. */
export function isToken(value: string): boolean {
  const length = value.length;
  if (length === 0) return false;
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i);
    if (c > 127 || TCHAR[c] === 0) return false;
  }
  return true;
}

/**
 * True when `value` may be sent as a field value: HTAB, SP, VCHAR and obs-text only (RFC 9110 §5.5). Rejects CR,
 * LF and NUL (header injection, RFC 9110 §5.5 ¶5) and anything that does not fit in one latin1 byte.
 */
export function isSafeFieldValue(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < SP && c !== HTAB) || c === 127 || c > 255) return false;
  }
  return true;
}

/** Adds one field line's value to `fields` following the combination rule of {@link ResponseHeaders}. */
export function addField(fields: ResponseHeaders, name: string, value: string): void {
  const existing = fields[name];
  if (existing === undefined) fields[name] = name === 'set-cookie' ? [value] : value;
  else if (typeof existing === 'string') fields[name] = `${existing}, ${value}`;
  else existing.push(value);
}

/**
 * Parses field lines (`name: value`, separated by CRLF, the last one without CRLF) of `text` from `from` to its
 * end into `fields`.
 * @returns undefined, or why the section is invalid
 */
export function parseFieldLines(text: string, from: number, fields: ResponseHeaders): H1ParseReason | undefined {
  const end = text.length;
  let pos = from;
  while (pos < end) {
    let eol = text.indexOf('\r\n', pos);
    if (eol === -1) eol = end;
    const first = text.charCodeAt(pos);
    // RFC 9112 §5.2: a proxy must reject (502) or unfold obs-fold in a response; we reject. A whitespace-led first
    // line (RFC 9112 §2.2) is rejected the same way.
    if (first === SP || first === HTAB) return 'obs-fold';
    let i = pos;
    let upper = false;
    for (; i < eol; i++) {
      const c = text.charCodeAt(i);
      if (c === COLON) break;
      if (c > 127 || TCHAR[c] === 0) return 'bad-header-name'; // includes whitespace before ':' (RFC 9112 §5.1)
      if (c >= 65 && c <= 90) upper = true;
    }
    if (i === pos || i === eol) return 'bad-header-name';
    const raw = text.slice(pos, i);
    const name = upper ? raw.toLowerCase() : raw;
    // field-line = field-name ":" OWS field-value OWS (RFC 9112 §5): trim the optional whitespace.
    let start = i + 1;
    while (start < eol && isOws(text.charCodeAt(start))) start++;
    let stop = eol;
    while (stop > start && isOws(text.charCodeAt(stop - 1))) stop--;
    for (let j = start; j < stop; j++) {
      const c = text.charCodeAt(j);
      // A bare CR or LF (RFC 9112 §2.2) or any other CTL except HTAB is invalid in a field value (RFC 9110 §5.5).
      if ((c < SP && c !== HTAB) || c === 127) return 'bad-header-value';
    }
    addField(fields, name, text.slice(start, stop));
    pos = eol + 2;
  }
  return undefined;
}

function isOws(c: number): boolean {
  return c === SP || c === HTAB;
}
