/**
 * The XML an xml step sends, from the JSON its `body` template builds (README, "SOAP and plain-XML steps"):
 *
 * - the body is `{ <root>: <element> }`, exactly one key: an XML document has one root element;
 * - an element is a scalar (its text: numbers in JavaScript notation, booleans as true / false), `null` (an empty
 *   element), an object or an array;
 * - in an object, a key `@name` is an attribute (a scalar; null or missing leaves it out), `#text` is character
 *   data, and every other key is a child element; children, attributes and text are written in key order;
 * - an array is the element repeated, once per item (`line: [a, b]` is two `<line>` siblings); a missing value
 *   leaves the element out;
 * - names are XML names with at most one prefix, and a prefix must be declared by an `@xmlns:p` attribute on the
 *   element or an ancestor (`@xmlns` sets the default namespace);
 * - text and attribute values are always escaped; a character XML 1.0 cannot carry (U+0000, a lone surrogate) is
 *   refused, never sent.
 */
import { child as pointerBelow, escapeToken, isRecord } from '../openapi/json-pointer.js';
import { isTemplateExpression } from '../transform/index.js';
import { escapeXmlAttribute, escapeXmlText, findInvalidXmlChar } from '../xml/index.js';

export const ATTRIBUTE_PREFIX = '@';
export const TEXT_KEY = '#text';

/** How deep a body may nest: the data may come from another upstream, and the writer recurses per level. */
const MAX_DEPTH = 100;
/** XML 1.0 Name, restricted to one optional prefix (Namespaces in XML 1.0 §3, QName). */
const NAME_PART = String.raw`[\p{L}_][\p{L}\p{N}._\-\u00B7]*`;
const QNAME = new RegExp(`^${NAME_PART}(?::${NAME_PART})?$`, 'u');
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/** A value the writer cannot put into XML; `pointer` is where in the built JSON (RFC 6901). */
export class XmlWriteError extends Error {
  readonly pointer: string;
  constructor(pointer: string, message: string) {
    super(message);
    this.name = 'XmlWriteError';
    this.pointer = pointer;
  }
}

/** Why `name` cannot be an element (or, with `attribute`, an attribute) name; undefined when it can. */
export function xmlNameProblem(name: string, attribute: boolean): string | undefined {
  if (!QNAME.test(name)) return `"${name}" is not an XML name`;
  // Names starting with "xml" are reserved (XML 1.0 §2.3); xmlns and the predeclared xml: prefix are the exceptions.
  if (attribute && (name === 'xmlns' || name.startsWith('xmlns:') || name.startsWith('xml:'))) return undefined;
  if (/^xml/i.test(name)) return `"${name}" is reserved: XML names may not start with "xml"`;
  return undefined;
}

/**
 * Checks the literal parts of a body template at load: one root key, valid names, no attribute or text holding an
 * object. Expressions are checked when they run. `report` gets the template keys of each problem.
 */
export function checkXmlTemplate(template: unknown, report: (keys: readonly PropertyKey[], message: string) => void): void {
  if (isTemplateExpression(template)) return;
  if (!isRecord(template)) {
    report([], 'the XML body is `{ <root element>: … }`: an object with one key');
    return;
  }
  const names = Object.keys(template);
  if (names.length !== 1) {
    report([], `the XML body has one root element, so one key; it has ${names.length === 0 ? 'none' : names.map((name) => `"${name}"`).join(', ')}`);
    return;
  }
  const root = names[0] as string;
  if (Array.isArray(template[root])) report([root], 'the root element cannot be an array: an XML document has one root');
  checkElement(root, template[root], [root], report, 0);
}

function checkElement(name: string, value: unknown, keys: PropertyKey[], report: (keys: readonly PropertyKey[], message: string) => void, depth: number): void {
  const problem = xmlNameProblem(name, false);
  if (problem !== undefined) report(keys, problem);
  if (depth > MAX_DEPTH) return;
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      if (Array.isArray(item)) report([...keys, index], 'an array inside an array has no XML form');
      else checkContent(item, [...keys, index], report, depth);
    });
  } else checkContent(value, keys, report, depth);
}

function checkContent(value: unknown, keys: PropertyKey[], report: (keys: readonly PropertyKey[], message: string) => void, depth: number): void {
  if (!isRecord(value)) return;
  for (const [key, child] of Object.entries(value)) {
    const at = [...keys, key];
    if (key === TEXT_KEY || key.startsWith(ATTRIBUTE_PREFIX)) {
      if (key !== TEXT_KEY) {
        const problem = xmlNameProblem(key.slice(1), true);
        if (problem !== undefined) report(at, `attribute ${problem}`);
      }
      if (isRecord(child) || Array.isArray(child)) report(at, `${key === TEXT_KEY ? '`#text`' : `attribute \`${key}\``} takes a string, number or boolean, not ${Array.isArray(child) ? 'an array' : 'an object'}`);
      continue;
    }
    checkElement(key, child, at, report, depth + 1);
  }
}

/** The whole document for the built body. @throws XmlWriteError */
export function writeXmlDocument(body: unknown): string {
  if (!isRecord(body)) throw new XmlWriteError('', `the XML body must be an object with one key, the root element; got ${describe(body)}`);
  const names = Object.keys(body).filter((name) => body[name] !== undefined);
  if (names.length !== 1) throw new XmlWriteError('', `the XML body must have exactly one root element; got ${names.length}`);
  const root = names[0] as string;
  if (Array.isArray(body[root])) throw new XmlWriteError(`/${escapeToken(root)}`, 'the root element cannot be an array: an XML document has one root');
  const out: string[] = [XML_DECLARATION];
  writeElement(root, body[root], ROOT_PREFIXES, [root], out, 0);
  return out.join('');
}

/** Prefixes in scope: `xml` is bound in every document (Namespaces in XML 1.0 §3). */
const ROOT_PREFIXES: ReadonlySet<string> = new Set(['xml']);

/**
 * `path` leads from the body to `value`: a stack pushed and popped as the writer descends, so the pointer string is
 * only built for an error, not for every field of every request.
 */
function writeElement(name: string, value: unknown, prefixes: ReadonlySet<string>, path: (string | number)[], out: string[], depth: number): void {
  if (value === undefined) return;
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      path.push(index);
      if (Array.isArray(item)) throw new XmlWriteError(pointerOf(path), 'an array inside an array has no XML form');
      writeElement(name, item, prefixes, path, out, depth);
      path.pop();
    });
    return;
  }
  if (depth > MAX_DEPTH) throw new XmlWriteError(pointerOf(path), `the XML body nests deeper than ${MAX_DEPTH} levels`);
  const nameProblem = xmlNameProblem(name, false);
  if (nameProblem !== undefined) throw new XmlWriteError(pointerOf(path), nameProblem);
  if (!isRecord(value)) {
    checkPrefix(name, prefixes, path);
    out.push(value === null ? `<${name}/>` : `<${name}>${text(value, path)}</${name}>`);
    return;
  }
  // Namespace declarations first: they are in scope for the element's own name and for its attributes.
  let scope = prefixes;
  for (const key in value) {
    if (key.startsWith(`${ATTRIBUTE_PREFIX}xmlns:`) && value[key] !== undefined && value[key] !== null) {
      if (scope === prefixes) scope = new Set(prefixes);
      (scope as Set<string>).add(key.slice(7));
    }
  }
  checkPrefix(name, scope, path);
  let open = `<${name}`;
  const content: string[] = [];
  for (const key in value) {
    const child = value[key];
    path.push(key);
    if (key === TEXT_KEY) {
      if (child !== undefined && child !== null) content.push(text(child, path));
    } else if (key.startsWith(ATTRIBUTE_PREFIX)) {
      if (child !== undefined && child !== null) {
        const attribute = key.slice(1);
        const problem = xmlNameProblem(attribute, true);
        if (problem !== undefined) throw new XmlWriteError(pointerOf(path), `attribute ${problem}`);
        if (!attribute.startsWith('xmlns')) checkPrefix(attribute, scope, path);
        open += ` ${attribute}="${attributeText(child, path)}"`;
      }
    } else {
      writeElement(key, child, scope, path, content, depth + 1);
    }
    path.pop();
  }
  out.push(content.length === 0 ? `${open}/>` : `${open}>${content.join('')}</${name}>`);
}

function pointerOf(path: readonly (string | number)[]): string {
  return pointerBelow('', ...path);
}

function checkPrefix(name: string, prefixes: ReadonlySet<string>, path: readonly (string | number)[]): void {
  const colon = name.indexOf(':');
  if (colon !== -1 && !prefixes.has(name.slice(0, colon))) {
    throw new XmlWriteError(pointerOf(path), `prefix "${name.slice(0, colon)}" is not declared: add "@xmlns:${name.slice(0, colon)}" on this element or an ancestor`);
  }
}

function text(value: unknown, path: readonly (string | number)[]): string {
  return escapeXmlText(scalarText(value, path));
}

function attributeText(value: unknown, path: readonly (string | number)[]): string {
  return escapeXmlAttribute(scalarText(value, path));
}

function scalarText(value: unknown, path: readonly (string | number)[]): string {
  let out: string;
  if (typeof value === 'string') out = value;
  else if (typeof value === 'boolean') out = value ? 'true' : 'false';
  else if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new XmlWriteError(pointerOf(path), `${value} has no XML form`);
    out = String(value);
  } else throw new XmlWriteError(pointerOf(path), `expected a string, number or boolean, got ${describe(value)}`);
  if (findInvalidXmlChar(out) !== -1) throw new XmlWriteError(pointerOf(path), 'the text has a character XML 1.0 cannot carry (a control character or a lone surrogate)');
  return out;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}
