/**
 * google.api.http path templates, parsed once at load. The grammar is http.proto's:
 *
 *     Template = "/" Segments [ Verb ] ;
 *     Segments = Segment { "/" Segment } ;
 *     Segment  = "*" | "**" | LITERAL | Variable ;
 *     Variable = "{" FieldPath [ "=" Segments ] "}" ;
 *     FieldPath = IDENT { "." IDENT } ;
 *     Verb     = ":" LITERAL ;
 */

/** One segment of a template with variables flattened away. */
export type TemplateSegment =
  | { readonly kind: 'literal'; readonly value: string }
  /** `*`: exactly one non-empty path segment. */
  | { readonly kind: 'any' }
  /** `**`: zero or more path segments; always the last segment. */
  | { readonly kind: 'any-deep' };

/** A `{field.path=pattern}` variable: it captures the flat segments `[start, end)`. */
export interface PathVariable {
  /** Dotted field path in the request message, e.g. `book.name`. */
  readonly fieldPath: string;
  readonly fieldNames: readonly string[];
  /** The variable's segment pattern as written (`*` when omitted), e.g. `shelves/*\/books/*`. */
  readonly pattern: string;
  readonly start: number;
  readonly end: number;
  /**
   * http.proto: a variable with "exactly one path segment, such as `{var}` or `{var=*}`" is a
   * single-segment variable; one with multiple segments "such as `{var=foo/*}` or `{var=**}`" is
   * multi-segment. The two are decoded differently (see match-path-template.ts).
   */
  readonly multiSegment: boolean;
}

/** A parsed, immutable path template: what the router and {@link matchPathTemplate} work from. */
export interface PathTemplate {
  readonly template: string;
  readonly segments: readonly TemplateSegment[];
  /** The custom verb without its colon (`cancel` for `…:cancel`), or undefined. */
  readonly verb: string | undefined;
  readonly variables: readonly PathVariable[];
}

/** Thrown by {@link parsePathTemplate}; `message` is `invalid path template "<template>": <reason>`. */
export class PathTemplateError extends Error {
  readonly code = 'GRPC_PATH_TEMPLATE_INVALID';
  constructor(
    readonly template: string,
    readonly reason: string,
  ) {
    super(`invalid path template ${JSON.stringify(template)}: ${reason}`);
    this.name = 'PathTemplateError';
  }
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
/**
 * LITERAL characters: RFC 3986 pchar without `*` and `=`, which the grammar uses. Reserved
 * characters "should be percent-encoded before the matching" (http.proto), so `%XX` is allowed.
 * A `:` can only remain in a segment before the last `/` (`/a:b/c`), since the verb is split
 * off first; a verb itself never contains one.
 */
const LITERAL_CHAR = /[A-Za-z0-9\-._~!$&'()+,;@:]/;
const VERB_CHAR = /[A-Za-z0-9\-._~!$&'()+,;@]/;

/**
 * Parses a google.api.http path template.
 *
 * @throws {PathTemplateError} naming the offset of the first problem.
 */
export function parsePathTemplate(template: string): PathTemplate {
  const fail = (reason: string): never => {
    throw new PathTemplateError(template, reason);
  };
  if (!template.startsWith('/')) fail('must start with "/"');
  // A bare "/" has no Segments; grpc-gateway and Envoy both accept it as the root path.
  if (template === '/') return Object.freeze({ template, segments: [], verb: undefined, variables: [] });

  const { body, verb } = splitVerb(template, fail);
  const segments: TemplateSegment[] = [];
  const variables: PathVariable[] = [];
  let pos = 1;

  const parseLiteral = (): string => {
    const start = pos;
    while (pos < body.length) {
      const ch = body.charAt(pos);
      if (ch === '%') {
        if (!/^%[0-9A-Fa-f]{2}$/.test(body.slice(pos, pos + 3))) fail(`invalid percent-encoding at offset ${pos}`);
        pos += 3;
      } else if (LITERAL_CHAR.test(ch)) pos += 1;
      else break;
    }
    return body.slice(start, pos);
  };

  const parseSegment = (inVariable: string | undefined): void => {
    const ch = body.charAt(pos);
    if (ch === '{') {
      if (inVariable !== undefined) fail(`variable nested inside variable "${inVariable}" at offset ${pos}`);
      parseVariable();
    } else if (body.startsWith('**', pos)) {
      segments.push({ kind: 'any-deep' });
      pos += 2;
    } else if (ch === '*') {
      segments.push({ kind: 'any' });
      pos += 1;
    } else {
      const value = parseLiteral();
      if (value === '') fail(ch === '/' || pos === body.length ? `empty segment at offset ${pos}` : `unexpected ${JSON.stringify(ch)} at offset ${pos}`);
      segments.push({ kind: 'literal', value });
    }
    const next = body.charAt(pos);
    if (pos < body.length && next !== '/' && !(inVariable !== undefined && next === '}')) fail(`unexpected ${JSON.stringify(next)} at offset ${pos}`);
  };

  const parseVariable = (): void => {
    const open = pos;
    pos += 1;
    const close = body.indexOf('}', pos);
    const end = close === -1 ? body.length : close;
    const eq = body.indexOf('=', pos);
    const pathEnd = eq !== -1 && eq < end ? eq : end;
    const fieldPath = body.slice(pos, pathEnd);
    const fieldNames = fieldPath.split('.');
    if (!fieldNames.every((name) => IDENT.test(name))) fail(`invalid field path ${JSON.stringify(fieldPath)} at offset ${pos}`);
    if (variables.some((v) => v.fieldPath === fieldPath)) fail(`variable "${fieldPath}" bound twice`);
    pos = pathEnd;
    const start = segments.length;
    if (body.charAt(pos) === '=') {
      pos += 1;
      const patternStart = pos;
      parseSegment(fieldPath);
      while (body.charAt(pos) === '/') {
        pos += 1;
        parseSegment(fieldPath);
      }
      if (body.charAt(pos) !== '}') fail(`unclosed "{" at offset ${open}`);
      variables.push(variable(fieldPath, fieldNames, body.slice(patternStart, pos), start, segments));
    } else {
      if (body.charAt(pos) !== '}') fail(`unclosed "{" at offset ${open}`);
      // http.proto: "`{var}` is equivalent to `{var=*}`".
      segments.push({ kind: 'any' });
      variables.push(variable(fieldPath, fieldNames, '*', start, segments));
    }
    pos += 1;
  };

  parseSegment(undefined);
  while (pos < body.length) {
    pos += 1; // the "/" parseSegment stopped at
    parseSegment(undefined);
  }
  // http.proto: "`**` matches zero or more URL path segments, which must be the last part of the
  // URL path except the `Verb`."
  const deep = segments.findIndex((s) => s.kind === 'any-deep');
  if (deep !== -1 && deep !== segments.length - 1) fail('"**" must be the last segment');
  return Object.freeze({ template, segments: Object.freeze(segments), verb, variables: Object.freeze(variables) });
}

function variable(fieldPath: string, fieldNames: string[], pattern: string, start: number, segments: readonly TemplateSegment[]): PathVariable {
  const end = segments.length;
  const multiSegment = end - start > 1 || segments.slice(start, end).some((s) => s.kind === 'any-deep');
  return Object.freeze({ fieldPath, fieldNames: Object.freeze(fieldNames), pattern, start, end, multiSegment });
}

/**
 * The verb is the text after the last `:` outside braces that follows the last `/` outside
 * braces (grpc-gateway and Envoy split it the same way), so `/v1/{name=a:b}` has no verb.
 */
function splitVerb(template: string, fail: (reason: string) => never): { body: string; verb: string | undefined } {
  let depth = 0;
  let lastSlash = -1;
  let lastColon = -1;
  for (let i = 0; i < template.length; i++) {
    const ch = template.charAt(i);
    if (ch === '{') depth += 1;
    else if (ch === '}') depth -= 1;
    else if (depth === 0 && ch === '/') lastSlash = i;
    else if (depth === 0 && ch === ':') lastColon = i;
  }
  if (lastColon === -1 || lastColon < lastSlash) return { body: template, verb: undefined };
  const verb = template.slice(lastColon + 1);
  if (verb === '' || ![...verb].every((ch) => VERB_CHAR.test(ch))) fail(`invalid verb ${JSON.stringify(verb)} at offset ${lastColon + 1}`);
  return { body: template.slice(0, lastColon), verb };
}
