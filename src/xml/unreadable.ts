import { XmlLimitError, type XmlSyntaxError } from './errors.js';

/** The media type of a Content-Type value, lower-cased, without parameters ('' when absent). */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
}

/**
 * What an upstream body the hardened parser refused was, as the end of "… answered HTTP 200 with <this>": over a
 * limit, an HTML error page (by its media type or its first bytes), a DOCTYPE, or not well-formed. `expected` names
 * what should have come ("XML", "a SOAP envelope"). One wording for SOAP answers and xml steps alike.
 */
export function describeUnreadableXml(error: XmlLimitError | XmlSyntaxError, contentType: string | undefined, body: string | Uint8Array, expected: string): string {
  if (error instanceof XmlLimitError) return `a response over the configured limit: ${error.message}`;
  const mediaType = mediaTypeOf(contentType);
  if (looksLikeHtml(mediaType, body)) return `an HTML page, not ${expected}`;
  if (error.reason === 'dtd') return 'XML with a DOCTYPE, which is refused (no DTD processing)';
  return `${mediaType === '' ? 'a body' : `a ${mediaType} body`} that is not well-formed XML (${error.message})`;
}

/** An HTML error page: labelled as one, or starting (after whitespace) with `<!DOCTYPE html` or `<html`. */
export function looksLikeHtml(mediaType: string, body: string | Uint8Array): boolean {
  if (mediaType === 'text/html' || mediaType === 'application/xhtml+xml') return true;
  const head = typeof body === 'string' ? body.slice(0, 256) : Buffer.from(body.buffer, body.byteOffset, Math.min(256, body.byteLength)).toString('latin1');
  return /^\s*<(?:!doctype\s+html|html)\b/i.test(head);
}
