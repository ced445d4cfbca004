/** The XML Schema instance attributes the codec reads and writes (XML Schema Part 1, §2.6). */
import { attributeValue, type XmlElement } from '../../xml/parse.js';

export const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';

/** xsi:nil="true" (or "1", the other lexical form of true). */
export function isNil(element: XmlElement): boolean {
  if (element.attributes.length === 0) return false;
  const nil = attributeValue(element, XSI_NAMESPACE, 'nil');
  if (nil === undefined) return false;
  const value = nil.trim();
  return value === 'true' || value === '1';
}
