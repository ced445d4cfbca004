import { didYouMean } from '../../errors/did-you-mean.js';
import type { AttributeDecl, ComplexType, ElementDecl, ModelGroup, QName, SimpleType, XsdType } from '../model.js';
import { attributeDecl, attributeUses } from './attributes.js';
import { builtinNames, builtinType, xmlAttribute } from './builtins.js';
import { complexTypeBody } from './complex-types.js';
import type { SchemaDocument } from './document-graph.js';
import { SOAP11_ENCODING_NS, SOAP12_ENCODING_NS, XML_NS, XSD_NS } from './namespaces.js';
import { elementDecl, modelGroup } from './particles.js';
import { checkChildren, type SchemaContext, type Writable } from './schema-context.js';
import type { Component, ComponentKind, SchemaIndex } from './schema-index.js';
import { buildSimpleType } from './simple-types.js';
import type { IssueList } from './wsdl-error.js';
import { attr, clark, describe, report, significantChildren, withArticle } from './xml-helpers.js';
import { resolveQName, type XmlElement } from './xml-tree.js';

/** A complex type waiting to be built: the shell exists (and may be referenced) before its content does. */
interface Job {
  readonly target: Writable<ComplexType>;
  readonly element: XmlElement;
  readonly schema: SchemaDocument;
  state: 'queued' | 'building' | 'built';
}

/** Marks a component whose build has started, to detect reference cycles XSD forbids (groups, simple types). */
const BUILDING = Symbol('building');

const ATTRIBUTE_GROUP_CHILDREN: ReadonlySet<string> = new Set(['attribute', 'attributeGroup', 'anyAttribute']);

const KIND_LABEL: Readonly<Record<ComponentKind, string>> = {
  element: 'element',
  type: 'type',
  group: 'group',
  attributeGroup: 'attribute group',
  attribute: 'attribute',
};

/**
 * Turns the indexed schemas into model types. Every top-level component is built exactly once and shared by all
 * references to it. Complex types are created as empty shells and filled from a queue, so a type that contains
 * itself (directly, through an element ref or through an anonymous type that extends it) becomes a cycle in the
 * graph rather than an infinite recursion; only a derivation needs its base built first, and a base that is
 * still being built is a circular derivation.
 */
export class SchemaCompiler implements SchemaContext {
  readonly #index: SchemaIndex;
  readonly #issues: IssueList;
  readonly #locationless: ReadonlySet<string>;
  readonly #builtins = new Map<string, XsdType>();
  readonly #simple = new Map<Component, SimpleType | typeof BUILDING>();
  readonly #complex = new Map<Component, ComplexType>();
  readonly #jobs = new Map<ComplexType, Job>();
  readonly #queue: Job[] = [];
  readonly #elements = new Map<Component, ElementDecl | undefined | typeof BUILDING>();
  readonly #groups = new Map<Component, ModelGroup | undefined | typeof BUILDING>();
  readonly #attributeGroups = new Map<Component, readonly AttributeDecl[] | typeof BUILDING>();
  readonly #attributes = new Map<Component, AttributeDecl | undefined>();

  constructor(index: SchemaIndex, issues: IssueList, locationlessImports: ReadonlySet<string>) {
    this.#index = index;
    this.#issues = issues;
    this.#locationless = locationlessImports;
  }

  /** Builds every top-level component, used or not, so that every problem in the schemas is reported at load. */
  compileAll(): void {
    for (const kind of ['element', 'type', 'group', 'attributeGroup', 'attribute'] as const) {
      for (const component of this.#index.all(kind)) {
        if (kind === 'element') this.element(component.name, component.element);
        else if (kind === 'type') this.type(component.name, component.element);
        else if (kind === 'group') this.group(component.name, component.element);
        else if (kind === 'attributeGroup') this.attributeGroup(component.name, component.element);
        else this.attribute(component.name, component.element);
      }
    }
    this.drain();
  }

  /** Every top-level type, in document order (after {@link compileAll}). */
  namedTypes(): XsdType[] {
    const types: XsdType[] = [];
    for (const component of this.#index.all('type')) {
      const type = this.type(component.name, component.element);
      if (type !== undefined) types.push(type);
    }
    return types;
  }

  /** Builds every queued complex type. */
  drain(): void {
    for (let job = this.#queue.shift(); job !== undefined; job = this.#queue.shift()) {
      if (job.state === 'queued') this.#build(job);
    }
  }

  report(at: XmlElement, problem: string): void {
    report(this.#issues, at, `${describe(at)}: ${problem}`);
  }

  qname(at: XmlElement, attribute: string, schema: SchemaDocument): QName | undefined {
    const value = attr(at, attribute);
    return value === undefined ? undefined : this.resolve(at, value, schema);
  }

  resolve(at: XmlElement, value: string, schema: SchemaDocument): QName | undefined {
    const name = resolveQName(at, value);
    if (name === undefined) {
      this.report(at, `cannot resolve "${value}": its namespace prefix is not declared`);
      return undefined;
    }
    return schema.chameleon && name.ns === '' ? { ns: schema.targetNamespace, local: name.local } : name;
  }

  type(name: QName, at: XmlElement): XsdType | undefined {
    if (name.ns === XSD_NS) return this.#builtin(name.local, at);
    if (this.#isEncoding(name, at)) return undefined;
    const component = this.#lookup('type', name, at);
    if (component === undefined) return undefined;
    if (component.element.name.local === 'simpleType') return this.#simpleType(component);
    let type = this.#complex.get(component);
    if (type === undefined) {
      type = this.#enqueue(component.element, component.schema, component.name);
      this.#complex.set(component, type);
    }
    return type;
  }

  simpleType(name: QName, at: XmlElement): SimpleType | undefined {
    const type = this.type(name, at);
    if (type?.kind === 'complex') {
      this.report(at, `${clark(name)} is a complex type, but a simple type is needed here`);
      return undefined;
    }
    return type;
  }

  anonymousComplexType(element: XmlElement, schema: SchemaDocument): ComplexType {
    return this.#enqueue(element, schema, undefined);
  }

  complete(type: ComplexType, at: XmlElement): boolean {
    const job = this.#jobs.get(type);
    if (job === undefined || job.state === 'built') return true;
    if (job.state === 'building') {
      this.report(at, `circular derivation: ${type.name === undefined ? 'the type' : clark(type.name)} derives from itself`);
      return false;
    }
    this.#build(job);
    return true;
  }

  element(name: QName, at: XmlElement): ElementDecl | undefined {
    if (this.#isEncoding(name, at)) return undefined;
    const component = this.#lookup('element', name, at);
    if (component === undefined) return undefined;
    if (this.#elements.has(component)) {
      const known = this.#elements.get(component);
      return known === BUILDING ? undefined : known;
    }
    this.#elements.set(component, BUILDING);
    const decl = elementDecl(this, component.element, component.schema, true);
    this.#elements.set(component, decl);
    return decl;
  }

  group(name: QName, at: XmlElement): ModelGroup | undefined {
    const component = this.#lookup('group', name, at);
    if (component === undefined) return undefined;
    const known = this.#groups.get(component);
    if (known === BUILDING) {
      this.report(at, `circular group: ${clark(name)} contains itself`);
      return undefined;
    }
    if (this.#groups.has(component)) return known;
    this.#groups.set(component, BUILDING);
    const [body, ...rest] = significantChildren(component.element);
    let group: ModelGroup | undefined;
    if (body === undefined || rest.length > 0 || !['sequence', 'choice', 'all'].includes(body.name.local)) {
      this.report(component.element, 'a group definition needs exactly one xs:sequence, xs:choice or xs:all');
    } else group = modelGroup(this, body, component.schema);
    this.#groups.set(component, group);
    return group;
  }

  attributeGroup(name: QName, at: XmlElement): readonly AttributeDecl[] | undefined {
    const component = this.#lookup('attributeGroup', name, at);
    if (component === undefined) return undefined;
    const known = this.#attributeGroups.get(component);
    if (known === BUILDING) {
      this.report(at, `circular attribute group: ${clark(name)} contains itself`);
      return undefined;
    }
    if (known !== undefined) return known;
    this.#attributeGroups.set(component, BUILDING);
    checkChildren(this, component.element, ATTRIBUTE_GROUP_CHILDREN);
    const uses = attributeUses(this, component.element, component.schema).uses;
    this.#attributeGroups.set(component, uses);
    return uses;
  }

  attribute(name: QName, at: XmlElement): AttributeDecl | undefined {
    if (name.ns === XML_NS) {
      const builtin = xmlAttribute(name.local);
      if (builtin === undefined) this.report(at, `unknown attribute xml:${name.local} (the XML namespace defines lang, space, base and id)`);
      return builtin;
    }
    if (this.#isEncoding(name, at)) return undefined;
    const component = this.#lookup('attribute', name, at);
    if (component === undefined) return undefined;
    if (!this.#attributes.has(component)) this.#attributes.set(component, attributeDecl(this, component.element, component.schema, true));
    return this.#attributes.get(component);
  }

  #build(job: Job): void {
    job.state = 'building';
    Object.assign(job.target, complexTypeBody(this, job.element, job.schema));
    job.state = 'built';
  }

  #enqueue(element: XmlElement, schema: SchemaDocument, name: QName | undefined): ComplexType {
    const target: Writable<ComplexType> = { kind: 'complex', attributes: [], mixed: false, abstract: false };
    if (name !== undefined) target.name = name;
    const job: Job = { target, element, schema, state: 'queued' };
    this.#jobs.set(target, job);
    this.#queue.push(job);
    return target;
  }

  #simpleType(component: Component): SimpleType | undefined {
    const known = this.#simple.get(component);
    if (known === BUILDING) {
      this.report(component.element, `circular definition: ${clark(component.name)} is derived from itself`);
      return undefined;
    }
    if (known !== undefined) return known;
    this.#simple.set(component, BUILDING);
    const built = buildSimpleType(this, component.element, component.schema, component.name);
    this.#simple.set(component, built);
    return built;
  }

  #builtin(local: string, at: XmlElement): XsdType | undefined {
    const known = this.#builtins.get(local);
    if (known !== undefined) return known;
    const lookup = builtinType(local);
    if ('error' in lookup) {
      // A user type written with the XSD prefix by mistake is likelier than a misspelt built-in.
      const elsewhere = this.#elsewhere('type', { ns: XSD_NS, local });
      const guess = didYouMean(local, builtinNames());
      this.report(at, lookup.error + (elsewhere !== '' || guess === undefined ? elsewhere : `; did you mean xs:${guess}?`));
      return undefined;
    }
    this.#builtins.set(local, lookup.type);
    return lookup.type;
  }

  #isEncoding(name: QName, at: XmlElement): boolean {
    if (name.ns !== SOAP11_ENCODING_NS && name.ns !== SOAP12_ENCODING_NS) return false;
    this.report(at, `the SOAP encoding type ${clark(name)} is not supported: it belongs to use="encoded", and only literal use is`);
    return true;
  }

  #lookup(kind: ComponentKind, name: QName, at: XmlElement): Component | undefined {
    const found = this.#index.get(kind, name);
    if (found !== undefined) return found;
    this.report(at, `unknown ${KIND_LABEL[kind]} ${clark(name)}${this.#hint(kind, name)}`);
    return undefined;
  }

  /** A did-you-mean from the same namespace, else a word on why the namespace has nothing. */
  #hint(kind: ComponentKind, name: QName): string {
    const sameNamespace: string[] = [];
    for (const component of this.#index.all(kind)) if (component.name.ns === name.ns) sameNamespace.push(component.name.local);
    const guess = didYouMean(name.local, sameNamespace);
    if (guess !== undefined) return `; did you mean ${clark({ ns: name.ns, local: guess })}?`;
    const elsewhere = this.#elsewhere(kind, name);
    if (elsewhere !== '') return elsewhere;
    if (this.#index.hasNamespace(name.ns)) return '';
    if (this.#locationless.has(name.ns)) return `; namespace "${name.ns}" is imported without a schemaLocation and no schema in this WSDL declares it`;
    return `; no schema for namespace "${name.ns}" was loaded`;
  }

  /** The hint for a name whose local part exists in another namespace: usually a prefix bound to the wrong URI. */
  #elsewhere(kind: ComponentKind, name: QName): string {
    const namespaces: string[] = [];
    for (const component of this.#index.all(kind)) {
      if (component.name.ns !== name.ns && component.name.local === name.local) namespaces.push(`"${component.name.ns}"`);
    }
    if (namespaces.length === 0) return '';
    return `; ${withArticle(KIND_LABEL[kind])} ${name.local} exists in ${namespaces.join(', ')}: check the namespace prefix`;
  }
}
