import type { SourceMap } from '../config/load-config.js';
import { unescapeToken } from '../openapi/json-pointer.js';
import { isTemplateExpression } from '../transform/index.js';

/** Where in a mapping file a value built by a template came from: the line, and the expression (or literal) text. */
export interface TemplateSite {
  readonly line: number;
  readonly text: string;
}

/**
 * The template node that produced the value at `tokens` (a JSON pointer's tokens into the built value): the deepest
 * literal key on the way, or the expression above it. A codec or writer finds a bad value at run time by its
 * position in the built value; the mapping author needs the line and the expression that wrote it.
 */
export function locateTemplateNode(source: SourceMap, template: unknown, prefix: readonly PropertyKey[], tokens: readonly string[]): TemplateSite {
  let node = template;
  const keys: PropertyKey[] = [...prefix];
  for (const token of tokens) {
    if (isTemplateExpression(node)) break;
    if (Array.isArray(node) && /^\d+$/.test(token) && Number(token) < node.length) {
      node = node[Number(token)] as unknown;
      keys.push(Number(token));
    } else if (node !== null && typeof node === 'object' && !Array.isArray(node) && Object.hasOwn(node, token)) {
      node = (node as Record<string, unknown>)[token];
      keys.push(token);
    } else break;
  }
  const text = isTemplateExpression(node) ? node.slice(1) : (JSON.stringify(node) ?? 'undefined');
  return { line: source.lineOf(keys) ?? source.lineOf(prefix) ?? 1, text };
}

/** The tokens of a JSON pointer (RFC 6901), unescaped. */
export function pointerTokens(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map(unescapeToken);
}
