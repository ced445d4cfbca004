/**
 * The JSON shape of a complex type, derived once per type (memoized): every element the content model can hold,
 * by local name, with whether it is a JSON array; every attribute; the `value` field of simple content.
 *
 * The convention (one flat JSON object per XML element):
 * - child elements and attributes become fields named by their local name; namespaces and prefixes never appear;
 * - groups (sequence, choice, all, nested to any depth) add no level: their elements are fields of the same object;
 * - an element is an array when its maxOccurs, or that of any group around it, is above 1, even with one item;
 * - simple content beside attributes is the field `value`; simple content without attributes is the bare scalar;
 * - content that is only a wildcard (xs:anyType) has no declared shape: it is converted generically;
 * - names that would collide (an attribute and an element, two elements of one local name, an attribute called
 *   `value` next to simple content) have no JSON form: compiling the type fails, naming them.
 */
import type { AttributeDecl, ComplexType, ElementDecl, ModelGroup, Particle } from '../model.js';
import { SoapCodecCompileError } from './errors.js';

export interface FlatElement {
  readonly key: string;
  readonly decl: ElementDecl;
  /** The JSON form is an array: maxOccurs > 1 on the element or on an enclosing group. */
  readonly array: boolean;
}

export interface FlatShape {
  readonly elements: ReadonlyMap<string, FlatElement>;
  readonly attributes: ReadonlyMap<string, AttributeDecl>;
  /** Every field name the JSON object may have. */
  readonly keys: ReadonlySet<string>;
  /** xs:any somewhere in the content: unmatched elements are read generically. */
  readonly hasAny: boolean;
  /** The JSON form is the scalar of the simple content (simple content, no attributes). */
  readonly scalar: boolean;
  /**
   * Nothing declared but wildcards (xs:anyType, the type of an element declared without one): the content is
   * opaque, read and written generically (generic-xml.ts).
   */
  readonly opaque: boolean;
}

/** The field of simple content when the element also has attributes. */
export const VALUE_FIELD = 'value';

const memo = new WeakMap<ComplexType, FlatShape>();

export function typeLabel(type: ComplexType): string {
  return type.name !== undefined ? `type ${type.name.local}` : 'an anonymous type';
}

export function flattenComplexType(type: ComplexType): FlatShape {
  const cached = memo.get(type);
  if (cached !== undefined) return cached;
  const where = typeLabel(type);
  const elements = new Map<string, FlatElement>();
  let hasAny = false;

  const visit = (particle: Particle, repeated: boolean): void => {
    if (particle.kind === 'any') {
      hasAny = true;
      return;
    }
    if (particle.kind === 'element') {
      const key = checkName(particle.name.local, where);
      if (elements.has(key)) throw new SoapCodecCompileError(`${where}: element "${key}" appears twice in the content model, which has no JSON form`);
      elements.set(key, { key, decl: particle, array: repeated || particle.maxOccurs > 1 });
      return;
    }
    for (const child of particle.particles) visit(child, repeated || particle.maxOccurs > 1);
  };
  if (type.content !== undefined) visit(type.content, false);

  const attributes = new Map<string, AttributeDecl>();
  for (const attribute of type.attributes) {
    const key = checkName(attribute.name.local, where);
    if (elements.has(key)) throw new SoapCodecCompileError(`${where}: attribute "${key}" and child element "${key}" would be the same JSON field`);
    if (attributes.has(key)) throw new SoapCodecCompileError(`${where}: two attributes named "${key}"`);
    if (type.text !== undefined && key === VALUE_FIELD) {
      throw new SoapCodecCompileError(`${where}: attribute "${VALUE_FIELD}" collides with the field that holds the simple content`);
    }
    attributes.set(key, attribute);
  }
  if (type.text !== undefined && type.content !== undefined) throw new SoapCodecCompileError(`${where}: both simple and element content`);

  const scalar = type.text !== undefined && attributes.size === 0;
  const keys = new Set<string>([...elements.keys(), ...attributes.keys()]);
  if (type.text !== undefined && !scalar) keys.add(VALUE_FIELD);
  const opaque = hasAny && elements.size === 0 && attributes.size === 0 && type.text === undefined;
  const shape: FlatShape = { elements, attributes, keys, hasAny, scalar, opaque };
  memo.set(type, shape);
  return shape;
}

/** All element keys under a particle, for choosing a choice's alternative and sizing repeated groups. */
export function particleKeys(particle: Particle): string[] {
  if (particle.kind === 'any') return [];
  if (particle.kind === 'element') return [particle.name.local];
  return particle.particles.flatMap(particleKeys);
}

/** Whether a particle may produce no element at all (then an absent choice alternative is still satisfied). */
export function emptiable(particle: Particle): boolean {
  if (particle.minOccurs === 0) return true;
  if (particle.kind === 'any' || particle.kind === 'element') return false;
  const group: ModelGroup = particle;
  return group.kind === 'choice' ? group.particles.some(emptiable) : group.particles.every(emptiable);
}

function checkName(local: string, where: string): string {
  // An own field called __proto__ cannot be assigned on a plain object; a schema that needs one is refused.
  if (local === '__proto__') throw new SoapCodecCompileError(`${where}: the name "__proto__" cannot be a JSON field`);
  return local;
}
