import type { IssueList } from './wsdl-error.js';
import { displayLocation, resolveLocation, type DocumentLocation } from './locations.js';
import {
  OLD_XSD_NAMESPACES,
  SOAP11_ENCODING_NS,
  SOAP12_ENCODING_NS,
  WSDL20_NS,
  WSDL_NS,
  XML_NS,
  XSD_NS,
} from './namespaces.js';
import type { ReadDocument } from './read-source.js';
import { parseXml, type XmlElement } from './xml-tree.js';
import { attr, describe, isXsd, report, type Report } from './xml-helpers.js';

/** One xs:schema as used by this import. */
export interface SchemaDocument {
  readonly root: XmlElement;
  /**
   * The namespace its components are in. For a chameleon include (a schema without targetNamespace included from
   * one with a namespace) it is the includer's: XSD Part 1 §4.2.1, and references to no-namespace components inside
   * it are read as references into that namespace.
   */
  readonly targetNamespace: string;
  readonly chameleon: boolean;
  readonly elementFormQualified: boolean;
  readonly attributeFormQualified: boolean;
}

export interface WsdlDocument {
  readonly root: XmlElement;
  readonly targetNamespace: string;
}

/** Every WSDL and schema document reachable from the source, each once. */
export interface DocumentGraph {
  readonly wsdls: readonly WsdlDocument[];
  readonly schemas: readonly SchemaDocument[];
  /** Namespaces imported without a schemaLocation, for the hint on a reference nothing declares. */
  readonly locationlessImports: ReadonlySet<string>;
}

/** What the driver answers a read request with. */
export type ReadOutcome = ReadDocument | { readonly error: string };

export interface GraphOptions {
  readonly baseDir: string;
  readonly maxDocuments: number;
}

/**
 * Walks wsdl:import, xs:import and xs:include from the source. It is a generator that yields each location it needs
 * and receives the bytes (or the read error), so one walk serves the synchronous file reader and the asynchronous
 * fetching one.
 */
export function* collectDocuments(
  source: DocumentLocation,
  options: GraphOptions,
  issues: IssueList,
): Generator<DocumentLocation, DocumentGraph, ReadOutcome> {
  const roots = new Map<string, XmlElement | null>();
  const wsdls: WsdlDocument[] = [];
  const schemas: SchemaDocument[] = [];
  const locationless = new Set<string>();
  /** Namespaces of schemas inside wsdl:types: an xs:import of one needs no document, whatever its schemaLocation says. */
  const inline = new Set<string>();
  const seenWsdls = new Set<XmlElement>();
  const seenSchemas = new Map<XmlElement, Set<string>>();
  const reportAt: Report = (at, message) => report(issues, at, message);

  function* load(location: DocumentLocation, from: XmlElement | undefined): Generator<DocumentLocation, XmlElement | undefined, ReadOutcome> {
    const known = roots.get(location.key);
    if (known !== undefined) return known ?? undefined;
    const display = displayLocation(location, options.baseDir);
    // A read failure is reported where the document is referenced; a parse failure in the document itself.
    const fail = (message: string, line?: number): undefined => {
      roots.set(location.key, null);
      if (from !== undefined && line === undefined) reportAt(from, `cannot read "${display}": ${message}`);
      else issues.add({ file: display, line, message });
      return undefined;
    };
    if (roots.size >= options.maxDocuments) return fail(`more than ${options.maxDocuments} documents (maxDocuments)`);
    const outcome = yield location;
    if ('error' in outcome) return fail(outcome.error);
    const parsed = parseXml(outcome.bytes, { key: outcome.finalKey, display });
    if (!('root' in parsed)) return fail(parsed.message, parsed.line ?? 1);
    roots.set(location.key, parsed.root);
    return parsed.root;
  }

  function* locate(at: XmlElement, reference: string): Generator<DocumentLocation, XmlElement | undefined, ReadOutcome> {
    const from: DocumentLocation = { key: at.source.key, isUrl: /^https?:/i.test(at.source.key) };
    const resolved = resolveLocation(from, reference);
    if ('error' in resolved) {
      reportAt(at, `${describe(at)}: ${resolved.error}`);
      return undefined;
    }
    return yield* load(resolved, at);
  }

  function* visitWsdl(root: XmlElement): Generator<DocumentLocation, void, ReadOutcome> {
    if (seenWsdls.has(root)) return;
    seenWsdls.add(root);
    const targetNamespace = attr(root, 'targetNamespace') ?? '';
    wsdls.push({ root, targetNamespace });
    for (const child of root.children) {
      if (child.name.ns !== WSDL_NS) continue;
      if (child.name.local === 'import') yield* visitWsdlImport(child);
      else if (child.name.local === 'types') yield* visitTypes(child);
    }
  }

  function* visitWsdlImport(at: XmlElement): Generator<DocumentLocation, void, ReadOutcome> {
    const location = attr(at, 'location');
    if (location === undefined) return reportAt(at, 'wsdl:import has no location');
    const imported = yield* locate(at, location);
    if (imported === undefined) return;
    const namespace = attr(at, 'namespace');
    // WS-I BP 1.1 R2001 wants schemas imported with xs:import, but importing an .xsd with wsdl:import is common.
    if (isXsd(imported, 'schema')) return yield* visitSchema(imported, namespace, undefined, at);
    if (!checkWsdlRoot(imported, at)) return;
    const actual = attr(imported, 'targetNamespace') ?? '';
    if (namespace !== undefined && namespace !== actual) {
      return reportAt(at, `wsdl:import declares namespace "${namespace}" but the imported WSDL's targetNamespace is "${actual}"`);
    }
    yield* visitWsdl(imported);
  }

  function* visitTypes(types: XmlElement): Generator<DocumentLocation, void, ReadOutcome> {
    for (const child of types.children) if (isXsd(child, 'schema')) inline.add(attr(child, 'targetNamespace') ?? '');
    for (const child of types.children) {
      if (isXsd(child, 'schema')) yield* visitSchema(child, undefined, undefined, undefined);
      else if (child.name.local === 'schema' && OLD_XSD_NAMESPACES.has(child.name.ns)) {
        reportAt(child, `the XML Schema draft namespace ${child.name.ns} is not supported; use ${XSD_NS}`);
      } else if (child.name.ns !== WSDL_NS) {
        reportAt(child, `${child.written} in wsdl:types is not supported: only XML Schema (${XSD_NS}) type systems are`);
      }
    }
  }

  /**
   * `importNamespace` is the namespace an xs:import or wsdl:import expects ('' for an xs:import without one);
   * `includerNamespace` is set for xs:include, whose target must have the includer's namespace or none.
   */
  function* visitSchema(
    root: XmlElement,
    importNamespace: string | undefined,
    includerNamespace: string | undefined,
    via: XmlElement | undefined,
  ): Generator<DocumentLocation, void, ReadOutcome> {
    const own = attr(root, 'targetNamespace') ?? '';
    if (via !== undefined && includerNamespace !== undefined && own !== '' && own !== includerNamespace) {
      return reportAt(via, `xs:include of a schema for namespace "${own}" into namespace "${includerNamespace}": use xs:import for another namespace`);
    }
    if (via !== undefined && importNamespace !== undefined && own !== importNamespace) {
      return reportAt(via, `${via.written} expects namespace "${importNamespace}" but the schema's targetNamespace is "${own}"`);
    }
    const chameleon = includerNamespace !== undefined && own === '' && includerNamespace !== '';
    const targetNamespace = chameleon ? includerNamespace : own;
    const seen = seenSchemas.get(root) ?? new Set<string>();
    if (seen.has(targetNamespace)) return;
    seen.add(targetNamespace);
    seenSchemas.set(root, seen);
    schemas.push({
      root,
      targetNamespace,
      chameleon,
      elementFormQualified: attr(root, 'elementFormDefault') === 'qualified',
      attributeFormQualified: attr(root, 'attributeFormDefault') === 'qualified',
    });
    for (const child of root.children) {
      if (isXsd(child, 'include')) {
        const location = attr(child, 'schemaLocation');
        if (location === undefined) {
          reportAt(child, 'xs:include has no schemaLocation');
          continue;
        }
        const included = yield* locate(child, location);
        if (included !== undefined && checkSchemaRoot(included, child)) yield* visitSchema(included, undefined, targetNamespace, child);
      } else if (isXsd(child, 'import')) {
        const namespace = attr(child, 'namespace') ?? '';
        if (namespace === targetNamespace) {
          reportAt(child, `xs:import of the schema's own namespace "${namespace}": use xs:include`);
          continue;
        }
        const location = attr(child, 'schemaLocation');
        // schemaLocation is only a hint (XSD Part 1 §4.2.3): a namespace defined inline is taken from there. The XML
        // namespace's attributes are built in; the SOAP encoding and XSD schemas are never needed for literal use.
        if (inline.has(namespace)) continue;
        if (location === undefined || SKIPPED_IMPORTS.has(namespace)) {
          locationless.add(namespace);
          continue;
        }
        const imported = yield* locate(child, location);
        if (imported !== undefined && checkSchemaRoot(imported, child)) yield* visitSchema(imported, namespace, undefined, child);
      }
    }
  }

  function checkWsdlRoot(root: XmlElement, via: XmlElement | undefined): boolean {
    if (root.name.ns === WSDL_NS && root.name.local === 'definitions') return true;
    const message =
      root.name.ns === WSDL20_NS
        ? 'WSDL 2.0 is not supported: only WSDL 1.1 (wsdl:definitions)'
        : isXsd(root, 'schema')
          ? 'this is an XML Schema, not a WSDL 1.1 document'
          : `not a WSDL 1.1 document: the root element is ${root.written} in namespace "${root.name.ns}"`;
    if (via === undefined) issues.add({ file: root.source.display, line: root.line, message });
    else reportAt(via, `"${root.source.display}": ${message}`);
    return false;
  }

  function checkSchemaRoot(root: XmlElement, via: XmlElement): boolean {
    if (isXsd(root, 'schema')) return true;
    reportAt(via, `"${root.source.display}" is not an XML Schema: the root element is ${root.written}`);
    return false;
  }

  const root = yield* load(source, undefined);
  if (root !== undefined && checkWsdlRoot(root, undefined)) yield* visitWsdl(root);
  return { wsdls, schemas, locationlessImports: locationless };
}

const SKIPPED_IMPORTS: ReadonlySet<string> = new Set([XML_NS, XSD_NS, SOAP11_ENCODING_NS, SOAP12_ENCODING_NS]);
