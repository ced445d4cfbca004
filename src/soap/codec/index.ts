/**
 * The SOAP envelope codec: JSON ⇄ SOAP 1.1 / 1.2 envelopes typed by the XSD of a WSDL model (src/soap/model.ts),
 * compiled once per operation. Start with {@link createSoapCodec}.
 *
 * JSON convention, both directions (details in content-model.ts, simple-type.ts, operation.ts):
 * - an element with element content or attributes is a JSON object; its child elements and attributes are fields
 *   named by their LOCAL names (never a prefix, never a namespace); groups (sequence/choice/all) add no level;
 * - simple content beside attributes is the field `value`; an element with only simple content is the scalar;
 * - an element that may occur more than once (maxOccurs > 1 on it or an enclosing group) is always an array;
 * - null ⇄ xsi:nil; on read an empty element is null too, string-typed ones included (with the codec option
 *   `emptyStrings: 'empty-string'` those read as "", so nil, empty and absent stay three things); on write null
 *   for a non-nillable optional element omits it, for a required one it is a violation;
 * - integers are numbers up to 2^53 and digit strings beyond; xs:decimal is a string on read; float/double special
 *   values are "INF", "-INF", "NaN"; booleans are booleans; dates, durations and binary stay XSD text.
 * Not supported: writing xsi:type (requests always use the declared type; reading honours it), substitution
 * groups, the text of mixed content beside elements, writing xs:any next to declared elements.
 */
export { createSoapCodec, type CompiledSoapOperation, type SoapCodec, type SoapCodecOptions, type SoapHttpRequest, type SoapOperationOptions, type SoapRequestInput } from './operation.js';
export { classifySoapResponse, type ResponseDecoder, type SoapHttpResponse, type SoapResponseOutcome } from './classify.js';
export { readFault, type SoapFault } from './fault.js';
export { checkFaultStatusTable, faultStatus, matchFault, soapFaultToError, type FaultStatusTable } from './fault-status.js';
export { SOAP11_ENVELOPE_NS, SOAP12_ENVELOPE_NS, soapRequestHeaders, type StaticSoapHeader } from './envelope.js';
export { passwordDigest, type UsernameTokenOptions } from './ws-security.js';
export { SoapCodecCompileError } from './errors.js';
export { VALUE_FIELD } from './content-model.js';
export type { JsonObject, JsonValue } from './json.js';
