import { H1_INVALID_REQUEST_CODE, H1Error } from './errors.js';
import { isSafeFieldValue, isToken } from './fields.js';
import { PAYLOAD_METHODS } from '../method-semantics.js';


function invalid(message: string): H1Error {
  return new H1Error(H1_INVALID_REQUEST_CODE, message);
}

/**
 * Serialises request-line CRLF *( field-line CRLF ) CRLF (RFC 9112 §2.1) as one latin1 string: one char per byte.
 * `content-length` and `transfer-encoding` in `headers` are ignored; framing is decided here. `host` is added from
 * `authority` when `headers` has none (RFC 9112 §3.2).
 * @throws H1Error `PROTOGATE_H1_INVALID_REQUEST` when the method, target, a name or a value cannot be sent as is
 */
export function serializeHead(
  method: string,
  path: string,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  authority: string,
  body: Buffer | null,
): string {
  if (!isToken(method)) throw invalid('invalid request method');
  if (path.length === 0) throw invalid('empty request target');
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    // No whitespace or CTL may end the request-target early (RFC 9112 §3.2); nothing beyond one latin1 byte.
    if (c <= 32 || c === 127 || c > 255) throw invalid('invalid character in the request target');
  }
  let head = `${method} ${path} HTTP/1.1\r\n`;
  let host = false;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    // Framing is ours; names compare case-insensitively (RFC 9110 §5.1), or a "Content-Length" would slip through.
    const length = name.length;
    if (length === 4 || length === 14 || length === 17) {
      const lower = name.toLowerCase();
      if (lower === 'content-length' || lower === 'transfer-encoding') continue;
      if (lower === 'host') host = true;
    }
    if (!isToken(name)) throw invalid(`invalid header name "${name}"`);
    if (typeof value === 'string') {
      if (!isSafeFieldValue(value)) throw invalid(`invalid value of header "${name}"`);
      head += `${name}: ${value}\r\n`;
    } else {
      for (const item of value) {
        if (!isSafeFieldValue(item)) throw invalid(`invalid value of header "${name}"`);
        head += `${name}: ${item}\r\n`;
      }
    }
  }
  if (!host) {
    if (!isSafeFieldValue(authority)) throw invalid('invalid authority');
    head += `host: ${authority}\r\n`;
  }
  // Exact length whenever there is content; never Transfer-Encoding: the body is buffered (RFC 9112 §6.2).
  if (body !== null && body.length > 0) head += `content-length: ${body.length}\r\n`;
  else if (PAYLOAD_METHODS.has(method)) head += 'content-length: 0\r\n';
  return `${head}\r\n`;
}
