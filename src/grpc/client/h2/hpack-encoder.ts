/**
 * HPACK encoding of gRPC request headers (RFC 7541 §6.2.2, "Literal Header Field without Indexing"). The
 * encoder never uses the dynamic table, so a block means the same on every connection and the constant part of a
 * method's headers is encoded once and cached; per call only `grpc-timeout` and custom metadata are appended.
 * Strings are sent raw (no Huffman): encoding is then a copy.
 */
import { isReservedRequestKey, type GrpcMetadata } from '../wire.js';
import {
  STATIC_AUTHORITY, STATIC_CONTENT_TYPE, STATIC_METHOD_POST, STATIC_PATH, STATIC_SCHEME_HTTP, STATIC_SCHEME_HTTPS,
  STATIC_USER_AGENT,
} from './hpack-static-table.js';

/** Paths whose constant block is kept; past this, blocks are built per call (a caller inventing paths). */
const MAX_CACHED_PATHS = 1_024;

/**
 * The constant part of request header blocks to one authority: `:method POST`, `:scheme`, `:path`, `:authority`,
 * `content-type: application/grpc`, `te: trailers` (the gRPC spec: it tells intermediaries the client accepts
 * trailers, which carry the status) and `user-agent`. No `grpc-accept-encoding`: we do not decompress.
 */
export class RequestHeaderEncoder {
  readonly #head: Buffer;
  readonly #tail: Buffer;
  readonly #authority: Buffer;
  readonly #cache = new Map<string, Buffer>();

  constructor(secure: boolean, authority: string, userAgent: string) {
    // Pseudo-headers precede regular fields (RFC 9113 §8.3).
    this.#head = Buffer.from([0x80 | STATIC_METHOD_POST, 0x80 | (secure ? STATIC_SCHEME_HTTPS : STATIC_SCHEME_HTTP)]);
    this.#authority = literal(STATIC_AUTHORITY, authority);
    this.#tail = Buffer.concat([
      literal(STATIC_CONTENT_TYPE, 'application/grpc'),
      literalNewName('te', 'trailers'),
      literal(STATIC_USER_AGENT, userAgent),
    ]);
  }

  /** The constant block for `path`, cached per path. */
  constantBlock(path: string): Buffer {
    const cached = this.#cache.get(path);
    if (cached !== undefined) return cached;
    const block = Buffer.concat([this.#head, literal(STATIC_PATH, path), this.#authority, this.#tail]);
    if (this.#cache.size < MAX_CACHED_PATHS) this.#cache.set(path, block);
    return block;
  }
}

/** `grpc-timeout` as a literal with a new name, ready but for the value. */
const TIMEOUT_NAME = Buffer.from([0x00, 12, ...Buffer.from('grpc-timeout', 'latin1')]);

/**
 * Octets the variable fields of a call take: `grpc-timeout` (when `timeout` is set) and the custom metadata
 * (reserved keys skipped, as the spec's "Reserved Headers" and RFC 9113 §8.2.2 require).
 * @throws Error for a metadata name that is not an HTTP token or a value with control characters.
 */
export function variableFieldsLength(timeout: string | undefined, metadata: GrpcMetadata | undefined): number {
  let length = timeout === undefined ? 0 : TIMEOUT_NAME.length + integerLength(timeout.length, 7) + timeout.length;
  if (metadata === undefined) return length;
  for (const key in metadata) {
    const name = key.toLowerCase();
    if (isReservedRequestKey(name)) continue;
    if (!isToken(name)) throw new Error(`invalid metadata key ${JSON.stringify(key)}`);
    const value = metadata[key];
    const nameLength = 1 + integerLength(name.length, 7) + name.length;
    if (typeof value === 'string') {
      checkValue(key, value);
      length += nameLength + integerLength(value.length, 7) + value.length;
    } else if (value !== undefined) {
      for (const item of value) {
        checkValue(key, item);
        length += nameLength + integerLength(item.length, 7) + item.length;
      }
    }
  }
  return length;
}

/** Writes what {@link variableFieldsLength} measured at `offset`; returns the offset after it. */
export function writeVariableFields(target: Buffer, offset: number, timeout: string | undefined, metadata: GrpcMetadata | undefined): number {
  if (timeout !== undefined) {
    TIMEOUT_NAME.copy(target, offset);
    offset = writeString(target, offset + TIMEOUT_NAME.length, timeout);
  }
  if (metadata === undefined) return offset;
  for (const key in metadata) {
    const name = key.toLowerCase();
    if (isReservedRequestKey(name)) continue;
    const value = metadata[key];
    if (typeof value === 'string') offset = writeField(target, offset, name, value);
    else if (value !== undefined) for (const item of value) offset = writeField(target, offset, name, item);
  }
  return offset;
}

function writeField(target: Buffer, offset: number, name: string, value: string): number {
  target[offset] = 0x00;
  return writeString(target, writeString(target, offset + 1, name), value);
}

/** A raw string literal (§5.2, H = 0): length with a 7-bit prefix, then the octets (latin1). */
function writeString(target: Buffer, offset: number, text: string): number {
  offset = writeInteger(target, offset, text.length, 7, 0);
  return offset + target.write(text, offset, 'latin1');
}

/** An integer with an N-bit prefix (§5.1); `high` holds the representation's pattern bits of the first octet. */
export function writeInteger(target: Buffer, offset: number, value: number, prefixBits: number, high: number): number {
  const max = (1 << prefixBits) - 1;
  if (value < max) {
    target[offset] = high | value;
    return offset + 1;
  }
  target[offset++] = high | max;
  value -= max;
  while (value >= 0x80) {
    target[offset++] = (value % 0x80) | 0x80;
    value = Math.floor(value / 0x80);
  }
  target[offset] = value;
  return offset + 1;
}

export function integerLength(value: number, prefixBits: number): number {
  const max = (1 << prefixBits) - 1;
  if (value < max) return 1;
  let length = 2;
  for (value -= max; value >= 0x80; value = Math.floor(value / 0x80)) length++;
  return length;
}

/** Literal without indexing, name from the static table (4-bit prefix, pattern 0000). */
function literal(nameIndex: number, value: string): Buffer {
  const out = Buffer.allocUnsafe(integerLength(nameIndex, 4) + integerLength(value.length, 7) + value.length);
  writeString(out, writeInteger(out, 0, nameIndex, 4, 0), value);
  return out;
}

/** Literal without indexing with a literal name. */
function literalNewName(name: string, value: string): Buffer {
  const out = Buffer.allocUnsafe(1 + integerLength(name.length, 7) + name.length + integerLength(value.length, 7) + value.length);
  writeField(out, 0, name, value);
  return out;
}

/** RFC 9110 §5.6.2 token characters (lowercase already applied). */
const TOKEN = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz") TOKEN[c.charCodeAt(0)] = 1;

function isToken(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 128 || TOKEN[c] !== 1) return false;
  }
  return true;
}

/** HTAB, visible ASCII, SP and obs-text (0x80-0xff) only: no CR, LF, NUL, nothing beyond latin1. */
function checkValue(key: string, value: string): void {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f || c > 0xff) throw new Error(`invalid character in the value of metadata ${JSON.stringify(key)}`);
  }
}
