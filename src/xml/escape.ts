/**
 * Escaping for the XML the gateway writes (XML 1.0 §2.4 character data, §3.3.3 attribute-value normalization).
 * Callers must first reject strings with characters XML 1.0 cannot carry at all ({@link findInvalidXmlChar}):
 * no escape makes U+0000 or a lone surrogate legal.
 */

// `>` only needs escaping in "]]>", but escaping every one is simpler and always right. A raw CR would be read back
// as LF (§2.11 end-of-line handling), so it travels as a character reference.
const TEXT_SPECIAL = /[&<>\r]/;
const TEXT_SPECIAL_ALL = /[&<>\r]/g;
// In attributes, TAB, LF and CR would be normalized to spaces by the reader (§3.3.3) unless sent as references.
const ATTR_SPECIAL = /[&<>"\t\n\r]/;
const ATTR_SPECIAL_ALL = /[&<>"\t\n\r]/g;

const REPLACEMENTS: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#x9;',
  '\n': '&#xA;',
  '\r': '&#xD;',
};

function replace(ch: string): string {
  return REPLACEMENTS[ch] ?? ch;
}

/** Character data inside an element. */
export function escapeXmlText(value: string): string {
  return TEXT_SPECIAL.test(value) ? value.replace(TEXT_SPECIAL_ALL, replace) : value;
}

/** An attribute value written between double quotes. */
export function escapeXmlAttribute(value: string): string {
  return ATTR_SPECIAL.test(value) ? value.replace(ATTR_SPECIAL_ALL, replace) : value;
}

// XML 1.0 §2.2 Char: TAB, LF, CR, U+0020..U+D7FF, U+E000..U+FFFD, U+10000..U+10FFFF. Everything else, including an
// unpaired surrogate, cannot appear in a document, escaped or not.
const INVALID_CHAR =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Index of the first character XML 1.0 cannot represent, or -1. */
export function findInvalidXmlChar(value: string): number {
  return value.search(INVALID_CHAR);
}

/** True for a code point allowed by XML 1.0 §2.2 (used for character references too). */
export function isXmlCodePoint(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}
