/**
 * HPACK decoder (RFC 7541): static and dynamic tables, integer and string literals, Huffman, table size updates,
 * and the SETTINGS_MAX_HEADER_LIST_SIZE we advertise. Any decoding error is a connection error COMPRESSION_ERROR
 * (RFC 9113 §4.3). Strings are latin1, one char per octet, so string lengths are octet lengths.
 */
import { COMPRESSION_ERROR } from './constants.js';
import { H2ConnectionError } from './errors.js';
import { STATIC_TABLE } from './hpack-static-table.js';
import { huffmanDecode } from './huffman.js';

/** Receives the fields of one block in order, synchronously from {@link HpackDecoder.decode}. */
export interface HeaderFieldSink {
  onHeaderField(name: string, value: string): void;
}

/** Flags of a decoded block: the list went past the size limit (later fields were not reported). */
export const BLOCK_TOO_LARGE = 1;
/** A field name or value breaks RFC 9113 §8.2.1 (the block still decoded, to keep the table in sync). */
export const BLOCK_MALFORMED = 2;

/** A sink for blocks of streams we no longer track: decoded only to keep the dynamic table in sync. */
export const DISCARD_FIELDS: HeaderFieldSink = { onHeaderField() {} };

/** Per-entry overhead in the table size (RFC 7541 §4.1). */
const ENTRY_OVERHEAD = 32;
const STATIC_COUNT = STATIC_TABLE.length;

/** Decodes header blocks of one connection; the dynamic table lives as long as the connection. */
export class HpackDecoder {
  /** SETTINGS_HEADER_TABLE_SIZE we advertised: the largest size update the peer's encoder may send. */
  readonly #limit: number;
  readonly #maxListSize: number;
  /** Current maximum size, as set by the latest size update. */
  #maxSize: number;
  #size = 0;
  // The dynamic table as a ring; dynamic index 1 (the newest entry) is slot #next - 1.
  readonly #names: string[];
  readonly #values: string[];
  readonly #valid: Uint8Array;
  #next = 0;
  #count = 0;
  /** Where the last integer or string read ended (saves returning pairs). */
  #pos = 0;

  constructor(tableSize: number, maxHeaderListSize: number) {
    this.#limit = tableSize;
    this.#maxSize = tableSize;
    this.#maxListSize = maxHeaderListSize;
    const capacity = Math.floor(tableSize / ENTRY_OVERHEAD) + 1;
    this.#names = new Array<string>(capacity).fill('');
    this.#values = new Array<string>(capacity).fill('');
    this.#valid = new Uint8Array(capacity);
  }

  /** The header list size limit (SETTINGS_MAX_HEADER_LIST_SIZE we advertised). */
  get maxHeaderListSize(): number {
    return this.#maxListSize;
  }

  /** Current dynamic table size in octets (RFC 7541 §4.1). */
  get tableSize(): number {
    return this.#size;
  }

  /** The dynamic table, newest first (for tests and diagnostics). */
  entries(): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (let i = 1; i <= this.#count; i++) {
      const slot = this.#slot(i);
      out.push([this.#names[slot]!, this.#values[slot]!]);
    }
    return out;
  }

  /**
   * Decodes the complete block `block[start, end)`, reporting each field to `sink` until the list exceeds the
   * size limit. Returns 0, or {@link BLOCK_TOO_LARGE} / {@link BLOCK_MALFORMED} flags.
   * @throws H2ConnectionError COMPRESSION_ERROR on any decoding error.
   */
  decode(block: Buffer, start: number, end: number, sink: HeaderFieldSink): number {
    let pos = start;
    let listSize = 0;
    let flags = 0;
    let fields = false;
    while (pos < end) {
      const first = block[pos]!;
      let name: string;
      let value: string;
      let valid = true;
      if (first >= 0x80) {
        // Indexed Header Field (§6.1).
        const index = this.#integer(block, pos, end, 7);
        pos = this.#pos;
        if (index === 0) throw decodingError('indexed header field with index 0');
        if (index <= STATIC_COUNT) {
          const entry = STATIC_TABLE[index - 1]!;
          name = entry[0];
          value = entry[1];
        } else {
          const slot = this.#dynamicSlot(index);
          name = this.#names[slot]!;
          value = this.#values[slot]!;
          valid = this.#valid[slot] === 1;
        }
      } else if (first >= 0x20 && first < 0x40) {
        // Dynamic Table Size Update (§6.3): only before the first field of a block (§4.2).
        if (fields) throw decodingError('dynamic table size update after a header field');
        const size = this.#integer(block, pos, end, 5);
        pos = this.#pos;
        if (size > this.#limit) throw decodingError(`dynamic table size update to ${size} exceeds the limit ${this.#limit}`);
        this.#maxSize = size;
        this.#evict(0);
        continue;
      } else {
        // Literal Header Field with Incremental Indexing (01, §6.2.1), without Indexing (0000, §6.2.2) or Never
        // Indexed (0001, §6.2.3).
        const indexing = first >= 0x40;
        const index = this.#integer(block, pos, end, indexing ? 6 : 4);
        pos = this.#pos;
        if (index === 0) {
          name = this.#string(block, pos, end);
          pos = this.#pos;
          valid = validName(name);
        } else if (index <= STATIC_COUNT) {
          name = STATIC_TABLE[index - 1]![0];
        } else {
          const slot = this.#dynamicSlot(index);
          name = this.#names[slot]!;
          valid = this.#valid[slot] === 1;
        }
        value = this.#string(block, pos, end);
        pos = this.#pos;
        valid = valid && validValue(value);
        if (indexing) this.#insert(name, value, valid);
      }
      fields = true;
      if (!valid) flags |= BLOCK_MALFORMED;
      if ((flags & BLOCK_TOO_LARGE) !== 0) continue;
      listSize += name.length + value.length + ENTRY_OVERHEAD;
      if (listSize > this.#maxListSize) flags |= BLOCK_TOO_LARGE;
      else sink.onHeaderField(name, value);
    }
    return flags;
  }

  /** Reads an integer with an N-bit prefix (§5.1) starting at `pos`. */
  #integer(block: Buffer, pos: number, end: number, prefixBits: number): number {
    const mask = (1 << prefixBits) - 1;
    let value = block[pos]! & mask;
    pos++;
    if (value === mask) {
      let shift = 0;
      let octet: number;
      do {
        if (pos >= end) throw decodingError('truncated integer');
        // Anything past 2^28 + prefix is far beyond every limit here; refuse it rather than lose precision.
        if (shift > 21) throw decodingError('integer overflow');
        octet = block[pos++]!;
        value += (octet & 0x7f) * 2 ** shift;
        shift += 7;
      } while (octet >= 0x80);
    }
    this.#pos = pos;
    return value;
  }

  /** Reads a string literal (§5.2) starting at `pos`. */
  #string(block: Buffer, pos: number, end: number): string {
    if (pos >= end) throw decodingError('truncated string literal');
    const huffman = block[pos]! >= 0x80;
    const length = this.#integer(block, pos, end, 7);
    const from = this.#pos;
    const to = from + length;
    if (to > end) throw decodingError('string literal longer than the header block');
    this.#pos = to;
    return huffman ? huffmanDecode(block, from, to) : block.toString('latin1', from, to);
  }

  #slot(dynamicIndex: number): number {
    const capacity = this.#names.length;
    return (this.#next - dynamicIndex + capacity) % capacity;
  }

  #dynamicSlot(index: number): number {
    const dynamicIndex = index - STATIC_COUNT;
    if (dynamicIndex > this.#count) throw decodingError(`header index ${index} is beyond the table`);
    return this.#slot(dynamicIndex);
  }

  #insert(name: string, value: string, valid: boolean): void {
    const size = name.length + value.length + ENTRY_OVERHEAD;
    // "an attempt to add an entry larger than the maximum size causes the table to be emptied" (§4.4).
    if (size > this.#maxSize) {
      this.#count = 0;
      this.#size = 0;
      return;
    }
    this.#evict(size);
    const slot = this.#next;
    this.#names[slot] = name;
    this.#values[slot] = value;
    this.#valid[slot] = valid ? 1 : 0;
    this.#next = (slot + 1) % this.#names.length;
    this.#count++;
    this.#size += size;
  }

  /** Evicts the oldest entries until `room` more octets fit (§4.4). */
  #evict(room: number): void {
    while (this.#count > 0 && this.#size + room > this.#maxSize) {
      const slot = this.#slot(this.#count);
      this.#size -= this.#names[slot]!.length + this.#values[slot]!.length + ENTRY_OVERHEAD;
      this.#names[slot] = '';
      this.#values[slot] = '';
      this.#count--;
    }
  }
}

/**
 * RFC 9113 §8.2.1: no characters 0x00-0x20, 0x41-0x5a (uppercase) or 0x7f-0xff, and a colon only as the first
 * character of a pseudo-header.
 */
function validName(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c <= 0x20 || (c >= 0x41 && c <= 0x5a) || c >= 0x7f || (c === 0x3a && i !== 0)) return false;
  }
  return true;
}

/** RFC 9113 §8.2.1: no NUL, LF or CR, and no leading or trailing SP / HTAB. */
function validValue(value: string): boolean {
  const last = value.length - 1;
  if (last < 0) return true;
  const first = value.charCodeAt(0);
  const end = value.charCodeAt(last);
  if (first === 0x20 || first === 0x09 || end === 0x20 || end === 0x09) return false;
  for (let i = 0; i <= last; i++) {
    const c = value.charCodeAt(i);
    if (c === 0 || c === 0x0a || c === 0x0d) return false;
  }
  return true;
}

function decodingError(message: string): H2ConnectionError {
  return new H2ConnectionError(COMPRESSION_ERROR, `HPACK: ${message}`);
}
