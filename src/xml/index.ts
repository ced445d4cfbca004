/** Hardened XML for everything the gateway reads from outside, and escaping for what it writes. */
export { XmlLimitError, XmlSyntaxError, isXmlError, type XmlLimitKind, type XmlSyntaxReason } from './errors.js';
export { DEFAULT_XML_LIMITS, MAX_XML_DEPTH, resolveXmlLimits, type XmlLimits } from './limits.js';
export { escapeXmlAttribute, escapeXmlText, findInvalidXmlChar, isXmlCodePoint } from './escape.js';
export {
  XML_NAMESPACE,
  attributeValue,
  parseXml,
  resolveQNameText,
  type NamespaceScope,
  type XmlAttribute,
  type XmlElement,
} from './parse.js';
export { checkDeclaredLength, decodeXmlBytes, readBoundedBody } from './read-body.js';
export { describeUnreadableXml, looksLikeHtml, mediaTypeOf } from './unreadable.js';
