/**
 * A simple type compiled into its JSON ⇄ lexical conversions, once per type (memoized on the model object).
 *
 * JSON forms, by the family of the type's built-in root:
 * - integer types: a JSON number when the value is a safe integer (|v| ≤ 2^53 − 1), else a string of digits, in both
 *   directions (requests may also send any integer as a string);
 * - xs:decimal: always a string on read, so no digit is lost; a number or a string on write;
 * - xs:float / xs:double: a number; the special values travel as the strings "INF", "-INF" and "NaN";
 * - xs:boolean: true / false (read from true, false, 1, 0);
 * - dates, times, durations, binary and every string type: the XSD lexical text, unchanged;
 * - xs:list: a JSON array of its items; xs:union: the form of the first member type that fits.
 */
import type { SimpleType } from '../model.js';
import { BASE64_LEXICAL, FLOAT_LEXICAL, FLOAT_MAX, HEX_LEXICAL, INTEGER_LEXICAL, builtinFamily, integerBounds, temporalLexical, type BuiltinFamily } from './builtins.js';
import { DECIMAL_LEXICAL, formatDecimal, numberToDecimalText, parseDecimal } from './decimal.js';
import { SoapDecodeError, WriteContext } from './errors.js';
import { compileFacets, type Measured } from './facets.js';
import type { JsonValue } from './json.js';
import { findInvalidXmlChar } from '../../xml/escape.js';

export interface SimpleCodec {
  /** A name for messages: the type's own name, else `xs:<builtin>`. */
  readonly label: string;
  /** JSON → lexical text (not yet escaped). Reports violations to `ctx` and returns undefined when the value is wrong. */
  write(value: unknown, ctx: WriteContext): string | undefined;
  /** Non-empty element or attribute text → JSON. Throws SoapDecodeError when the text is outside the lexical space. */
  read(text: string): JsonValue;
  /** Whether text belongs to the type, facets included: how a union picks its member on read. */
  accepts(text: string): boolean;
  /** Whitespace is content (string types): whitespace-only text is a value, not an empty element. */
  readonly preservesWhitespace: boolean;
  /**
   * The JSON of empty content: "" for string types, where the empty string is a value distinct from xsi:nil
   * (nil, empty and absent are three things to a legacy service); null for every other type, which has no empty
   * value.
   */
  readonly emptyValue: '' | null;
}

const memo = new WeakMap<SimpleType, SimpleCodec>();

export function compileSimpleType(type: SimpleType): SimpleCodec {
  let codec = memo.get(type);
  if (codec === undefined) {
    codec = type.listOf !== undefined ? listCodec(type, type.listOf) : type.unionOf !== undefined ? unionCodec(type, type.unionOf) : atomicCodec(type);
    memo.set(type, codec);
  }
  return codec;
}

const XSD_NAMESPACE = 'http://www.w3.org/2001/XMLSchema';

function labelOf(type: SimpleType): string {
  if (type.name === undefined) return `xs:${type.builtin}`;
  return type.name.ns === XSD_NAMESPACE ? `xs:${type.name.local}` : type.name.local;
}

/**
 * The whiteSpace facet each string type has by definition (Part 2, §4.3.6): xs:string keeps its text, xs:normalizedString
 * turns tabs and line ends into spaces, every type derived from xs:token (and anyURI, QName) collapses runs of
 * whitespace and trims. Values are compared with facets, sent and read in that normalized form.
 */
type WhiteSpace = 'preserve' | 'replace' | 'collapse';

function whiteSpaceOf(builtin: string): WhiteSpace {
  if (builtin === 'string') return 'preserve';
  return builtin === 'normalizedString' ? 'replace' : 'collapse';
}

function normalizeWhiteSpace(text: string, mode: WhiteSpace): string {
  if (mode === 'preserve') return text;
  const replaced = text.replace(/[\t\n\r]/g, ' ');
  return mode === 'replace' ? replaced : replaced.replace(/ {2,}/g, ' ').trim();
}

const EXAMPLES: Readonly<Record<string, string>> = {
  dateTime: ' (e.g. 2024-01-31T12:00:00Z)',
  date: ' (e.g. 2024-01-31)',
  time: ' (e.g. 12:00:00)',
  duration: ' (e.g. P1DT2H)',
};

function atomicCodec(type: SimpleType): SimpleCodec {
  const family = builtinFamily(type.builtin);
  const whiteSpace: WhiteSpace = family === 'string' ? whiteSpaceOf(type.builtin) : 'preserve';
  const label = labelOf(type);
  const builtinLabel = `xs:${type.builtin}`;
  const temporal = temporalLexical(type.builtin);
  const facets = compileFacets(type.facets, family, label, family === 'integer' ? integerBounds(type.builtin) : {});
  const measureLength = type.facets.length !== undefined || type.facets.minLength !== undefined || type.facets.maxLength !== undefined;
  const invalid = `is not a valid ${builtinLabel}${EXAMPLES[type.builtin] ?? ''}`;

  /** JSON → [lexical, measure] for the family, or a problem message. */
  function convert(value: unknown, m: Measured): string | { problem: string } {
    switch (family) {
      case 'string': {
        if (typeof value !== 'string') return { problem: 'must be a string' };
        const text = normalizeWhiteSpace(value, whiteSpace);
        if (measureLength) m.length = codePoints(text);
        return text;
      }
      case 'integer':
        if (typeof value === 'number') {
          if (!Number.isInteger(value)) return { problem: `must be an integer (${builtinLabel})` };
          if (!Number.isSafeInteger(value)) return { problem: 'is beyond 2^53 and lost precision in JSON: send it as a string of digits' };
          const text = String(value);
          m.decimal = parseDecimal(text);
          return text;
        }
        if (typeof value === 'string') {
          const text = value.trim();
          if (!INTEGER_LEXICAL.test(text)) return { problem: `"${value}" ${invalid}` };
          m.decimal = parseDecimal(text);
          return text.startsWith('+') ? text.slice(1) : text;
        }
        return { problem: `must be an integer (${builtinLabel})` };
      case 'decimal': {
        if (typeof value === 'number' && Number.isFinite(value)) {
          const text = numberToDecimalText(value);
          m.decimal = parseDecimal(text);
          return text;
        }
        if (typeof value !== 'string') return { problem: 'must be a decimal number or a string of one' };
        const parts = parseDecimal(value.trim());
        if (parts === undefined) return { problem: `"${value}" ${invalid}` };
        m.decimal = parts;
        return formatDecimal(parts);
      }
      case 'float':
      case 'double':
        if (typeof value === 'number') {
          if (family === 'float' && Math.abs(value) > FLOAT_MAX) return { problem: 'is too large for xs:float' };
          m.double = value;
          return String(value);
        }
        if (typeof value === 'string' && FLOAT_LEXICAL.test(value.trim())) {
          const text = value.trim().replace(/^\+INF$/, 'INF');
          m.double = text === 'INF' ? Infinity : text === '-INF' ? -Infinity : Number(text);
          return text;
        }
        return { problem: `must be a number (or "INF", "-INF", "NaN") for ${builtinLabel}` };
      case 'boolean':
        return typeof value === 'boolean' ? (value ? 'true' : 'false') : { problem: 'must be true or false' };
      case 'temporal':
        if (typeof value !== 'string' || (temporal !== undefined && !temporal.test(value.trim()))) {
          return { problem: typeof value === 'string' ? `"${value}" ${invalid}` : `must be a string: ${builtinLabel}${EXAMPLES[type.builtin] ?? ''}` };
        }
        return value.trim();
      case 'base64Binary':
      case 'hexBinary': {
        if (typeof value !== 'string') return { problem: `must be a string (${builtinLabel})` };
        const compact = family === 'base64Binary' ? value.replace(/[ \t\r\n]/g, '') : value.trim();
        if (!(family === 'base64Binary' ? BASE64_LEXICAL : HEX_LEXICAL).test(compact)) return { problem: `${invalid}` };
        m.length = family === 'hexBinary' ? compact.length / 2 : (compact.length / 4) * 3 - (compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0);
        return compact;
      }
      case 'any':
        if (typeof value === 'string') return value;
        if (typeof value === 'number' || typeof value === 'boolean') return String(value);
        return { problem: 'must be a string, number or boolean' };
    }
  }

  return {
    label,
    preservesWhitespace: family === 'any' || (family === 'string' && whiteSpace !== 'collapse'),
    emptyValue: family === 'string' || family === 'any' ? '' : null,
    write(value, ctx) {
      const measured: Measured = {};
      const lexical = convert(value, measured);
      if (typeof lexical !== 'string') {
        ctx.fail(lexical.problem);
        return undefined;
      }
      if (family === 'string' || family === 'any') {
        const bad = findInvalidXmlChar(lexical);
        if (bad !== -1) {
          ctx.fail(`contains a character XML cannot carry (U+${lexical.charCodeAt(bad).toString(16).toUpperCase().padStart(4, '0')} at index ${bad})`);
          return undefined;
        }
      }
      if (facets !== undefined && !facets(lexical, measured, ctx)) return undefined;
      return lexical;
    },
    read(text) {
      const value = readFamily(family, normalizeWhiteSpace(text, whiteSpace), temporal, undefined);
      if (value === undefined) throw new SoapDecodeError(`"${clip(text)}" ${invalid}`);
      return value;
    },
    accepts(text) {
      const normalized = normalizeWhiteSpace(text, whiteSpace);
      const measured: Measured = {};
      if (readFamily(family, normalized, temporal, measured) === undefined) return false;
      if (measureLength && family === 'string') measured.length = codePoints(normalized);
      return facets === undefined || facets(family === 'string' ? normalized : normalized.trim(), measured, undefined);
    },
  };
}

/**
 * Text → JSON for a family; undefined when the text is not in the lexical space. With `measured`, also fills in what
 * the facets measure (only a union's membership test needs it, so a plain read skips the exact-decimal parse). A
 * plain read is once per element of every response: it allocates nothing beyond the value.
 */
function readFamily(family: BuiltinFamily, text: string, temporal: RegExp | undefined, measured: Measured | undefined): JsonValue | undefined {
  switch (family) {
    case 'string':
    case 'any':
      return text;
    case 'integer': {
      const t = text.trim();
      if (!INTEGER_LEXICAL.test(t)) return undefined;
      const n = Number(t);
      const safe = Number.isSafeInteger(n);
      const decimal = measured !== undefined || !safe ? parseDecimal(t) : undefined;
      if (measured !== undefined) measured.decimal = decimal;
      // Beyond 2^53 a double would silently change the value: keep the digits as a string. ("-0" is plain 0.)
      return safe ? (n === 0 ? 0 : n) : formatDecimal(decimal as NonNullable<typeof decimal>);
    }
    case 'decimal': {
      const t = text.trim();
      if (measured !== undefined) {
        const decimal = parseDecimal(t);
        if (decimal === undefined) return undefined;
        measured.decimal = decimal;
        return stripPlus(t);
      }
      return DECIMAL_LEXICAL.test(t) ? stripPlus(t) : undefined;
    }
    case 'float':
    case 'double': {
      const t = text.trim();
      if (!FLOAT_LEXICAL.test(t)) return undefined;
      if (t === 'INF' || t === '+INF' || t === '-INF' || t === 'NaN') {
        const value = t === '+INF' ? 'INF' : t;
        if (measured !== undefined) measured.double = value === 'INF' ? Infinity : value === '-INF' ? -Infinity : NaN;
        return value;
      }
      const n = Number(t);
      if (measured !== undefined) measured.double = n;
      return n;
    }
    case 'boolean': {
      const t = text.trim();
      if (t === 'true' || t === '1') return true;
      if (t === 'false' || t === '0') return false;
      return undefined;
    }
    case 'temporal': {
      // Dates stay text, relayed as sent even when slightly off; only a union must know whether the text is one.
      const t = text.trim();
      return measured === undefined || temporal === undefined || temporal.test(t) ? t : undefined;
    }
    case 'base64Binary':
    case 'hexBinary':
      return text.trim();
  }
}

function listCodec(type: SimpleType, itemType: SimpleType): SimpleCodec {
  const item = compileSimpleType(itemType);
  const label = labelOf(type);
  const facets = compileFacets(type.facets, 'string', label, {});
  return {
    label,
    preservesWhitespace: false,
    emptyValue: null,
    write(value, ctx) {
      if (!Array.isArray(value)) {
        ctx.fail(`must be an array (${label} is a list)`);
        return undefined;
      }
      const items: string[] = [];
      let ok = true;
      for (let i = 0; i < value.length; i++) {
        ctx.path.push(i);
        const lexical = item.write(value[i], ctx);
        if (lexical === undefined) ok = false;
        else if (/[ \t\r\n]/.test(lexical) || lexical === '') {
          ctx.fail('a list item cannot be empty or contain whitespace');
          ok = false;
        } else items.push(lexical);
        ctx.path.pop();
      }
      if (!ok) return undefined;
      const lexical = items.join(' ');
      if (facets !== undefined && !facets(lexical, { length: items.length }, ctx)) return undefined;
      return lexical;
    },
    read(text) {
      const parts = text.trim().split(/[ \t\r\n]+/);
      return parts[0] === '' ? [] : parts.map((part) => item.read(part));
    },
    accepts(text) {
      const parts = text.trim().split(/[ \t\r\n]+/).filter((part) => part !== '');
      return parts.every((part) => item.accepts(part)) && (facets === undefined || facets(text.trim(), { length: parts.length }, undefined));
    },
  };
}

function unionCodec(type: SimpleType, memberTypes: readonly SimpleType[]): SimpleCodec {
  const members = memberTypes.map(compileSimpleType);
  const label = labelOf(type);
  const facets = compileFacets(type.facets, 'string', label, {});
  const names = members.map((member) => member.label).join(', ');
  return {
    label,
    preservesWhitespace: members.every((member) => member.preservesWhitespace),
    emptyValue: members.some((member) => member.emptyValue === '') ? '' : null,
    write(value, ctx) {
      for (const member of members) {
        const probe = new WriteContext('');
        const lexical = member.write(value, probe);
        if (lexical === undefined) continue;
        if (facets !== undefined && !facets(lexical, {}, ctx)) return undefined;
        return lexical;
      }
      ctx.fail(`does not fit any member of ${label} (${names})`);
      return undefined;
    },
    read(text) {
      for (const member of members) if (member.accepts(text)) return member.read(text);
      // Liberal on read: a value the union cannot place is relayed as its text rather than failing the response.
      return text;
    },
    accepts(text) {
      return members.some((member) => member.accepts(text)) && (facets === undefined || facets(text, {}, undefined));
    },
  };
}

function stripPlus(text: string): string {
  return text.startsWith('+') ? text.slice(1) : text;
}

function codePoints(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) count--;
  }
  return count;
}

function clip(text: string): string {
  return text.length > 40 ? text.slice(0, 40) + '…' : text;
}
