import type { QName } from '../model.js';
import type { IssueList } from './wsdl-error.js';
import { WSDL_NS, XSD_NS } from './namespaces.js';
import type { XmlElement } from './xml-tree.js';

/** Reports a problem at an element (its document and line). */
export type Report = (at: XmlElement, message: string) => void;

export function report(issues: IssueList, at: XmlElement, message: string): void {
  issues.add({ file: at.source.display, line: at.line, message });
}

/** An unprefixed attribute's value. */
export function attr(element: XmlElement, name: string): string | undefined {
  return element.attributes.get(name);
}

export function isXsd(element: XmlElement, local: string): boolean {
  return element.name.ns === XSD_NS && element.name.local === local;
}

export function isWsdl(element: XmlElement, local: string): boolean {
  return element.name.ns === WSDL_NS && element.name.local === local;
}

/** Children other than xs:annotation / wsdl:documentation, which never change what a document means. */
export function significantChildren(element: XmlElement): XmlElement[] {
  return element.children.filter((child) => !isXsd(child, 'annotation') && !isWsdl(child, 'documentation'));
}

/** `{ns}local` (James Clark's notation): a map key, and how messages show a resolved name. */
export function clark(name: QName): string {
  return name.ns === '' ? name.local : `{${name.ns}}${name.local}`;
}

/**
 * Names an element for a message: itself, then each named ancestor up to the top-level component, e.g.
 * `element "line" in element "items" in complexType "Order"` or `input in operation "getOrder" in binding "OrderSoap"`.
 */
export function describe(element: XmlElement): string {
  const parts = [label(element)];
  for (let at = element.parent; at?.parent !== undefined; at = at.parent) {
    if (isXsd(at, 'schema') || isWsdl(at, 'types')) break;
    if (at.attributes.has('name') || isWsdl(at, 'input') || isWsdl(at, 'output')) parts.push(label(at));
  }
  return parts.join(' in ');
}

/** XSD and WSDL constructs by local name; extensions (soap:body, mime:content) as written, since the prefix tells which. */
function label(element: XmlElement): string {
  const own = element.name.ns === XSD_NS || element.name.ns === WSDL_NS ? element.name.local : element.written;
  const name = attr(element, 'name');
  if (name !== undefined) return `${own} "${name}"`;
  const ref = attr(element, 'ref');
  return ref === undefined ? own : `${own} ref="${ref}"`;
}

/** "a type", "an element", "an attribute group". */
export function withArticle(noun: string): string {
  return `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;
}
