/**
 * Namespace prefixes of the XML the gateway writes. Every qualified element and attribute is written with a
 * prefix (ns1, ns2, ... in order of first use) declared once on the Envelope; unqualified ones get none, and no
 * default namespace is ever declared, so an unprefixed name is always in no namespace, as the schema says.
 * Prefixes are fixed when the writers compile, so one registry serves every operation that shares the writers.
 */
import type { ElementDecl, QName, XsdType } from '../model.js';
import { escapeXmlAttribute } from '../../xml/escape.js';
import { XML_NAMESPACE } from '../../xml/parse.js';

export class PrefixRegistry {
  readonly #prefixes = new Map<string, string>();

  prefixOf(ns: string): string {
    if (ns === XML_NAMESPACE) return 'xml';
    let prefix = this.#prefixes.get(ns);
    if (prefix === undefined) {
      prefix = `ns${this.#prefixes.size + 1}`;
      this.#prefixes.set(ns, prefix);
    }
    return prefix;
  }

  /** The name as written in a tag: `ns1:local`, or `local` when unqualified. */
  qualify(name: QName): string {
    return name.ns === '' ? name.local : `${this.prefixOf(name.ns)}:${name.local}`;
  }

  /** ` xmlns:ns1="..."` for each namespace, in prefix order so the output is stable. */
  declarations(namespaces: Iterable<string>): string {
    const wanted = [...new Set(namespaces)].filter((ns) => ns !== '' && ns !== XML_NAMESPACE);
    return wanted
      .map((ns) => ({ ns, prefix: this.prefixOf(ns) }))
      .sort((a, b) => Number(a.prefix.slice(2)) - Number(b.prefix.slice(2)))
      .map(({ ns, prefix }) => ` xmlns:${prefix}="${escapeXmlAttribute(ns)}"`)
      .join('');
  }
}

/** Namespaces of every element and attribute that can appear under the given elements (the type graph may cycle). */
export function reachableNamespaces(roots: readonly ElementDecl[]): Set<string> {
  const found = new Set<string>();
  const seen = new Set<XsdType>();
  const pending: XsdType[] = [];
  const addElement = (decl: ElementDecl): void => {
    if (decl.name.ns !== '') found.add(decl.name.ns);
    if (!seen.has(decl.type)) {
      seen.add(decl.type);
      pending.push(decl.type);
    }
  };
  roots.forEach(addElement);
  for (let type = pending.pop(); type !== undefined; type = pending.pop()) {
    if (type.kind !== 'complex') continue;
    for (const attribute of type.attributes) if (attribute.name.ns !== '') found.add(attribute.name.ns);
    const groups = type.content === undefined ? [] : [type.content];
    for (let group = groups.pop(); group !== undefined; group = groups.pop()) {
      for (const particle of group.particles) {
        if (particle.kind === 'element') addElement(particle);
        else if (particle.kind !== 'any') groups.push(particle);
      }
    }
  }
  return found;
}
