import type { QName } from '../model.js';
import type { SchemaDocument } from './document-graph.js';
import { XSD_NS } from './namespaces.js';
import type { IssueList } from './wsdl-error.js';
import { attr, clark, report, significantChildren } from './xml-helpers.js';
import type { XmlElement } from './xml-tree.js';

/** The symbol spaces of XSD Part 1 §2.5: a type and an element may share a name, two types may not. */
export type ComponentKind = 'element' | 'type' | 'group' | 'attributeGroup' | 'attribute';

/** A top-level schema component, with the schema document (and so the namespace) it was read as part of. */
export interface Component {
  readonly kind: ComponentKind;
  readonly name: QName;
  readonly element: XmlElement;
  readonly schema: SchemaDocument;
}

/** Top-level children that carry no instance-visible component, or are handled by the document graph. */
const PASSIVE = new Set(['annotation', 'import', 'include', 'notation']);

const KIND_OF: Readonly<Record<string, ComponentKind>> = {
  element: 'element',
  complexType: 'type',
  simpleType: 'type',
  group: 'group',
  attributeGroup: 'attributeGroup',
  attribute: 'attribute',
};

/** Why a top-level construct is refused rather than ignored: each changes which instances are valid. */
const REFUSED: Readonly<Record<string, string>> = {
  redefine: 'xs:redefine is not supported: it changes components of another schema in place; edit a copy of that schema instead',
  override: 'xs:override (XSD 1.1) is not supported: it replaces components of another schema; edit a copy of that schema instead',
  defaultOpenContent: 'xs:defaultOpenContent (XSD 1.1) is not supported',
};

/** Every top-level component of every schema, by kind and expanded name. */
export class SchemaIndex {
  readonly #components = new Map<string, Component>();
  readonly #namespaces = new Set<string>();

  constructor(schemas: readonly SchemaDocument[], issues: IssueList) {
    for (const schema of schemas) {
      this.#namespaces.add(schema.targetNamespace);
      for (const child of significantChildren(schema.root)) {
        const local = child.name.local;
        if (child.name.ns !== XSD_NS) {
          report(issues, child, `unexpected element ${child.written} in a schema`);
          continue;
        }
        const refused = REFUSED[local];
        if (refused !== undefined) report(issues, child, refused);
        if (PASSIVE.has(local) || refused !== undefined) continue;
        const kind = KIND_OF[local];
        if (kind === undefined) {
          report(issues, child, `unexpected xs:${local} at the top level of a schema`);
          continue;
        }
        const name = attr(child, 'name');
        if (name === undefined) {
          report(issues, child, `a top-level xs:${local} needs a name`);
          continue;
        }
        const component: Component = { kind, name: { ns: schema.targetNamespace, local: name }, element: child, schema };
        const key = `${kind} ${clark(component.name)}`;
        const earlier = this.#components.get(key);
        if (earlier !== undefined) {
          const where = `${earlier.element.source.display}:${earlier.element.line}`;
          report(issues, child, `${kind === 'type' ? 'type' : `xs:${local}`} ${clark(component.name)} is defined twice (also at ${where})`);
          continue;
        }
        this.#components.set(key, component);
      }
    }
  }

  get(kind: ComponentKind, name: QName): Component | undefined {
    return this.#components.get(`${kind} ${clark(name)}`);
  }

  /** Components of one kind, in document order. */
  *all(kind: ComponentKind): Iterable<Component> {
    for (const component of this.#components.values()) if (component.kind === kind) yield component;
  }

  /** Whether any loaded schema declares components in `ns`. */
  hasNamespace(ns: string): boolean {
    return this.#namespaces.has(ns);
  }
}
