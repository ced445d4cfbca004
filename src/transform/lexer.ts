/** A token of the expression language; `start` / `end` are 0-based offsets into the expression text. */
export interface Token {
  readonly type: 'number' | 'string' | 'name' | 'punct' | 'end';
  readonly text: string;
  /** The decoded value of a string or number literal. */
  readonly value?: string | number;
  readonly start: number;
  readonly end: number;
}

/** A syntax error at a 0-based offset; the parser turns it into a `TransformIssue` with a 1-based column. */
export class SyntaxFault extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

// Longest first, so `??` wins over `?` and `==` over `=`.
const PUNCTUATION = ['??', '==', '!=', '<=', '>=', '&&', '||', '.', '[', ']', '(', ')', '{', '}', ',', ':', '?', '<', '>', '!', '*', '-'];
const NAME_START = /[A-Za-z_$]/;
const NAME_PART = /[A-Za-z0-9_$]/;
const NUMBER = /^(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/;
const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '\\': '\\', '/': '/', "'": "'", '"': '"' };

/** Splits an expression into tokens; throws `SyntaxFault` on a character that starts no token. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const { value, end } = readString(text, i);
      tokens.push({ type: 'string', text: text.slice(i, end), value, start: i, end });
      i = end;
      continue;
    }
    if (c >= '0' && c <= '9') {
      const match = NUMBER.exec(text.slice(i));
      const literal = match?.[0] ?? c;
      const end = i + literal.length;
      if (end < text.length && NAME_PART.test(text[end] as string)) throw new SyntaxFault(`invalid number "${literal}${text[end]}"`, i);
      tokens.push({ type: 'number', text: literal, value: Number(literal), start: i, end });
      i = end;
      continue;
    }
    if (NAME_START.test(c)) {
      let end = i + 1;
      while (end < text.length && NAME_PART.test(text[end] as string)) end++;
      tokens.push({ type: 'name', text: text.slice(i, end), start: i, end });
      i = end;
      continue;
    }
    const punct = PUNCTUATION.find((p) => text.startsWith(p, i));
    if (punct === undefined) {
      const hint = c === '=' ? ' (equality is `==`)' : c === '&' || c === '|' ? ` (did you mean \`${c}${c}\`?)` : '';
      throw new SyntaxFault(`unexpected character "${c}"${hint}`, i);
    }
    tokens.push({ type: 'punct', text: punct, start: i, end: i + punct.length });
    i += punct.length;
  }
  tokens.push({ type: 'end', text: '', start: text.length, end: text.length });
  return tokens;
}

function readString(text: string, start: number): { value: string; end: number } {
  const quote = text[start];
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === quote) return { value, end: i + 1 };
    if (c !== '\\') {
      value += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === 'u') {
      const hex = text.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new SyntaxFault('invalid \\u escape: expected 4 hex digits', i);
      value += String.fromCharCode(parseInt(hex, 16));
      i += 6;
      continue;
    }
    const escaped = next === undefined ? undefined : ESCAPES[next];
    if (escaped === undefined) throw new SyntaxFault(`invalid escape "\\${next ?? ''}"`, i);
    value += escaped;
    i += 2;
  }
  throw new SyntaxFault('unterminated string', start);
}
