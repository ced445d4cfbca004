import type { AttributeDecl, ComplexType, ElementDecl, ModelGroup, QName, SimpleType, XsdType } from '../model.js';
import type { SchemaDocument } from './document-graph.js';
import { XSD_NS } from './namespaces.js';
import type { XmlElement } from './xml-tree.js';

/** A model type under construction: the compiler fills it in place so that references to it can exist first. */
export type Writable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * What the per-construct builders (simple types, particles, attributes, complex types) need from the compiler:
 * resolving references to top-level components, memoised so each is built once and shared.
 */
export interface SchemaContext {
  /** Reports a problem at `at`, prefixed with what and where `at` is. */
  report(at: XmlElement, problem: string): void;
  /**
   * Reads a QName-valued attribute of `at` and resolves it in `at`'s namespace scope; in a chameleon schema a
   * no-namespace name means the includer's namespace. Undefined when absent or unresolvable (reported).
   */
  qname(at: XmlElement, attribute: string, schema: SchemaDocument): QName | undefined;
  /** Resolves one QName token written on `at` (as in memberTypes), like {@link qname}. */
  resolve(at: XmlElement, value: string, schema: SchemaDocument): QName | undefined;
  /** A named type. Complex types may still be empty shells here, filled before the import ends. */
  type(name: QName, at: XmlElement): XsdType | undefined;
  /** A named simple type, or undefined (reported) when the name is unknown or complex. */
  simpleType(name: QName, at: XmlElement): SimpleType | undefined;
  /** The type of an anonymous xs:complexType, queued for building. */
  anonymousComplexType(element: XmlElement, schema: SchemaDocument): ComplexType;
  /** Builds `type` now if it is still queued, for a derivation that needs its content; false on a derivation cycle. */
  complete(type: ComplexType, at: XmlElement): boolean;
  element(name: QName, at: XmlElement): ElementDecl | undefined;
  group(name: QName, at: XmlElement): ModelGroup | undefined;
  attributeGroup(name: QName, at: XmlElement): readonly AttributeDecl[] | undefined;
  attribute(name: QName, at: XmlElement): AttributeDecl | undefined;
}

/**
 * Reports children an XSD construct may not have (XSD Part 1's "Content" of each element), so that a misspelt
 * <xs:sequense> is an error rather than silently empty content. xs:annotation is always allowed.
 */
export function checkChildren(ctx: SchemaContext, element: XmlElement, allowed: ReadonlySet<string>): void {
  for (const child of element.children) {
    if (child.name.ns === XSD_NS && (child.name.local === 'annotation' || allowed.has(child.name.local))) continue;
    ctx.report(child, `unexpected ${child.written} in xs:${element.name.local}`);
  }
}

/** Stands in for a type that could not be resolved, so that building can go on and report every problem. */
export function unknownSimpleType(): SimpleType {
  return { kind: 'simple', builtin: 'anySimpleType', facets: {} };
}
