const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** Why {@link percentDecode} refused its input. */
export type PercentDecodeError = 'invalid percent-encoding' | 'invalid UTF-8';

/**
 * Percent-decodes `raw` as UTF-8. An escape whose byte `keepEncoded` accepts is copied through
 * as written (this is how reserved characters stay encoded). `plusAsSpace` applies the
 * application/x-www-form-urlencoded rule for query strings. A `%` not followed by two hex
 * digits, or bytes that are not UTF-8, are errors rather than silently replaced characters.
 */
export function percentDecode(
  raw: string,
  keepEncoded: (byte: number) => boolean = () => false,
  plusAsSpace = false,
): string | { readonly error: PercentDecodeError } {
  if (!raw.includes('%') && !(plusAsSpace && raw.includes('+'))) return raw;
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; ) {
    const ch = raw.charAt(i);
    if (ch === '%') {
      const hex = raw.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return { error: 'invalid percent-encoding' };
      const byte = Number.parseInt(hex, 16);
      if (keepEncoded(byte)) bytes.push(...encoder.encode(raw.slice(i, i + 3)));
      else bytes.push(byte);
      i += 3;
    } else if (plusAsSpace && ch === '+') {
      bytes.push(0x20);
      i += 1;
    } else {
      const codePoint = raw.codePointAt(i) ?? 0;
      const text = String.fromCodePoint(codePoint);
      bytes.push(...encoder.encode(text));
      i += text.length;
    }
  }
  try {
    return utf8.decode(new Uint8Array(bytes));
  } catch {
    return { error: 'invalid UTF-8' };
  }
}
