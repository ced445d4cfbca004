import type { ComplexType, ModelGroup, Particle, SimpleType } from '../model.js';
import { attributeUses, deriveAttributes } from './attributes.js';
import type { SchemaDocument } from './document-graph.js';
import { XSD_NS } from './namespaces.js';
import { contentOf } from './particles.js';
import { checkChildren, unknownSimpleType, type SchemaContext, type Writable } from './schema-context.js';
import { buildSimpleType, restrictSimpleType } from './simple-types.js';
import { attr, clark, isXsd, significantChildren } from './xml-helpers.js';
import type { XmlElement } from './xml-tree.js';

/** Everything of a complex type but its identity, which the compiler sets when it creates the (shared) object. */
export type ComplexBody = Omit<Writable<ComplexType>, 'kind' | 'name'>;

/** XSD 1.1 constructs inside a complex type that change which instances are valid. */
const REFUSED_1_1 = new Set(['openContent', 'assert']);
const PARTICLES_AND_ATTRIBUTES = ['group', 'all', 'choice', 'sequence', 'attribute', 'attributeGroup', 'anyAttribute'];
const COMPLEX_TYPE_CHILDREN: ReadonlySet<string> = new Set([...PARTICLES_AND_ATTRIBUTES, 'simpleContent', 'complexContent', ...REFUSED_1_1]);
const COMPLEX_DERIVATION_CHILDREN: ReadonlySet<string> = new Set([...PARTICLES_AND_ATTRIBUTES, ...REFUSED_1_1]);

/** Builds the body of an xs:complexType element (named or anonymous). */
export function complexTypeBody(ctx: SchemaContext, element: XmlElement, schema: SchemaDocument): ComplexBody {
  const abstract = attr(element, 'abstract') === 'true';
  const mixed = attr(element, 'mixed') === 'true';
  checkChildren(ctx, element, COMPLEX_TYPE_CHILDREN);
  for (const child of element.children) {
    if (child.name.ns === XSD_NS && REFUSED_1_1.has(child.name.local)) ctx.report(child, `xs:${child.name.local} (XSD 1.1) is not supported`);
  }
  const simpleContent = element.children.find((child) => isXsd(child, 'simpleContent'));
  if (simpleContent !== undefined) return { ...simpleContentBody(ctx, simpleContent, schema), abstract };
  const complexContent = element.children.find((child) => isXsd(child, 'complexContent'));
  if (complexContent !== undefined) {
    const ownMixed = attr(complexContent, 'mixed');
    return { ...complexContentBody(ctx, complexContent, schema, ownMixed === undefined ? mixed : ownMixed === 'true'), abstract };
  }
  const body: ComplexBody = { attributes: deriveAttributes(ctx, element, [], attributeUses(ctx, element, schema), 'none'), mixed, abstract };
  const content = contentOf(ctx, element, schema);
  if (content !== undefined) body.content = content;
  return body;
}

/**
 * complexContent: an extension's content is the base's followed by its own, as one sequence (XSD Part 1 §3.4.2);
 * a restriction restates the whole content. Both inherit the base's attributes (see deriveAttributes).
 * xs:anyType as the base means no base at all: `<complexType><sequence>` is short for restricting it.
 */
function complexContentBody(ctx: SchemaContext, holder: XmlElement, schema: SchemaDocument, mixed: boolean): ComplexBody {
  const empty: ComplexBody = { attributes: [], mixed, abstract: false };
  const derivation = derivationOf(ctx, holder);
  const baseName = derivation && ctx.qname(derivation, 'base', schema);
  if (derivation === undefined || baseName === undefined) return empty;
  const isExtension = derivation.name.local === 'extension';
  checkChildren(ctx, derivation, COMPLEX_DERIVATION_CHILDREN);
  const ownContent = contentOf(ctx, derivation, schema);
  const ownAttributes = attributeUses(ctx, derivation, schema);
  const own = (body: ComplexBody): ComplexBody => (ownContent === undefined ? body : { ...body, content: ownContent });
  if (baseName.ns === XSD_NS && baseName.local === 'anyType') {
    return own({ ...empty, attributes: deriveAttributes(ctx, derivation, [], ownAttributes, 'none') });
  }
  const base = ctx.type(baseName, derivation);
  if (base === undefined) return own(empty);
  if (base.kind === 'simple') {
    ctx.report(derivation, `complexContent cannot derive from the simple type ${clark(baseName)}; use simpleContent`);
    return own(empty);
  }
  if (!ctx.complete(base, derivation)) return own(empty);
  if (base.text !== undefined) ctx.report(derivation, `complexContent cannot derive from ${clark(baseName)}, which has simple content; use simpleContent`);
  const attributes = deriveAttributes(ctx, derivation, base.attributes, ownAttributes, isExtension ? 'extension' : 'restriction');
  const body: ComplexBody = { attributes, mixed: mixed || (isExtension && base.mixed), abstract: false, base: baseName };
  const content = isExtension ? concatenate(base.content, ownContent) : ownContent;
  if (content !== undefined) body.content = content;
  return body;
}

/**
 * simpleContent: text of a simple type plus attributes. An extension adds attributes to a simple type or to a type
 * with simple content; a restriction narrows the text of a type with simple content with facets (or with a nested
 * simpleType) and narrows or prohibits its attributes.
 */
function simpleContentBody(ctx: SchemaContext, holder: XmlElement, schema: SchemaDocument): ComplexBody {
  const empty: ComplexBody = { attributes: [], text: unknownSimpleType(), mixed: false, abstract: false };
  const derivation = derivationOf(ctx, holder);
  const baseName = derivation && ctx.qname(derivation, 'base', schema);
  if (derivation === undefined || baseName === undefined) return empty;
  const isExtension = derivation.name.local === 'extension';
  const ownAttributes = attributeUses(ctx, derivation, schema);
  const base = ctx.type(baseName, derivation);
  if (base === undefined) return empty;
  let baseText: SimpleType | undefined;
  let baseAttributes: ComplexType['attributes'] = [];
  if (base.kind === 'simple') baseText = base;
  else if (ctx.complete(base, derivation)) {
    baseText = base.text;
    baseAttributes = base.attributes;
  } else return empty;
  if (baseText === undefined) {
    ctx.report(derivation, `simpleContent needs a simple type or a type with simple content as its base, not ${clark(baseName)}`);
    return empty;
  }
  let text = baseText;
  if (!isExtension) {
    const nested = derivation.children.find((child) => isXsd(child, 'simpleType'));
    text = restrictSimpleType(ctx, nested === undefined ? baseText : buildSimpleType(ctx, nested, schema), derivation);
  } else {
    for (const child of significantChildren(derivation)) {
      if (!isXsd(child, 'attribute') && !isXsd(child, 'attributeGroup') && !isXsd(child, 'anyAttribute')) {
        ctx.report(child, `unexpected ${child.written} in a simpleContent extension`);
      }
    }
  }
  const attributes = deriveAttributes(ctx, derivation, baseAttributes, ownAttributes, isExtension ? 'extension' : 'restriction');
  return { attributes, text, mixed: false, abstract: false, base: baseName };
}

function derivationOf(ctx: SchemaContext, holder: XmlElement): XmlElement | undefined {
  const [derivation, ...rest] = significantChildren(holder);
  if (derivation === undefined || rest.length > 0 || !(isXsd(derivation, 'extension') || isXsd(derivation, 'restriction'))) {
    ctx.report(holder, `xs:${holder.name.local} needs exactly one xs:extension or xs:restriction`);
    return undefined;
  }
  if (!derivation.attributes.has('base')) ctx.report(derivation, 'needs a base=');
  return derivation;
}

/**
 * The base content followed by the extension's. A plain sequence (occurring once) is spliced rather than nested,
 * which means the same and spares the codec a level.
 */
function concatenate(base: ModelGroup | undefined, own: ModelGroup | undefined): ModelGroup | undefined {
  if (base === undefined) return own;
  if (own === undefined) return base;
  return { kind: 'sequence', minOccurs: 1, maxOccurs: 1, particles: [...spliced(base), ...spliced(own)] };
}

function spliced(group: ModelGroup): readonly Particle[] {
  return group.kind === 'sequence' && group.minOccurs === 1 && group.maxOccurs === 1 ? group.particles : [group];
}
