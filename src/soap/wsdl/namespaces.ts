/** Namespace URIs the importer recognises. */

export const XSD_NS = 'http://www.w3.org/2001/XMLSchema';
export const XML_NS = 'http://www.w3.org/XML/1998/namespace';
export const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
export const WSDL_NS = 'http://schemas.xmlsoap.org/wsdl/';
/** WSDL 1.1 §3: the SOAP 1.1 binding. */
export const SOAP11_BINDING_NS = 'http://schemas.xmlsoap.org/wsdl/soap/';
/** The W3C note "WSDL 1.1 Binding Extension for SOAP 1.2". */
export const SOAP12_BINDING_NS = 'http://schemas.xmlsoap.org/wsdl/soap12/';
/** SOAP 1.1 §5 encoding; its types (soapenc:Array, soapenc:string, …) only make sense with use="encoded". */
export const SOAP11_ENCODING_NS = 'http://schemas.xmlsoap.org/soap/encoding/';
export const SOAP12_ENCODING_NS = 'http://www.w3.org/2003/05/soap-encoding';
export const HTTP_BINDING_NS = 'http://schemas.xmlsoap.org/wsdl/http/';
export const MIME_BINDING_NS = 'http://schemas.xmlsoap.org/wsdl/mime/';
export const DIME_BINDING_NS = 'http://schemas.xmlsoap.org/ws/2002/04/dime/wsdl/';
export const WSDL20_NS = 'http://www.w3.org/ns/wsdl';
/** Pre-recommendation XML Schema drafts, still found in very old WSDLs. */
export const OLD_XSD_NAMESPACES: ReadonlySet<string> = new Set([
  'http://www.w3.org/1999/XMLSchema',
  'http://www.w3.org/2000/10/XMLSchema',
]);
/** The transport URIs meaning "SOAP over HTTP" on soap:binding / soap12:binding. */
export const HTTP_TRANSPORTS: ReadonlySet<string> = new Set([
  'http://schemas.xmlsoap.org/soap/http',
  'http://schemas.xmlsoap.org/soap/http/',
  'http://www.w3.org/2003/05/soap/bindings/HTTP/',
]);
