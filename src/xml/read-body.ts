/**
 * Enforcing `maxBytes` while a response is still arriving, so a 100 MB answer costs at most `maxBytes` of memory,
 * and turning the bytes into text with the right character encoding.
 *
 * Callers that read through `UpstreamCall` (src/upstreams/types.ts) get the same guarantee by passing
 * `maxResponseBytes: limits.maxBytes`; this helper is for code that holds the raw stream.
 */
import { TextDecoder } from 'node:util';
import { XmlLimitError, XmlSyntaxError } from './errors.js';

/**
 * Fails at once when a declared Content-Length is over the limit, before a byte is read.
 * Accepts the header as received (string or undefined).
 */
export function checkDeclaredLength(contentLength: string | number | undefined, maxBytes: number): void {
  if (contentLength === undefined || contentLength === '') return;
  const length = typeof contentLength === 'number' ? contentLength : Number(contentLength);
  if (Number.isFinite(length) && length > maxBytes) throw new XmlLimitError('bytes', maxBytes);
}

/**
 * Collects a body, failing with XmlLimitError as soon as more than `maxBytes` arrived. Throwing out of the
 * `for await` ends the iteration, which destroys a Node Readable: nothing more is read or buffered.
 */
export async function readBoundedBody(source: AsyncIterable<Uint8Array | string>, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of source) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    total += bytes.byteLength;
    if (total > maxBytes) throw new XmlLimitError('bytes', maxBytes);
    chunks.push(bytes);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
}

/**
 * The decoder of nearly every response, made once: constructing one resolves its label and opens a converter, and
 * `decode` without `{ stream: true }` keeps no state from one call to the next.
 */
const UTF8_DECODER = new TextDecoder('utf-8');
const CHARSET_PARAM = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;
const XML_DECLARATION_ENCODING = /^<\?xml[^>]*\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/;

/**
 * Decodes a body to text: the Content-Type charset wins (RFC 7303 §3), then a byte order mark, then the XML
 * declaration's encoding, else UTF-8. An encoding the runtime does not know is a not-well-formed document.
 */
export function decodeXmlBytes(bytes: Uint8Array, contentType: string | undefined): string {
  let label = contentType === undefined ? undefined : CHARSET_PARAM.exec(contentType)?.[1];
  if (label === undefined) {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) label = 'utf-16le';
    else if (bytes[0] === 0xfe && bytes[1] === 0xff) label = 'utf-16be';
    else {
      const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 200)).toString('latin1');
      label = XML_DECLARATION_ENCODING.exec(head.charCodeAt(0) === 0xef ? head.slice(3) : head)?.[1] ?? 'utf-8';
    }
  }
  const lower = label.toLowerCase();
  if (lower === 'utf-8' || lower === 'utf8') return UTF8_DECODER.decode(bytes);
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label);
  } catch {
    throw new XmlSyntaxError('not-well-formed', `unsupported character encoding "${label}"`);
  }
  return decoder.decode(bytes);
}
