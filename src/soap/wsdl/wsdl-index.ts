import { didYouMean } from '../../errors/did-you-mean.js';
import type { QName } from '../model.js';
import type { WsdlDocument } from './document-graph.js';
import { WSDL_NS } from './namespaces.js';
import type { IssueList } from './wsdl-error.js';
import { attr, clark, describe, report } from './xml-helpers.js';
import { resolveQName, type XmlElement } from './xml-tree.js';

export type DefinitionKind = 'message' | 'portType' | 'binding' | 'service';

/** A named top-level WSDL definition; `name` is in the targetNamespace of the WSDL document that defines it. */
export interface Definition {
  readonly kind: DefinitionKind;
  readonly name: QName;
  readonly element: XmlElement;
  /** The targetNamespace of the document it is in (the default namespace of an rpc wrapper). */
  readonly targetNamespace: string;
}

const KINDS: ReadonlySet<string> = new Set<DefinitionKind>(['message', 'portType', 'binding', 'service']);
const STRUCTURAL: ReadonlySet<string> = new Set(['import', 'types', 'documentation']);
const WSDL_REQUIRED = `{${WSDL_NS}}required`;

/** The messages, port types, bindings and services of every WSDL document of one import, by expanded name. */
export class WsdlIndex {
  readonly #definitions = new Map<string, Definition>();
  readonly #issues: IssueList;

  constructor(documents: readonly WsdlDocument[], issues: IssueList) {
    this.#issues = issues;
    for (const document of documents) {
      for (const child of document.root.children) {
        if (child.name.ns !== WSDL_NS) {
          // WSDL 1.1 §2.1.3: an extension not marked required may be ignored (WS-Policy, BPEL partner links, ...).
          if (isRequiredExtension(child)) this.report(child, `wsdl:required="true", but the extension namespace ${child.name.ns} is not supported`);
          continue;
        }
        const local = child.name.local;
        if (STRUCTURAL.has(local)) continue;
        if (!KINDS.has(local)) {
          this.report(child, `unexpected wsdl:${local} in wsdl:definitions`);
          continue;
        }
        const name = attr(child, 'name');
        if (name === undefined) {
          this.report(child, `a wsdl:${local} needs a name`);
          continue;
        }
        const definition: Definition = {
          kind: local as DefinitionKind,
          name: { ns: document.targetNamespace, local: name },
          element: child,
          targetNamespace: document.targetNamespace,
        };
        const key = `${local} ${clark(definition.name)}`;
        const earlier = this.#definitions.get(key);
        if (earlier !== undefined) {
          this.report(child, `wsdl:${local} ${clark(definition.name)} is defined twice (also at ${earlier.element.source.display}:${earlier.element.line})`);
        } else this.#definitions.set(key, definition);
      }
    }
  }

  /** Definitions of one kind, in document order. */
  all(kind: DefinitionKind): Definition[] {
    return [...this.#definitions.values()].filter((definition) => definition.kind === kind);
  }

  /** Resolves a QName-valued attribute of `at` to a definition, reporting an unknown name with a suggestion. */
  ref(at: XmlElement, attribute: string, kind: DefinitionKind): Definition | undefined {
    const name = this.qname(at, attribute);
    if (name === undefined) return undefined;
    const found = this.#definitions.get(`${kind} ${clark(name)}`);
    if (found !== undefined) return found;
    const candidates = this.all(kind).filter((definition) => definition.name.ns === name.ns).map((definition) => definition.name.local);
    const guess = didYouMean(name.local, candidates);
    const elsewhere = this.all(kind).find((definition) => definition.name.local === name.local);
    const hint =
      guess !== undefined
        ? `; did you mean ${clark({ ns: name.ns, local: guess })}?`
        : elsewhere !== undefined
          ? `; ${clark(elsewhere.name)} exists: check the namespace prefix`
          : '';
    this.report(at, `unknown ${kind === 'portType' ? 'port type' : kind} ${clark(name)}${hint}`);
    return undefined;
  }

  /** A required QName-valued attribute of `at`, resolved in its scope. */
  qname(at: XmlElement, attribute: string): QName | undefined {
    const value = attr(at, attribute);
    if (value === undefined) {
      this.report(at, `${attribute}= is missing`);
      return undefined;
    }
    const name = resolveQName(at, value);
    if (name === undefined) this.report(at, `cannot resolve ${attribute}="${value}": its namespace prefix is not declared`);
    return name;
  }

  report(at: XmlElement, problem: string): void {
    report(this.#issues, at, `${describe(at)}: ${problem}`);
  }
}

/** WSDL 1.1 §2.1.3's wsdl:required="true" on an extensibility element: a reader that does not know it must fail. */
export function isRequiredExtension(element: XmlElement): boolean {
  return element.attributes.get(WSDL_REQUIRED) === 'true';
}
