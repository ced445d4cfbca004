/**
 * What the gateway knows about a SOAP service after its WSDL is imported: the contract between the WSDL/XSD importer
 * (src/soap/wsdl) and the envelope codec (src/soap/codec). Everything here is built once, at load, and frozen.
 * Types may be shared and recursive (an element whose type contains an element of the same type), so walk them
 * with a memo, never by plain recursion over the graph.
 */

/** A namespace-qualified XML name; `ns` is '' for a name in no namespace (an unqualified local element). */
export interface QName {
  readonly ns: string;
  readonly local: string;
}

export type SoapVersion = '1.1' | '1.2';

/** Facets of a simple type, merged along its chain of restrictions (the most derived value wins). */
export interface Facets {
  readonly enumeration?: readonly string[];
  /**
   * XSD regular expressions, each matched against the whole value; a value must match every entry. There is one
   * entry per restriction step, the step's own patterns joined with "|" (XSD ORs the patterns of one step and ANDs
   * the steps).
   */
  readonly pattern?: readonly string[];
  readonly length?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  /** Bounds as lexical values of the base type (kept as text: xs:decimal and xs:long bounds exceed doubles). */
  readonly minInclusive?: string;
  readonly maxInclusive?: string;
  readonly minExclusive?: string;
  readonly maxExclusive?: string;
  readonly totalDigits?: number;
  readonly fractionDigits?: number;
}

export interface SimpleType {
  readonly kind: 'simple';
  /** Absent for an anonymous type. */
  readonly name?: QName;
  /**
   * Local name of the XSD built-in type at the root of its derivation ('string', 'long', 'decimal', 'dateTime',
   * 'boolean', 'base64Binary', ...), which decides the JSON form. 'anySimpleType' when nothing narrower is known.
   */
  readonly builtin: string;
  readonly facets: Facets;
  /** xs:list: a whitespace-separated list of items of this type (a JSON array). */
  readonly listOf?: SimpleType;
  /** xs:union: the member types, tried in order. */
  readonly unionOf?: readonly SimpleType[];
}

export interface ComplexType {
  readonly kind: 'complex';
  /** Absent for an anonymous type. */
  readonly name?: QName;
  /**
   * The element content. For a complexContent extension, XSD's rule: the base type's content followed by the
   * extension's, as one sequence. Absent for empty content and for simple content.
   */
  readonly content?: ModelGroup;
  /** Attributes, the base type's first for an extension. */
  readonly attributes: readonly AttributeDecl[];
  /** simpleContent: the type of the element's text (its attributes are in `attributes`). */
  readonly text?: SimpleType;
  readonly mixed: boolean;
  readonly abstract: boolean;
  /** The base type of an extension or restriction, for messages and xsi:type. */
  readonly base?: QName;
}

export type XsdType = SimpleType | ComplexType;

/** A sequence, all or choice; `maxOccurs` is Infinity for "unbounded". */
export interface ModelGroup {
  readonly kind: 'sequence' | 'all' | 'choice';
  readonly minOccurs: number;
  readonly maxOccurs: number;
  readonly particles: readonly Particle[];
}

export type Particle = ElementDecl | ModelGroup | AnyElement;

export interface ElementDecl {
  readonly kind: 'element';
  /** The name as it appears in instances: `ns` is '' when the element is unqualified (form / elementFormDefault). */
  readonly name: QName;
  readonly type: XsdType;
  readonly minOccurs: number;
  /** Infinity for "unbounded". Above 1 the JSON form is always an array, even of one item. */
  readonly maxOccurs: number;
  readonly nillable: boolean;
  readonly default?: string;
  readonly fixed?: string;
}

/** xs:any: kept as opaque content. */
export interface AnyElement {
  readonly kind: 'any';
  readonly minOccurs: number;
  readonly maxOccurs: number;
}

export interface AttributeDecl {
  /** `ns` is '' for an unqualified attribute (the usual case). */
  readonly name: QName;
  readonly type: SimpleType;
  readonly required: boolean;
  readonly default?: string;
  readonly fixed?: string;
}

/** One part of a WSDL message: document style names an `element`, rpc style a `type`. */
export interface MessagePart {
  readonly name: string;
  readonly element?: ElementDecl;
  readonly type?: XsdType;
}

/** The body (and bound headers) of one direction of an operation. */
export interface SoapMessage {
  readonly parts: readonly MessagePart[];
  /**
   * rpc style only: the wrapper element around the parts (the operation's name for the request, name + "Response"
   * for the response, in the soap:body `namespace`). Parts inside it are unqualified elements named after the part.
   */
  readonly rpcWrapper?: QName;
  /** Parts bound to the SOAP header with soap:header. */
  readonly headers: readonly MessagePart[];
}

export interface SoapFaultDecl {
  readonly name: string;
  /** The element carried in the fault's detail. */
  readonly element?: ElementDecl;
}

export interface SoapOperation {
  readonly name: string;
  readonly style: 'document' | 'rpc';
  /** SOAPAction (1.1) or the `action` media-type parameter (1.2); '' when the binding gives none. */
  readonly soapAction: string;
  readonly input: SoapMessage;
  readonly output: SoapMessage;
  readonly faults: readonly SoapFaultDecl[];
}

export interface WsdlPort {
  readonly name: string;
  /** soap:address / soap12:address location. */
  readonly address: string;
  readonly soapVersion: SoapVersion;
  readonly binding: QName;
  readonly operations: readonly SoapOperation[];
}

export interface WsdlService {
  readonly name: string;
  readonly ports: readonly WsdlPort[];
}

export interface WsdlModel {
  /** The WSDL file (or URL) it was read from, for messages. */
  readonly source: string;
  readonly targetNamespace: string;
  readonly services: readonly WsdlService[];
  /**
   * Every named (top-level) type of the WSDL's schemas, in document order: what an xsi:type attribute may name.
   * A type derived by extension or restriction links to its base through `base`.
   */
  readonly types?: readonly XsdType[];
}
