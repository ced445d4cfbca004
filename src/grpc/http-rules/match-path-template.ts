import { percentDecode } from './percent-decode.js';
import type { PathTemplate } from './path-template.js';

/** One path variable's value, decoded per http.proto's rules. */
export interface PathBinding {
  readonly fieldPath: string;
  readonly value: string;
}

/** Result of {@link matchPathTemplate}. */
export type PathMatch =
  | { readonly matched: true; readonly bindings: readonly PathBinding[] }
  | { readonly matched: false }
  /** The path matches but a variable's value is not valid percent-encoded UTF-8 (a 400). */
  | { readonly matched: false; readonly fieldPath: string; readonly error: string };

/** Options of {@link matchPathTemplate}. */
export interface MatchOptions {
  /**
   * google.api.Http.fully_decode_reserved_expansion. http.proto: "When set to true, URL path
   * parameters will be fully URI-decoded except in cases of single segment matches in reserved
   * expansion, where "%2F" will be left encoded. The default behavior is to not decode RFC 6570
   * reserved characters in multi segment matches."
   */
  readonly fullyDecodeReservedExpansion?: boolean;
}

/** RFC 6570 §1.5 reserved = gen-delims / sub-delims, the set Envoy's transcoder keeps encoded too. */
const RESERVED = new Set([...":/?#[]@!$&'()*+,;="].map((ch) => ch.charCodeAt(0)));
const SLASH = 0x2f;
const keepReserved = (byte: number): boolean => RESERVED.has(byte);
const keepSlash = (byte: number): boolean => byte === SLASH;

/**
 * Matches a request path (without its query string) against a parsed template and binds its
 * variables. Matching is done on the raw, still-encoded path: a `%2F` never splits a segment,
 * and literals compare with the encoded text (http.proto: reserved characters in a LITERAL
 * "should be percent-encoded before the matching"). Then each value is decoded:
 *
 * - single-segment variables (`{var}`, `{var=*}`) are decoded completely. http.proto: "all
 *   characters except `[-_.~0-9a-zA-Z]` are percent-encoded. The server side does the reverse
 *   decoding." So `a%2Fb` binds `a/b`, as one segment.
 * - `**` matches zero or more non-empty segments (`/v1/files/{path=**}` binds `""` for `/v1/files`, and nothing
 *   matches `/v1/files/`); followed by a verb it needs at least one.
 * - multi-segment variables (`{var=foo/*}`, `{var=**}`) keep their `/` separators. By default
 *   RFC 6570 reserved characters stay encoded ("The default behavior is to not decode RFC 6570
 *   reserved characters in multi segment matches", google.api.Http); with
 *   `fullyDecodeReservedExpansion` everything is decoded except that "%2F" and "%2f" are left
 *   unchanged (HttpRule: "The server side does the reverse decoding, except "%2F" and "%2f" are
 *   left unchanged").
 */
export function matchPathTemplate(template: PathTemplate, path: string, options: MatchOptions = {}): PathMatch {
  const noMatch: PathMatch = { matched: false };
  if (!path.startsWith('/')) return noMatch;
  const parts = path === '/' ? [] : path.slice(1).split('/');
  if (template.verb !== undefined) {
    const last = parts.at(-1);
    const suffix = `:${template.verb}`;
    if (last === undefined || !last.endsWith(suffix)) return noMatch;
    parts[parts.length - 1] = last.slice(0, -suffix.length);
  }
  const { segments } = template;
  const deep = segments.at(-1)?.kind === 'any-deep';
  const fixed = deep ? segments.length - 1 : segments.length;
  if (deep ? parts.length < fixed : parts.length !== fixed) return noMatch;
  // The verb ends the last segment `**` matched, so with a verb `**` needs one: `/v1:undelete` is not
  // `/v1/{name=**}:undelete` with an empty name (the router draws the same line).
  if (deep && template.verb !== undefined && parts.length === fixed) return noMatch;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    const segment = segments[Math.min(i, segments.length - 1)];
    // An empty segment (`//`, a trailing `/`) matches nothing: `*` and `**` match segments.
    if (part === '' || segment === undefined) return noMatch;
    if (segment.kind === 'literal' && segment.value !== part) return noMatch;
  }

  const multiSegmentKeep = options.fullyDecodeReservedExpansion === true ? keepSlash : keepReserved;
  const bindings: PathBinding[] = [];
  for (const variable of template.variables) {
    const end = deep && variable.end === segments.length ? parts.length : variable.end;
    const raw = parts.slice(variable.start, end).join('/');
    const value = percentDecode(raw, variable.multiSegment ? multiSegmentKeep : undefined);
    if (typeof value !== 'string') return { matched: false, fieldPath: variable.fieldPath, error: `${value.error} in path variable "${variable.fieldPath}"` };
    bindings.push({ fieldPath: variable.fieldPath, value });
  }
  return { matched: true, bindings };
}
