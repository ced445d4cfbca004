import type { AttributeDecl, QName } from '../model.js';
import type { SchemaDocument } from './document-graph.js';
import { WSDL_NS, XSD_NS } from './namespaces.js';
import { checkChildren, unknownSimpleType, type SchemaContext, type Writable } from './schema-context.js';
import { simpleTypeOf } from './simple-types.js';
import { attr, clark, isXsd, significantChildren } from './xml-helpers.js';
import type { XmlElement } from './xml-tree.js';

/** The attribute uses written directly on a type (or extension, restriction, attribute group). */
export interface AttributeUses {
  readonly uses: readonly AttributeDecl[];
  /** Names with use="prohibited": in a restriction they remove the base type's attribute. */
  readonly prohibited: readonly QName[];
}

const WSDL_ARRAY_TYPE = `{${WSDL_NS}}arrayType`;
const ATTRIBUTE_CHILDREN: ReadonlySet<string> = new Set(['simpleType']);
const ANY_SIMPLE_TYPE: QName = { ns: XSD_NS, local: 'anySimpleType' };

/**
 * xs:attribute and xs:attributeGroup references among `holder`'s children, in document order. xs:anyAttribute is
 * ignored: it only lets instances carry attributes nobody declared, which the codec drops when decoding and never
 * writes when encoding.
 */
export function attributeUses(ctx: SchemaContext, holder: XmlElement, schema: SchemaDocument): AttributeUses {
  const uses: AttributeDecl[] = [];
  const prohibited: QName[] = [];
  for (const child of significantChildren(holder)) {
    if (isXsd(child, 'attribute')) {
      const use = attr(child, 'use') ?? 'optional';
      if (use !== 'optional' && use !== 'required' && use !== 'prohibited') {
        ctx.report(child, `use="${use}" is not optional, required or prohibited`);
        continue;
      }
      const decl = attributeDecl(ctx, child, schema, false);
      if (decl === undefined) continue;
      if (use === 'prohibited') prohibited.push(decl.name);
      else uses.push(decl);
    } else if (isXsd(child, 'attributeGroup')) {
      const name = ctx.qname(child, 'ref', schema);
      if (name === undefined && !child.attributes.has('ref')) ctx.report(child, 'an attribute group reference needs ref=');
      uses.push(...((name && ctx.attributeGroup(name, child)) ?? []));
    }
  }
  return { uses, prohibited };
}

/**
 * One attribute declaration. A top-level one (`global`) is always qualified; a local one follows form= or the
 * schema's attributeFormDefault (unqualified unless said otherwise, XSD Part 1 §3.2.2).
 */
export function attributeDecl(ctx: SchemaContext, element: XmlElement, schema: SchemaDocument, global: boolean): AttributeDecl | undefined {
  if (element.attributes.has(WSDL_ARRAY_TYPE)) {
    ctx.report(element, 'wsdl:arrayType (a SOAP-encoded array) is not supported: only literal use is');
    return undefined;
  }
  checkChildren(ctx, element, ATTRIBUTE_CHILDREN);
  const required = !global && attr(element, 'use') === 'required';
  const defaultValue = attr(element, 'default');
  const fixed = attr(element, 'fixed');
  if (defaultValue !== undefined && fixed !== undefined) ctx.report(element, 'default and fixed are mutually exclusive');
  if (defaultValue !== undefined && required) ctx.report(element, 'an attribute with a default must be optional');
  const ref = global ? undefined : ctx.qname(element, 'ref', schema);
  let decl: Writable<AttributeDecl>;
  if (ref !== undefined) {
    const target = ctx.attribute(ref, element);
    if (target === undefined) return undefined;
    decl = { ...target, required };
  } else {
    if (element.attributes.has('ref')) return undefined;
    const local = attr(element, 'name');
    if (local === undefined) {
      ctx.report(element, 'an attribute needs a name or a ref');
      return undefined;
    }
    const form = attr(element, 'form');
    if (form !== undefined && form !== 'qualified' && form !== 'unqualified') ctx.report(element, `form="${form}" is neither qualified nor unqualified`);
    const qualified = global || (form === undefined ? schema.attributeFormQualified : form === 'qualified');
    // Without a type an attribute takes any simple value (XSD Part 1 §3.2.2).
    const type = simpleTypeOf(ctx, element, 'type', schema) ?? ctx.simpleType(ANY_SIMPLE_TYPE, element) ?? unknownSimpleType();
    decl = { name: { ns: qualified ? schema.targetNamespace : '', local }, type, required };
  }
  // A use's default or fixed value overrides the declaration's (XSD Part 1 §3.5.1).
  if (defaultValue !== undefined) {
    decl.default = defaultValue;
    delete decl.fixed;
  }
  if (fixed !== undefined) {
    decl.fixed = fixed;
    delete decl.default;
  }
  return decl;
}

/**
 * The attribute uses of a derived type (XSD Part 1 §3.4.2): the base type's first, then its own. An extension may
 * not redeclare a base attribute; a restriction may narrow one (its declaration replaces the base's) or prohibit it.
 */
export function deriveAttributes(
  ctx: SchemaContext,
  at: XmlElement,
  base: readonly AttributeDecl[],
  own: AttributeUses,
  derivation: 'extension' | 'restriction' | 'none',
): AttributeDecl[] {
  const ownKeys = new Set<string>();
  for (const use of own.uses) {
    const key = clark(use.name);
    if (ownKeys.has(key)) ctx.report(at, `attribute ${key} is declared twice`);
    ownKeys.add(key);
  }
  const removed = new Set(own.prohibited.map(clark));
  const inherited: AttributeDecl[] = [];
  for (const use of base) {
    const key = clark(use.name);
    if (derivation === 'restriction' && (ownKeys.has(key) || removed.has(key))) continue;
    if (derivation === 'extension' && ownKeys.has(key)) ctx.report(at, `attribute ${key} is already declared by the base type`);
    inherited.push(use);
  }
  return [...inherited, ...own.uses];
}
