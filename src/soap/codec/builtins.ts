/**
 * What each XSD built-in type (XML Schema Part 2, §3) means for JSON: its family, its lexical space as a regular
 * expression, and the value bounds the integer types carry implicitly.
 */

export type BuiltinFamily = 'string' | 'integer' | 'decimal' | 'float' | 'double' | 'boolean' | 'temporal' | 'base64Binary' | 'hexBinary' | 'any';

const INTEGER_BUILTINS: Readonly<Record<string, { readonly min?: string; readonly max?: string }>> = {
  integer: {},
  nonPositiveInteger: { max: '0' },
  negativeInteger: { max: '-1' },
  long: { min: '-9223372036854775808', max: '9223372036854775807' },
  int: { min: '-2147483648', max: '2147483647' },
  short: { min: '-32768', max: '32767' },
  byte: { min: '-128', max: '127' },
  nonNegativeInteger: { min: '0' },
  unsignedLong: { min: '0', max: '18446744073709551615' },
  unsignedInt: { min: '0', max: '4294967295' },
  unsignedShort: { min: '0', max: '65535' },
  unsignedByte: { min: '0', max: '255' },
  positiveInteger: { min: '1' },
};

// Timezone: Z or ±hh:mm up to 14:00. Years have at least four digits (§3.2.7.1); 24:00:00 is end of day.
const TZ = '(?:Z|[+-](?:(?:0\\d|1[0-3]):[0-5]\\d|14:00))?';
const YEAR = '-?(?:[1-9]\\d{3,}|0\\d{3})';
const MONTH = '(?:0[1-9]|1[0-2])';
const DAY = '(?:0[1-9]|[12]\\d|3[01])';
const TIME = '(?:(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?|24:00:00(?:\\.0+)?)';
const anchored = (body: string): RegExp => new RegExp(`^${body}$`);

const TEMPORAL_LEXICAL: Readonly<Record<string, RegExp>> = {
  dateTime: anchored(`${YEAR}-${MONTH}-${DAY}T${TIME}${TZ}`),
  dateTimeStamp: anchored(`${YEAR}-${MONTH}-${DAY}T${TIME}(?:Z|[+-](?:(?:0\\d|1[0-3]):[0-5]\\d|14:00))`),
  date: anchored(`${YEAR}-${MONTH}-${DAY}${TZ}`),
  time: anchored(`${TIME}${TZ}`),
  gYear: anchored(`${YEAR}${TZ}`),
  gYearMonth: anchored(`${YEAR}-${MONTH}${TZ}`),
  gMonth: anchored(`--${MONTH}${TZ}`),
  gMonthDay: anchored(`--${MONTH}-${DAY}${TZ}`),
  gDay: anchored(`---${DAY}${TZ}`),
  duration: /^-?P(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?$/,
  yearMonthDuration: /^-?P(?=\d)(?:\d+Y)?(?:\d+M)?$/,
  dayTimeDuration: /^-?P(?=\d|T\d)(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?$/,
};

export const INTEGER_LEXICAL = /^[+-]?\d+$/;
// XSD 1.0 float/double; "+INF" is XSD 1.1 and accepted as well.
export const FLOAT_LEXICAL = /^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?INF|NaN)$/;
export const BASE64_LEXICAL = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
export const HEX_LEXICAL = /^(?:[0-9A-Fa-f]{2})*$/;
/** xs:float's largest finite value; a double beyond it would be sent as a float the server cannot hold. */
export const FLOAT_MAX = 3.4028234663852886e38;

export function builtinFamily(builtin: string): BuiltinFamily {
  if (builtin in INTEGER_BUILTINS) return 'integer';
  if (builtin in TEMPORAL_LEXICAL) return 'temporal';
  switch (builtin) {
    case 'decimal':
    case 'float':
    case 'double':
    case 'boolean':
    case 'base64Binary':
    case 'hexBinary':
      return builtin;
    case 'anySimpleType':
    case 'anyAtomicType':
    case 'anyType':
      return 'any';
    default:
      // string, normalizedString, token, language, Name, NCName, ID, IDREF(S), ENTITY(IES), NMTOKEN(S), anyURI,
      // QName, NOTATION: all travel as JSON strings.
      return 'string';
  }
}

export function integerBounds(builtin: string): { readonly min?: string; readonly max?: string } {
  return INTEGER_BUILTINS[builtin] ?? {};
}

export function temporalLexical(builtin: string): RegExp | undefined {
  return TEMPORAL_LEXICAL[builtin];
}
