/**
 * XML ⇄ JSON without a schema: fault details no declaration matches, xs:any content, and opaque xs:anyType
 * elements. Reading follows the typed convention as far as it can without types: local names as fields,
 * attributes beside child elements, text beside attributes as `value`, a name seen more than once as an array,
 * empty or nil as null; all values are text.
 */
import { escapeXmlText, findInvalidXmlChar } from '../../xml/escape.js';
import type { XmlElement } from '../../xml/parse.js';
import { VALUE_FIELD } from './content-model.js';
import { MAX_JSON_DEPTH, type WriteContext } from './errors.js';
import { pushField, setDocumentField, type JsonObject, type JsonValue } from './json.js';
import { XSI_NAMESPACE, isNil } from './xsi.js';

export function genericJson(element: XmlElement): JsonValue {
  if (isNil(element)) return null;
  const out: JsonObject = {};
  let fields = 0;
  for (const attribute of element.attributes) {
    if (attribute.ns === XSI_NAMESPACE) continue;
    setDocumentField(out, attribute.local, attribute.value);
    fields++;
  }
  if (element.children.length === 0) {
    const text = element.text.trim() === '' ? null : element.text;
    if (fields === 0) return text;
    if (!Object.hasOwn(out, VALUE_FIELD)) out[VALUE_FIELD] = text;
    return out;
  }
  const repeated = repeatedNames(element.children);
  for (const child of element.children) {
    const value = genericJson(child);
    if (repeated?.has(child.local) === true) pushField(out, child.local, value);
    else setDocumentField(out, child.local, value);
  }
  return out;
}

/** Up to this many children, pairs are compared instead of filling a set (at most 28 comparisons). */
const FEW_CHILDREN = 8;

/** Local names that occur more than once among the children (undefined when none does, the usual case). */
export function repeatedNames(children: readonly XmlElement[]): Set<string> | undefined {
  const count = children.length;
  if (count < 2) return undefined;
  let repeated: Set<string> | undefined;
  if (count <= FEW_CHILDREN) {
    // Called for every element with children: a handful of comparisons beats allocating a set each time.
    for (let i = 1; i < count; i++) {
      const local = (children[i] as XmlElement).local;
      for (let j = 0; j < i; j++) {
        if ((children[j] as XmlElement).local === local) {
          (repeated ??= new Set()).add(local);
          break;
        }
      }
    }
    return repeated;
  }
  const seen = new Set<string>();
  for (const child of children) {
    if (seen.has(child.local)) (repeated ??= new Set()).add(child.local);
    else seen.add(child.local);
  }
  return repeated;
}

// XML names the generic writer accepts as element names: letters, digits, '_', '.', '-', not starting with a
// digit, '.' or '-'; no ':' (no prefix can be declared for them) and never "xml…" (reserved, XML 1.0 §2.3).
const ELEMENT_NAME = /^(?!xml)[\p{L}_][\p{L}\p{N}_.-]*$/iu;

/**
 * JSON → opaque content (xs:anyType): a scalar becomes text; an object's fields become unqualified child elements
 * in their JSON order, an array field repeats its element, null is xsi:nil. The inverse of {@link genericJson} for
 * what it produces, except that attributes cannot be told from elements and are written as elements.
 */
export function writeGenericContent(value: unknown, ctx: WriteContext): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') {
    const bad = findInvalidXmlChar(value);
    if (bad === -1) return escapeXmlText(value);
    ctx.fail(`contains a character XML cannot carry (at index ${bad})`);
    return '';
  }
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return String(value);
    ctx.fail('must be a finite number');
    return '';
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value) || typeof value !== 'object') {
    ctx.fail('must be text, a number, a boolean or an object');
    return '';
  }
  if (ctx.path.length > MAX_JSON_DEPTH) {
    ctx.fail(`is nested deeper than ${MAX_JSON_DEPTH} levels`);
    return '';
  }
  let out = '';
  for (const [key, field] of Object.entries(value)) {
    ctx.path.push(key);
    if (!ELEMENT_NAME.test(key)) ctx.fail('is not a name an XML element can have');
    else {
      const items: unknown[] = Array.isArray(field) ? field : [field];
      items.forEach((item, index) => {
        if (Array.isArray(field)) ctx.path.push(index);
        if (item === null) out += `<${key} xsi:nil="true"/>`;
        else if (item !== undefined) {
          const inner = writeGenericContent(item, ctx);
          out += inner === '' ? `<${key}/>` : `<${key}>${inner}</${key}>`;
        }
        if (Array.isArray(field)) ctx.path.pop();
      });
    }
    ctx.path.pop();
  }
  return out;
}
