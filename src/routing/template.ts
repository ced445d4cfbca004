/** One segment of a path template, as the router's trie stores it. */
export type TemplateSegment =
  | { readonly kind: 'static'; readonly text: string }
  /** A whole segment that is one parameter: `{id}`. */
  | { readonly kind: 'param'; readonly name: string }
  /**
   * A segment mixing literal text and parameters: `{name}.{ext}`, `v{major}`. `key` is the shape with the names
   * removed (`{}.{}`), `regex` matches a raw segment and captures the parameters in order.
   */
  | {
      readonly kind: 'pattern';
      readonly key: string;
      readonly names: readonly string[];
      readonly regex: RegExp;
      readonly literalLength: number;
    }
  /**
   * `{name=**}`: zero or more whole, non-empty segments, then `suffix` (literal text ending the path, such as a
   * google.api.http verb `:download`; usually empty). Only ever the last segment of a template.
   */
  | { readonly kind: 'tail'; readonly name: string; readonly suffix: string };

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\]/g;

/** `{name=**}`: a parameter spelled like http.proto's multi-segment variable, the only form with `=` we read. */
const TAIL_MARK = '=**';

/**
 * Splits a template such as `/api/files/{name}.{ext}` into segments (the part after the leading `/`, split on `/`;
 * `/` is one empty static segment, so a trailing slash is kept as an empty last segment).
 *
 * @throws Error when the template does not start with `/`, has unbalanced or nested braces, two adjacent
 * parameters (`{a}{b}`: ambiguous), an empty parameter name, or the same name twice; or a `{name=**}` tail that is
 * not the last segment, has text before it in its segment, or is followed by another parameter.
 */
export function parseTemplate(template: string): TemplateSegment[] {
  if (!template.startsWith('/')) throw new Error(`route template "${template}" must start with "/"`);
  const seen = new Set<string>();
  const segments: TemplateSegment[] = [];
  const texts = template.slice(1).split('/');
  texts.forEach((text, index) => {
    const segment = parseSegment(template, text, seen);
    if (segment.kind === 'tail' && index !== texts.length - 1) {
      throw new Error(`route template "${template}": {${segment.name}${TAIL_MARK}} must be in the last segment`);
    }
    segments.push(segment);
  });
  return segments;
}

/**
 * The parameter names of an OpenAPI path template, in order (`/a/{x}/{y}.{z}` → x, y, z). Same validation as
 * parseTemplate, and a `{name=**}` tail is refused: an OpenAPI path parameter is one segment, and only routes
 * published from google.api.http rules match several.
 */
export function templateParamNames(template: string): string[] {
  const names: string[] = [];
  for (const segment of parseTemplate(template)) {
    if (segment.kind === 'param') names.push(segment.name);
    else if (segment.kind === 'pattern') names.push(...segment.names);
    else if (segment.kind === 'tail') {
      throw new Error(`route template "${template}": {${segment.name}${TAIL_MARK}} matches several segments, which an OpenAPI path parameter cannot`);
    }
  }
  return names;
}

function parseSegment(template: string, text: string, seen: Set<string>): TemplateSegment {
  if (!text.includes('{') && !text.includes('}')) return { kind: 'static', text };
  const names: string[] = [];
  const literals: string[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '{') {
      const close = text.indexOf('}', i + 1);
      const name = close === -1 ? '' : text.slice(i + 1, close);
      if (close === -1 || name.includes('{')) throw new Error(`route template "${template}" has an unclosed "{"`);
      if (name === '') throw new Error(`route template "${template}" has an empty parameter name`);
      if (name.endsWith(TAIL_MARK)) return tailSegment(template, text, name.slice(0, -TAIL_MARK.length), i, close, seen);
      if (seen.has(name)) throw new Error(`route template "${template}" uses parameter "${name}" twice`);
      if (names.length > 0 && literal === '' ) {
        throw new Error(`route template "${template}" has two adjacent parameters in "${text}": they cannot be told apart`);
      }
      seen.add(name);
      literals.push(literal);
      literal = '';
      names.push(name);
      i = close + 1;
    } else if (ch === '}') {
      throw new Error(`route template "${template}" has a "}" without "{"`);
    } else {
      literal += ch;
      i++;
    }
  }
  literals.push(literal);
  const first = names[0];
  if (names.length === 1 && first !== undefined && literals.every((l) => l === '')) return { kind: 'param', name: first };

  let source = '^';
  let key = '';
  let literalLength = 0;
  literals.forEach((lit, index) => {
    source += lit.replace(REGEX_SPECIAL, '\\$&');
    key += lit;
    literalLength += lit.length;
    if (index < names.length) {
      // Greedy, non-empty: the last literal decides where the previous parameter ends.
      source += '(.+)';
      key += '{}';
    }
  });
  return { kind: 'pattern', key, names, regex: new RegExp(source + '$'), literalLength };
}

/** The `{name=**}` at `open`…`close` of segment `text`, with the literal text after it as the suffix. */
function tailSegment(template: string, text: string, name: string, open: number, close: number, seen: Set<string>): TemplateSegment {
  if (name === '') throw new Error(`route template "${template}" has an empty parameter name`);
  if (seen.has(name)) throw new Error(`route template "${template}" uses parameter "${name}" twice`);
  // http.proto: `**` is a whole segment; text before it would have to be matched inside a segment it may not have.
  if (open !== 0) throw new Error(`route template "${template}": {${name}${TAIL_MARK}} must start its segment, not follow "${text.slice(0, open)}"`);
  const suffix = text.slice(close + 1);
  if (suffix.includes('{') || suffix.includes('}')) {
    throw new Error(`route template "${template}": only literal text may follow {${name}${TAIL_MARK}}, not "${suffix}"`);
  }
  seen.add(name);
  return { kind: 'tail', name, suffix };
}
