import type { AnyElement, ElementDecl, ModelGroup, Particle, XsdType } from '../model.js';
import type { SchemaDocument } from './document-graph.js';
import { XSD_NS } from './namespaces.js';
import { checkChildren, unknownSimpleType, type SchemaContext, type Writable } from './schema-context.js';
import { buildSimpleType } from './simple-types.js';
import { attr, isXsd, significantChildren } from './xml-helpers.js';
import type { XmlElement } from './xml-tree.js';

const GROUP_KINDS: ReadonlySet<string> = new Set(['sequence', 'choice', 'all']);
const ELEMENT_CHILDREN: ReadonlySet<string> = new Set(['complexType', 'simpleType', 'unique', 'key', 'keyref', 'alternative']);

export interface Occurs {
  readonly minOccurs: number;
  readonly maxOccurs: number;
}

/**
 * The content particle of a complexType, extension or restriction: its xs:sequence / xs:choice / xs:all or
 * xs:group reference, or undefined for empty content. An empty group is empty content too.
 */
export function contentOf(ctx: SchemaContext, holder: XmlElement, schema: SchemaDocument): ModelGroup | undefined {
  const particles = significantChildren(holder).filter((child) => isXsd(child, 'group') || (child.name.ns === XSD_NS && GROUP_KINDS.has(child.name.local)));
  const [first, second] = particles;
  if (first === undefined) return undefined;
  if (second !== undefined) ctx.report(second, 'a type has one content model: wrap several groups in an xs:sequence');
  const group = isXsd(first, 'group') ? groupReference(ctx, first, schema) : modelGroup(ctx, first, schema);
  return group === undefined || group.particles.length === 0 ? undefined : group;
}

/** An xs:sequence, xs:choice or xs:all and everything in it, in document order. */
export function modelGroup(ctx: SchemaContext, element: XmlElement, schema: SchemaDocument): ModelGroup {
  const kind = element.name.local as ModelGroup['kind'];
  const particles: Particle[] = [];
  for (const child of significantChildren(element)) {
    const particle = particleOf(ctx, child, schema);
    if (particle === undefined) continue;
    if (kind === 'all' && particle.kind !== 'element') ctx.report(child, 'an xs:all may only contain elements');
    particles.push(particle);
  }
  return { kind, ...occurs(ctx, element), particles };
}

/** An element declaration: a top-level one (`global`) is always qualified and occurs once where it is declared. */
export function elementDecl(ctx: SchemaContext, element: XmlElement, schema: SchemaDocument, global: boolean): ElementDecl | undefined {
  if (element.attributes.has('substitutionGroup')) {
    ctx.report(element, 'substitutionGroup is not supported: members of a substitution group may replace the head element in instances');
  }
  if (attr(element, 'abstract') === 'true') {
    ctx.report(element, 'abstract elements are not supported: they only appear through substitution groups');
  }
  // Identity constraints (xs:unique, xs:key, xs:keyref) restrict values, not the shape: the backend enforces them.
  checkChildren(ctx, element, ELEMENT_CHILDREN);
  for (const child of element.children) if (isXsd(child, 'alternative')) ctx.report(child, 'xs:alternative (XSD 1.1 type alternatives) is not supported');
  const bounds = global ? { minOccurs: 1, maxOccurs: 1 } : occurs(ctx, element);
  const ref = global ? undefined : ctx.qname(element, 'ref', schema);
  if (ref !== undefined) {
    const target = ctx.element(ref, element);
    return target === undefined ? undefined : { ...target, ...bounds };
  }
  if (element.attributes.has('ref')) return undefined;
  const local = attr(element, 'name');
  if (local === undefined) {
    ctx.report(element, 'an element needs a name or a ref');
    return undefined;
  }
  const form = attr(element, 'form');
  if (form !== undefined && form !== 'qualified' && form !== 'unqualified') ctx.report(element, `form="${form}" is neither qualified nor unqualified`);
  const qualified = global || (form === undefined ? schema.elementFormQualified : form === 'qualified');
  const decl: Writable<ElementDecl> = {
    kind: 'element',
    name: { ns: qualified ? schema.targetNamespace : '', local },
    type: elementType(ctx, element, schema),
    ...bounds,
    nillable: attr(element, 'nillable') === 'true',
  };
  const fixed = attr(element, 'fixed');
  const defaultValue = attr(element, 'default');
  if (fixed !== undefined && defaultValue !== undefined) ctx.report(element, 'default and fixed are mutually exclusive');
  if (defaultValue !== undefined) decl.default = defaultValue;
  if (fixed !== undefined) decl.fixed = fixed;
  return decl;
}

/** minOccurs / maxOccurs as written, "unbounded" being Infinity (XSD Part 1 §3.9.2). */
export function occurs(ctx: SchemaContext, element: XmlElement): Occurs {
  const min = count(ctx, element, 'minOccurs', false);
  const max = count(ctx, element, 'maxOccurs', true);
  if (min > max) ctx.report(element, `minOccurs ${min} is greater than maxOccurs ${max}`);
  return { minOccurs: min, maxOccurs: max };
}

function particleOf(ctx: SchemaContext, child: XmlElement, schema: SchemaDocument): Particle | undefined {
  if (child.name.ns !== XSD_NS) {
    ctx.report(child, `unexpected ${child.written} in a model group`);
    return undefined;
  }
  const local = child.name.local;
  if (local === 'element') return elementDecl(ctx, child, schema, false);
  if (local === 'group') return groupReference(ctx, child, schema);
  if (local === 'any') {
    // namespace= and processContents= only restrict what the wildcard matches; the codec keeps it opaque either way.
    const any: AnyElement = { kind: 'any', ...occurs(ctx, child) };
    return any;
  }
  if (GROUP_KINDS.has(local)) {
    if (local === 'all') ctx.report(child, 'xs:all nested in another model group is only allowed by XSD 1.1, which is not supported');
    return modelGroup(ctx, child, schema);
  }
  ctx.report(child, `unexpected xs:${local} in a model group`);
  return undefined;
}

function groupReference(ctx: SchemaContext, element: XmlElement, schema: SchemaDocument): ModelGroup | undefined {
  const name = ctx.qname(element, 'ref', schema);
  if (name === undefined) {
    if (!element.attributes.has('ref')) ctx.report(element, 'a group reference needs ref=');
    return undefined;
  }
  const group = ctx.group(name, element);
  return group === undefined ? undefined : { ...group, ...occurs(ctx, element) };
}

function elementType(ctx: SchemaContext, element: XmlElement, schema: SchemaDocument): XsdType {
  const nested = element.children.filter((child) => isXsd(child, 'complexType') || isXsd(child, 'simpleType'));
  if (nested.length > 0 && element.attributes.has('type')) ctx.report(element, 'has both type= and a nested type definition');
  const [anonymous] = nested;
  if (anonymous !== undefined) {
    return isXsd(anonymous, 'complexType') ? ctx.anonymousComplexType(anonymous, schema) : buildSimpleType(ctx, anonymous, schema);
  }
  // An element declared without a type has xs:anyType (XSD Part 1 §3.3.2).
  const name = element.attributes.has('type') ? ctx.qname(element, 'type', schema) : { ns: XSD_NS, local: 'anyType' };
  return (name && ctx.type(name, element)) ?? unknownSimpleType();
}

function count(ctx: SchemaContext, element: XmlElement, attribute: 'minOccurs' | 'maxOccurs', unboundedAllowed: boolean): number {
  const text = attr(element, attribute)?.trim();
  if (text === undefined) return 1;
  if (unboundedAllowed && text === 'unbounded') return Infinity;
  const value = /^\+?\d+$/.test(text) ? Number(text) : NaN;
  if (Number.isSafeInteger(value)) return value;
  ctx.report(element, `${attribute}="${text}" is not a non-negative integer${unboundedAllowed ? ' or "unbounded"' : ''}`);
  return 1;
}
