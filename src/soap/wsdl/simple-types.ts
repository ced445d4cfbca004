import type { Facets, QName, SimpleType } from '../model.js';
import type { SchemaDocument } from './document-graph.js';
import { unknownSimpleType, type SchemaContext, type Writable } from './schema-context.js';
import { attr, isXsd, significantChildren } from './xml-helpers.js';
import type { XmlElement } from './xml-tree.js';

type CountFacet = 'length' | 'minLength' | 'maxLength' | 'totalDigits' | 'fractionDigits';
type BoundFacet = 'minInclusive' | 'maxInclusive' | 'minExclusive' | 'maxExclusive';

const COUNT_FACETS: ReadonlySet<string> = new Set<CountFacet>(['length', 'minLength', 'maxLength', 'totalDigits', 'fractionDigits']);
const BOUND_FACETS: ReadonlySet<string> = new Set<BoundFacet>(['minInclusive', 'maxInclusive', 'minExclusive', 'maxExclusive']);
/** XSD 1.1 facets: they constrain values in ways the model cannot carry. */
const REFUSED_FACETS: ReadonlySet<string> = new Set(['assertion', 'explicitTimezone']);

/** An xs:simpleType definition (named when `name` is given). */
export function buildSimpleType(ctx: SchemaContext, element: XmlElement, schema: SchemaDocument, name?: QName): SimpleType {
  const [variety, ...rest] = significantChildren(element);
  if (variety === undefined || rest.length > 0) {
    ctx.report(element, 'an xs:simpleType needs exactly one of xs:restriction, xs:list or xs:union');
    return withName(unknownSimpleType(), name);
  }
  if (isXsd(variety, 'restriction')) {
    const base = baseOf(ctx, variety, schema);
    return restrictSimpleType(ctx, base, variety, name);
  }
  if (isXsd(variety, 'list')) {
    const item = memberOf(ctx, variety, 'itemType', schema);
    if (item.listOf !== undefined) ctx.report(variety, 'the item type of a list cannot itself be a list');
    return withName({ kind: 'simple', builtin: 'anySimpleType', facets: {}, listOf: item }, name);
  }
  if (isXsd(variety, 'union')) {
    const members: SimpleType[] = [];
    for (const text of (attr(variety, 'memberTypes') ?? '').split(/\s+/).filter((token) => token !== '')) {
      const member = ctx.resolve(variety, text, schema);
      members.push((member && ctx.simpleType(member, variety)) ?? unknownSimpleType());
    }
    for (const child of significantChildren(variety)) {
      if (isXsd(child, 'simpleType')) members.push(buildSimpleType(ctx, child, schema));
      else ctx.report(child, `unexpected ${child.written} in xs:union`);
    }
    if (members.length === 0) ctx.report(variety, 'an xs:union needs memberTypes or a nested xs:simpleType');
    return withName({ kind: 'simple', builtin: 'anySimpleType', facets: {}, unionOf: members }, name);
  }
  ctx.report(variety, `unexpected ${variety.written} in xs:simpleType`);
  return withName(unknownSimpleType(), name);
}

/**
 * Applies the facets of one xs:restriction step to `base`. Facets merge with the base's, the restriction's value
 * winning, except patterns: XSD Part 2 §4.3.4 ORs the patterns of one step and ANDs the steps, so each step adds one
 * entry (its patterns joined with "|", which is an alternation of whole-value matches) and every entry must match.
 */
export function restrictSimpleType(ctx: SchemaContext, base: SimpleType, restriction: XmlElement, name?: QName): SimpleType {
  const own: Writable<Facets> = {};
  const enumeration: string[] = [];
  const patterns: string[] = [];
  for (const facet of significantChildren(restriction)) {
    const local = facet.name.local;
    if (isXsd(facet, 'simpleType') || isXsd(facet, 'attribute') || isXsd(facet, 'attributeGroup') || isXsd(facet, 'anyAttribute')) continue;
    const value = attr(facet, 'value');
    if (!isXsd(facet, local) || REFUSED_FACETS.has(local)) {
      ctx.report(facet, `the facet ${facet.written} is not supported`);
    } else if (local === 'whiteSpace') {
      // Whitespace normalisation of the lexical form: the codec trims what the built-in type says to trim.
    } else if (value === undefined) {
      ctx.report(facet, `xs:${local} needs a value`);
    } else if (local === 'enumeration') {
      enumeration.push(value);
    } else if (local === 'pattern') {
      patterns.push(value);
    } else if (COUNT_FACETS.has(local)) {
      const count = /^\s*\+?\d+\s*$/.test(value) ? Number(value) : NaN;
      if (!Number.isSafeInteger(count) || (local === 'totalDigits' && count === 0)) {
        ctx.report(facet, `xs:${local} value "${value}" is not a ${local === 'totalDigits' ? 'positive' : 'non-negative'} integer`);
      } else own[local as CountFacet] = count;
    } else if (BOUND_FACETS.has(local)) {
      own[local as BoundFacet] = value.trim();
    } else {
      ctx.report(facet, `unexpected xs:${local} in a simple type restriction`);
    }
  }
  const facets: Writable<Facets> = { ...base.facets, ...own };
  if (enumeration.length > 0) facets.enumeration = enumeration;
  if (patterns.length > 0) facets.pattern = [...(base.facets.pattern ?? []), patterns.join('|')];
  const result: Writable<SimpleType> = { kind: 'simple', builtin: base.builtin, facets };
  if (base.listOf !== undefined) result.listOf = base.listOf;
  if (base.unionOf !== undefined) result.unionOf = base.unionOf;
  return withName(result, name);
}

/** The simple type named by `attribute` or given as a nested xs:simpleType (one of them, not both). */
export function simpleTypeOf(ctx: SchemaContext, element: XmlElement, attribute: string, schema: SchemaDocument): SimpleType | undefined {
  const nested = element.children.find((child) => isXsd(child, 'simpleType'));
  const named = element.attributes.has(attribute);
  if (nested !== undefined && named) {
    ctx.report(element, `has both ${attribute}= and a nested xs:simpleType`);
    return unknownSimpleType();
  }
  if (nested !== undefined) return buildSimpleType(ctx, nested, schema);
  if (!named) return undefined;
  const name = ctx.qname(element, attribute, schema);
  return (name && ctx.simpleType(name, element)) ?? unknownSimpleType();
}

function baseOf(ctx: SchemaContext, restriction: XmlElement, schema: SchemaDocument): SimpleType {
  const base = simpleTypeOf(ctx, restriction, 'base', schema);
  if (base === undefined) ctx.report(restriction, 'needs a base= or a nested xs:simpleType');
  return base ?? unknownSimpleType();
}

function memberOf(ctx: SchemaContext, element: XmlElement, attribute: string, schema: SchemaDocument): SimpleType {
  const member = simpleTypeOf(ctx, element, attribute, schema);
  if (member === undefined) ctx.report(element, `needs ${attribute}= or a nested xs:simpleType`);
  return member ?? unknownSimpleType();
}

function withName(type: SimpleType, name: QName | undefined): SimpleType {
  return name === undefined ? type : { ...type, name };
}
