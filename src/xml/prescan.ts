/**
 * A linear pass over a whole document before fast-xml-parser sees it. It refuses what we never want to parse, and
 * stops as soon as a limit is crossed, so a hostile document costs at most one scan and no allocation beyond the
 * open-tag stack:
 *
 * - any markup declaration (`<!DOCTYPE`, `<!ENTITY`, `<!ELEMENT`, ...): no DTD is ever read, so no external entity
 *   (XXE) and no entity expansion (billion laughs). Comments and CDATA sections are skipped exactly, so the text
 *   "<!DOCTYPE" inside them is not a false alarm;
 * - more than `maxElements` start tags, or nesting deeper than `maxDepth`;
 * - tags that do not balance, text or a second element outside the root, an unterminated construct.
 *
 * fast-xml-parser is lenient (it accepts `<a><b></a>` and drops text outside the root), so this pass is also what
 * makes "not XML" detectable: a truncated response or an HTML page fails here instead of parsing into half a tree.
 */
import { XmlLimitError, XmlSyntaxError } from './errors.js';
import type { XmlLimits } from './limits.js';

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const DQUOTE = 0x22;
const SQUOTE = 0x27;

/** @returns the offset of the root element's "<": what precedes it (declaration, comments, PIs) carries no content. */
export function prescanXml(xml: string, limits: XmlLimits): number {
  const len = xml.length;
  const open: string[] = [];
  let elements = 0;
  let rootSeen = false;
  let rootStart = -1;
  let i = xml.charCodeAt(0) === 0xfeff ? 1 : 0;

  while (i < len) {
    const lt = xml.indexOf('<', i);
    const textEnd = lt === -1 ? len : lt;
    if (open.length === 0 && textEnd > i && !isWhitespaceRun(xml, i, textEnd)) {
      throw new XmlSyntaxError('not-well-formed', 'text outside the root element', i);
    }
    if (lt === -1) break;
    const c1 = xml.charCodeAt(lt + 1);

    if (c1 === QUESTION) {
      i = skipPast(xml, '?>', lt + 2, 'processing instruction');
      continue;
    }
    if (c1 === BANG) {
      if (xml.startsWith('<!--', lt)) {
        i = skipPast(xml, '-->', lt + 4, 'comment');
        continue;
      }
      if (xml.startsWith('<![CDATA[', lt)) {
        if (open.length === 0) throw new XmlSyntaxError('not-well-formed', 'CDATA outside the root element', lt);
        i = skipPast(xml, ']]>', lt + 9, 'CDATA section');
        continue;
      }
      // DOCTYPE, ENTITY, ELEMENT, ATTLIST, NOTATION: refused whatever they contain, before anything expands them.
      throw new XmlSyntaxError('dtd', 'a DOCTYPE or markup declaration is not allowed (DTDs are never processed)', lt);
    }
    if (c1 === SLASH) {
      const name = open.pop();
      if (name === undefined || !xml.startsWith(name, lt + 2)) {
        throw new XmlSyntaxError('not-well-formed', name === undefined ? 'a closing tag without an open element' : `expected </${name}>`, lt);
      }
      let j = lt + 2 + name.length;
      while (j < len && isWhitespace(xml.charCodeAt(j))) j++;
      if (xml.charCodeAt(j) !== GT) throw new XmlSyntaxError('not-well-formed', `expected </${name}>`, lt);
      i = j + 1;
      continue;
    }

    if (open.length === 0 && rootSeen) throw new XmlSyntaxError('not-well-formed', 'a second root element', lt);
    let j = lt + 1;
    while (j < len) {
      const c = xml.charCodeAt(j);
      if (c === GT || c === SLASH || isWhitespace(c)) break;
      if (c === LT || c === DQUOTE || c === SQUOTE || c === 0x3d /* = */) break;
      j++;
    }
    if (j === lt + 1) throw new XmlSyntaxError('not-well-formed', 'a "<" that starts no tag', lt);
    const name = xml.slice(lt + 1, j);
    let selfClosing = false;
    for (;;) {
      if (j >= len) throw new XmlSyntaxError('not-well-formed', `unterminated start tag <${name}>`, lt);
      const c = xml.charCodeAt(j);
      if (c === DQUOTE || c === SQUOTE) {
        const close = xml.indexOf(c === DQUOTE ? '"' : "'", j + 1);
        if (close === -1) throw new XmlSyntaxError('not-well-formed', `unterminated attribute value in <${name}>`, j);
        j = close + 1;
        continue;
      }
      if (c === GT) {
        selfClosing = xml.charCodeAt(j - 1) === SLASH;
        break;
      }
      if (c === LT) throw new XmlSyntaxError('not-well-formed', `"<" inside the start tag <${name}>`, j);
      j++;
    }
    elements++;
    if (elements > limits.maxElements) throw new XmlLimitError('elements', limits.maxElements);
    if (open.length + 1 > limits.maxDepth) throw new XmlLimitError('depth', limits.maxDepth);
    if (!rootSeen) rootStart = lt;
    rootSeen = true;
    if (!selfClosing) open.push(name);
    i = j + 1;
  }

  const unclosed = open.at(-1);
  if (unclosed !== undefined) throw new XmlSyntaxError('not-well-formed', `<${unclosed}> is never closed (truncated document?)`);
  if (!rootSeen) throw new XmlSyntaxError('not-well-formed', 'no root element');
  return rootStart;
}

function skipPast(xml: string, terminator: string, from: number, what: string): number {
  const end = xml.indexOf(terminator, from);
  if (end === -1) throw new XmlSyntaxError('not-well-formed', `unterminated ${what}`, from);
  return end + terminator.length;
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isWhitespaceRun(xml: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (!isWhitespace(xml.charCodeAt(k))) return false;
  return true;
}
