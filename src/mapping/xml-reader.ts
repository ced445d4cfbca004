/**
 * The JSON an xml step's answer becomes (README, "SOAP and plain-XML steps"), the mirror of xml-writer.ts:
 *
 * - the result is the ROOT element's content (its name is not a field): `<order id="7"><line/></order>` reads as
 *   `{ "@id": "7", "line": "" }`;
 * - an element with attributes or child elements is an object: attributes as `@name`, children by LOCAL name
 *   (prefixes and namespaces are dropped, as the SOAP codec does), character data as `#text` when it is not only
 *   whitespace; an element with text only is that text, as a string, exactly as sent;
 * - a name repeated among siblings is an array; so is every element listed in `response.arrays` (paths of local
 *   names, `items/item`) or declared `type: array` in `response.schema`, with one item or none (an empty array when
 *   its parent is there but it is not);
 * - `xsi:nil="true"` is null, and other xsi attributes are dropped;
 * - with `response.schema`, text where the schema says integer, number or boolean is converted (an empty element
 *   where it allows null is null), an element declared as an object is one even when it is empty, and text that
 *   does not convert makes the answer a bad response; without one, every value is a string.
 */
import { escapeToken } from '../openapi/json-pointer.js';
import { repeatedNames } from '../soap/codec/generic-xml.js';
import { pushField, setDocumentField, type JsonObject, type JsonValue } from '../soap/codec/json.js';
import { XSI_NAMESPACE } from '../soap/codec/xsi.js';
import type { XmlElement } from '../xml/index.js';
import { membersOf, type Shape } from '../transform/index.js';
import { didYouMean } from '../errors/did-you-mean.js';
import { ATTRIBUTE_PREFIX, TEXT_KEY } from './xml-writer.js';

const MAX_PLAN_DEPTH = 40;

type Scalar = 'integer' | 'number' | 'boolean';

/** How to read one element, compiled at load from the declared schema and `response.arrays`. */
export interface XmlReadPlan {
  /** Plans of the fields below it: child elements by local name, `@attribute`, `#text`. */
  readonly children: ReadonlyMap<string, XmlReadPlan>;
  /** Child elements that are always arrays. */
  readonly arrays: ReadonlySet<string>;
  /** Declared as an object: an empty element is `{}`, text alone is `{ "#text": … }`. */
  readonly object: boolean;
  /** Declared as a closed object: names not listed are mistakes in `response.arrays`. */
  readonly closed: boolean;
  /** Text converted to this type; undefined keeps it a string. */
  readonly scalar: Scalar | undefined;
  readonly nullable: boolean;
}

interface MutablePlan {
  children: Map<string, MutablePlan>;
  arrays: Set<string>;
  object: boolean;
  closed: boolean;
  scalar: Scalar | undefined;
  nullable: boolean;
}

/** A value of the answer that does not fit the declared schema; `pointer` is where, in the JSON (RFC 6901). */
export class XmlReadError extends Error {
  readonly pointer: string;
  constructor(pointer: string, message: string) {
    super(message);
    this.name = 'XmlReadError';
    this.pointer = pointer;
  }
}

/**
 * The read plan for a declared result shape (or none) and the `response.arrays` paths; `report` gets the index of
 * each path that contradicts the schema or names a field it does not have.
 */
export function compileXmlReadPlan(shape: Shape | undefined, arrays: readonly string[], report: (index: number, message: string) => void): XmlReadPlan {
  const root = shape === undefined ? emptyPlan() : planOf(shape, 0);
  arrays.forEach((path, index) => {
    let node = root;
    const names = path.split('/');
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      if (node.closed && !node.children.has(name)) {
        const guess = didYouMean(name, [...node.children.keys()]);
        const where = i === 0 ? 'the root element' : `"${names.slice(0, i).join('/')}"`;
        report(index, `"${name}" is not in response.schema under ${where}${guess === undefined ? '' : `; did you mean "${[...names.slice(0, i), guess].join('/')}"?`}`);
        return;
      }
      let child = node.children.get(name);
      if (i === names.length - 1 && child !== undefined && !node.arrays.has(name)) {
        // Declared by the schema, and not as an array: the two would disagree about the result's shape.
        report(index, `"${path}" is not an array in response.schema: declare it \`type: array\` there (or drop it here)`);
        return;
      }
      if (child === undefined) {
        child = emptyPlan();
        node.children.set(name, child);
      }
      if (i === names.length - 1) node.arrays.add(name);
      node = child;
    }
  });
  return root;
}

function emptyPlan(): MutablePlan {
  return { children: new Map(), arrays: new Set(), object: false, closed: false, scalar: undefined, nullable: false };
}

function planOf(shape: Shape, depth: number): MutablePlan {
  const plan = emptyPlan();
  const members = membersOf(shape).filter((member) => member.kind !== 'missing');
  plan.nullable = members.some((member) => member.kind === 'null');
  if (depth > MAX_PLAN_DEPTH) return plan;
  const object = members.find((member) => member.kind === 'object');
  if (object !== undefined && object.kind === 'object') {
    plan.object = true;
    plan.closed = object.additional === null;
    for (const [name, field] of object.properties) {
      const array = membersOf(field).find((member) => member.kind === 'array');
      const isElement = name !== TEXT_KEY && !name.startsWith(ATTRIBUTE_PREFIX);
      if (array !== undefined && array.kind === 'array' && isElement) {
        plan.arrays.add(name);
        plan.children.set(name, planOf(array.items, depth + 1));
      } else {
        plan.children.set(name, planOf(field, depth + 1));
      }
    }
    return plan;
  }
  const kinds = new Set(members.map((member) => member.kind));
  if (!kinds.has('string') && !kinds.has('unknown')) {
    plan.scalar = kinds.has('number') ? 'number' : kinds.has('integer') ? 'integer' : kinds.has('boolean') ? 'boolean' : undefined;
  }
  return plan;
}

const NO_PLAN: XmlReadPlan = Object.freeze({ children: new Map<string, XmlReadPlan>(), arrays: new Set<string>(), object: false, closed: false, scalar: undefined, nullable: false });

/** The JSON of the root element's content. @throws XmlReadError where a value does not fit the plan */
export function readXmlContent(root: XmlElement, plan: XmlReadPlan): JsonValue {
  return readElement(root, plan, '');
}

function readElement(element: XmlElement, plan: XmlReadPlan, pointer: string): JsonValue {
  let fields: JsonObject | undefined;
  for (const attribute of element.attributes) {
    if (attribute.ns === XSI_NAMESPACE) {
      if (attribute.local === 'nil' && (attribute.value.trim() === 'true' || attribute.value.trim() === '1')) return null;
      continue;
    }
    const name = ATTRIBUTE_PREFIX + attribute.local;
    fields ??= {};
    setDocumentField(fields, name, readText(attribute.value, plan.children.get(name) ?? NO_PLAN, `${pointer}/${escapeToken(name)}`));
  }
  const { children } = element;
  if (children.length === 0 && fields === undefined && !plan.object) return readText(element.text, plan, pointer);
  fields ??= {};
  const repeated = repeatedNames(children);
  for (const child of children) {
    const name = child.local;
    const childPlan = plan.children.get(name) ?? NO_PLAN;
    if (plan.arrays.has(name) || repeated?.has(name) === true) {
      // The item's index is the length of its array so far: no counter map per element.
      const items = Object.hasOwn(fields, name) ? fields[name] : undefined;
      const index = Array.isArray(items) ? items.length : 0;
      pushField(fields, name, readElement(child, childPlan, `${pointer}/${escapeToken(name)}/${index}`));
    } else {
      setDocumentField(fields, name, readElement(child, childPlan, `${pointer}/${escapeToken(name)}`));
    }
  }
  for (const name of plan.arrays) if (!Object.hasOwn(fields, name)) setDocumentField(fields, name, []);
  if (element.text.trim() !== '') {
    setDocumentField(fields, TEXT_KEY, readText(element.text, plan.children.get(TEXT_KEY) ?? NO_PLAN, `${pointer}/${TEXT_KEY}`));
  }
  return fields;
}

function readText(text: string, plan: XmlReadPlan, pointer: string): JsonValue {
  if (plan.scalar === undefined) return text;
  const value = text.trim();
  if (value === '' && plan.nullable) return null;
  switch (plan.scalar) {
    case 'boolean':
      if (value === 'true' || value === '1') return true;
      if (value === 'false' || value === '0') return false;
      throw new XmlReadError(pointer, `${JSON.stringify(text)} is not a boolean`);
    case 'integer': {
      const number = /^[+-]?\d+$/.test(value) ? Number(value) : Number.NaN;
      if (Number.isSafeInteger(number)) return number;
      throw new XmlReadError(pointer, Number.isNaN(number) ? `${JSON.stringify(text)} is not an integer` : `${value} is beyond 2^53: declare it as a string`);
    }
    case 'number': {
      const number = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(value) ? Number(value) : Number.NaN;
      if (Number.isFinite(number)) return number;
      throw new XmlReadError(pointer, `${JSON.stringify(text)} is not a number`);
    }
  }
}
