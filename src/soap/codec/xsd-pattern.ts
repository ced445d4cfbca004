/**
 * XSD pattern facets (XML Schema Part 2, appendix F) as JavaScript regular expressions. The dialects differ in
 * ways that matter: an XSD pattern always matches the whole value and has no anchors (`^` and `$` are ordinary
 * characters), and it has the name classes `\i` and `\c`. Block escapes (`\p{IsBasicLatin}`) and class
 * subtraction (`[a-z-[aeiou]]`) have no JavaScript form and are refused at load.
 */
import { SoapCodecCompileError } from './errors.js';

// XML 1.0 fifth edition NameStartChar and NameChar, without the brackets so they fit inside a class as well.
const NAME_START = ':A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD';
const NAME_CHAR = NAME_START + '\\-.0-9\\u00B7\\u0300-\\u036F\\u203F\\u2040';

const OUTSIDE_CLASS: Readonly<Record<string, string>> = {
  i: `[${NAME_START}]`,
  I: `[^${NAME_START}]`,
  c: `[${NAME_CHAR}]`,
  C: `[^${NAME_CHAR}]`,
  d: '\\p{Nd}',
  D: '\\P{Nd}',
  // XSD \s is exactly space, tab, LF, CR; \w is "not punctuation, separator or other".
  s: '[ \\t\\n\\r]',
  S: '[^ \\t\\n\\r]',
  w: '[^\\p{P}\\p{Z}\\p{C}]',
  W: '[\\p{P}\\p{Z}\\p{C}]',
};

const INSIDE_CLASS: Readonly<Record<string, string>> = {
  i: NAME_START,
  c: NAME_CHAR,
  d: '\\p{Nd}',
  s: ' \\t\\n\\r',
};

/** Compiles one pattern facet; `where` names the type for the load error. */
export function compileXsdPattern(pattern: string, where: string): RegExp {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) throw unsupported(pattern, where, 'a trailing backslash');
      i++;
      if ((next === 'p' || next === 'P') && pattern.startsWith('{Is', i + 1)) throw unsupported(pattern, where, 'Unicode block escapes');
      const table = inClass ? INSIDE_CLASS : OUTSIDE_CLASS;
      const replacement = table[next];
      if (replacement !== undefined) out += replacement;
      else if (inClass && 'ICDSW'.includes(next)) throw unsupported(pattern, where, `\\${next} inside a character class`);
      else if (next === '-' && !inClass) out += '-';
      else out += '\\' + next;
      continue;
    }
    if (inClass) {
      if (ch === '[') {
        if (pattern[i - 1] === '-') throw unsupported(pattern, where, 'character class subtraction');
        out += '\\[';
      } else if (ch === ']') {
        inClass = false;
        out += ch;
      } else out += ch;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      out += ch;
      if (pattern[i + 1] === '^') {
        out += '^';
        i++;
      }
      if (pattern[i + 1] === ']') throw unsupported(pattern, where, 'an empty character class');
    } else if (ch === '^' || ch === '$') out += '\\' + ch;
    else out += ch;
  }
  try {
    return new RegExp(`^(?:${out})$`, 'u');
  } catch (error) {
    throw unsupported(pattern, where, (error as Error).message);
  }
}

function unsupported(pattern: string, where: string, what: string): SoapCodecCompileError {
  return new SoapCodecCompileError(`${where}: pattern facet /${pattern}/ cannot be used (${what})`);
}
