import { GatewayError } from '../errors/gateway-error.js';
import { decodeXmlBytes, describeUnreadableXml, isXmlError, parseXml, type XmlElement, type XmlLimits } from '../xml/index.js';
import { readXmlContent, XmlReadError, type XmlReadPlan } from './xml-reader.js';

/**
 * An xml step's answer as JSON: the hardened parser (no DTD, size, depth and element limits; src/xml), then the
 * reading convention of xml-reader.ts. Anything else (not XML, HTML, a DOCTYPE, over a limit, a value the declared
 * schema refuses) is a 502 `upstream-bad-response` naming the step; the body decides, not its Content-Type.
 * @param label `step "x" (upstream "u")`
 */
export function readXmlReply(status: number, contentType: string | undefined, body: Buffer, limits: XmlLimits, plan: XmlReadPlan, label: string): unknown {
  let root: XmlElement;
  try {
    root = parseXml(decodeXmlBytes(body, contentType), limits);
  } catch (error) {
    if (!isXmlError(error)) throw error;
    throw bad(label, status, describeUnreadableXml(error, contentType, body, 'XML'), error);
  }
  try {
    return readXmlContent(root, plan);
  } catch (error) {
    if (!(error instanceof XmlReadError)) throw error;
    throw bad(label, status, `XML that does not fit its response.schema at ${error.pointer === '' ? '/' : error.pointer}: ${error.message}`, error);
  }
}

function bad(label: string, status: number, what: string, cause: unknown): GatewayError {
  return new GatewayError('upstream-bad-response', `${label} answered HTTP ${status} with ${what}`, { cause, extensions: { upstreamStatus: status } });
}
