import { SyntaxFault, tokenize, type Token } from './lexer.js';

/**
 * The AST. Every node keeps its `start` / `end` offsets so messages can quote the exact source text.
 *
 * Grammar (lowest precedence first; binary operators are left-associative, `? :` is right-associative):
 * ```
 * expression  := nullish ( "?" expression ":" expression )?
 * nullish     := or ( "??" or )*
 * or          := and ( "||" and )*
 * and         := equality ( "&&" equality )*
 * equality    := relational ( ( "==" | "!=" ) relational )*
 * relational  := unary ( ( "<" | "<=" | ">" | ">=" ) unary )*
 * unary       := ( "!" | "-" ) unary | postfix
 * postfix     := primary ( "." NAME | "[" ( INTEGER | "-" INTEGER | STRING | "*" ) "]" )*
 * primary     := NUMBER | STRING | "true" | "false" | "null" | NAME | NAME "(" arguments? ")"
 *              | "(" expression ")" | "[" items? "]" | "{" entries? "}"
 * entries     := ( NAME | STRING ) ":" expression ( "," … )*      (a trailing comma is allowed)
 * ```
 */
export type Node =
  | { readonly type: 'literal'; readonly value: string | number | boolean | null; readonly start: number; readonly end: number }
  | { readonly type: 'name'; readonly name: string; readonly start: number; readonly end: number }
  | { readonly type: 'member'; readonly object: Node; readonly key: string | number; readonly start: number; readonly end: number }
  | { readonly type: 'project'; readonly object: Node; readonly start: number; readonly end: number }
  | { readonly type: 'call'; readonly name: string; readonly args: readonly Node[]; readonly start: number; readonly end: number }
  | { readonly type: 'array'; readonly items: readonly Node[]; readonly start: number; readonly end: number }
  | { readonly type: 'object'; readonly entries: readonly Entry[]; readonly start: number; readonly end: number }
  | { readonly type: 'unary'; readonly op: '!' | '-'; readonly operand: Node; readonly start: number; readonly end: number }
  | { readonly type: 'binary'; readonly op: BinaryOp; readonly left: Node; readonly right: Node; readonly start: number; readonly end: number }
  | { readonly type: 'conditional'; readonly test: Node; readonly then: Node; readonly otherwise: Node; readonly start: number; readonly end: number };

export type BinaryOp = '??' | '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=';

export interface Entry {
  readonly key: string;
  readonly value: Node;
  readonly start: number;
}

/** Binary operator levels, lowest first; `? :` sits below all of them. */
const LEVELS: readonly (readonly BinaryOp[])[] = [['??'], ['||'], ['&&'], ['==', '!='], ['<', '<=', '>', '>=']];
const KEYWORDS: Readonly<Record<string, boolean | null>> = { true: true, false: false, null: null };

/** Parses an expression into its AST; throws `SyntaxFault` (with the offset) on the first syntax error. */
export function parse(text: string): Node {
  const tokens = tokenize(text);
  let index = 0;
  const peek = (): Token => tokens[index] as Token;
  const next = (): Token => {
    const token = tokens[index] as Token;
    if (token.type !== 'end') index++; // the end token is never consumed, so peek() stays defined
    return token;
  };
  const isPunct = (p: string): boolean => peek().type === 'punct' && peek().text === p;
  const describe = (t: Token): string => (t.type === 'end' ? 'the end of the expression' : `"${t.text}"`);
  const expect = (p: string, what: string): Token => {
    if (!isPunct(p)) throw new SyntaxFault(`expected "${p}" ${what}, found ${describe(peek())}`, peek().start);
    return next();
  };

  const expression = (): Node => {
    const test = binary(0);
    if (!isPunct('?')) return test;
    next();
    const then = expression();
    expect(':', 'in a conditional `test ? then : otherwise`');
    const otherwise = expression();
    return { type: 'conditional', test, then, otherwise, start: test.start, end: otherwise.end };
  };

  const binary = (level: number): Node => {
    const ops = LEVELS[level];
    if (ops === undefined) return unary();
    let left = binary(level + 1);
    while (peek().type === 'punct' && (ops as readonly string[]).includes(peek().text)) {
      const op = next().text as BinaryOp;
      const right = binary(level + 1);
      left = { type: 'binary', op, left, right, start: left.start, end: right.end };
    }
    return left;
  };

  const unary = (): Node => {
    if (isPunct('!') || isPunct('-')) {
      const token = next();
      const operand = unary();
      return { type: 'unary', op: token.text as '!' | '-', operand, start: token.start, end: operand.end };
    }
    return postfix(primary());
  };

  const postfix = (base: Node): Node => {
    let node = base;
    for (;;) {
      if (isPunct('.')) {
        next();
        const name = peek();
        if (name.type !== 'name') throw new SyntaxFault(`expected a field name after ".", found ${describe(name)}`, name.start);
        next();
        node = { type: 'member', object: node, key: name.text, start: node.start, end: name.end };
      } else if (isPunct('[')) {
        next();
        const token = next();
        let negative = false;
        let key: Token = token;
        if (token.type === 'punct' && token.text === '-' && peek().type === 'number') {
          negative = true;
          key = next();
        }
        const close = expect(']', 'after an index');
        if (key.type === 'punct' && key.text === '*') node = { type: 'project', object: node, start: node.start, end: close.end };
        else if (key.type === 'string') node = { type: 'member', object: node, key: key.value as string, start: node.start, end: close.end };
        else if (key.type === 'number' && Number.isInteger(key.value)) {
          const value = negative ? -(key.value as number) : (key.value as number);
          node = { type: 'member', object: node, key: value, start: node.start, end: close.end };
        } else {
          throw new SyntaxFault('an index is an integer, a quoted field name or "*"', token.start);
        }
      } else {
        return node;
      }
    }
  };

  const primary = (): Node => {
    const token = next();
    const { start, end } = token;
    if (token.type === 'number' || token.type === 'string') return { type: 'literal', value: token.value as string | number, start, end };
    if (token.type === 'name') {
      if (Object.hasOwn(KEYWORDS, token.text)) return { type: 'literal', value: KEYWORDS[token.text] as boolean | null, start, end };
      if (!isPunct('(')) return { type: 'name', name: token.text, start, end };
      next();
      const args = list(')', 'after the arguments');
      return { type: 'call', name: token.text, args, start, end: tokens[index - 1]?.end ?? end };
    }
    if (token.type === 'punct') {
      if (token.text === '(') {
        const inner = expression();
        expect(')', 'to close "("');
        return inner;
      }
      if (token.text === '[') {
        const items = list(']', 'to close the array');
        return { type: 'array', items, start, end: tokens[index - 1]?.end ?? end };
      }
      if (token.text === '{') return object(start);
    }
    throw new SyntaxFault(`expected a value, found ${describe(token)}`, start);
  };

  const list = (close: string, what: string): Node[] => {
    const items: Node[] = [];
    while (!isPunct(close)) {
      items.push(expression());
      if (!isPunct(',')) break;
      next();
    }
    expect(close, what);
    return items;
  };

  const object = (start: number): Node => {
    const entries: Entry[] = [];
    while (!isPunct('}')) {
      const key = next();
      if (key.type !== 'name' && key.type !== 'string') throw new SyntaxFault(`expected a field name, found ${describe(key)}`, key.start);
      expect(':', `after the field name "${key.type === 'string' ? String(key.value) : key.text}"`);
      entries.push({ key: key.type === 'string' ? (key.value as string) : key.text, value: expression(), start: key.start });
      if (!isPunct(',')) break;
      next();
    }
    const close = expect('}', 'to close the object');
    return { type: 'object', entries, start, end: close.end };
  };

  const root = expression();
  if (peek().type !== 'end') throw new SyntaxFault(`unexpected ${describe(peek())} after the expression`, peek().start);
  return root;
}
