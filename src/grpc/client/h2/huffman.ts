/**
 * HPACK Huffman decoding (RFC 7541 §5.2, code in Appendix B). The code is canonical (codes of one length are
 * consecutive in symbol order), so the table below holds only the code length of each symbol 0..255 and EOS (256);
 * the codes are rebuilt from it at load. Decoding walks a precomputed state table four bits at a time: a state is
 * an inner node of the code tree (the bits read since the last symbol), so each input byte costs two lookups.
 */
import { COMPRESSION_ERROR } from './constants.js';
import { H2ConnectionError } from './errors.js';

/** Code length in bits of symbols 0..256 (RFC 7541 Appendix B, "len in bits"). */
// prettier-ignore
export const HUFFMAN_CODE_LENGTHS: readonly number[] = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, // 0-15
  28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28, // 16-31
  6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, //         ' ' - '/'
  5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10, //              '0' - '?'
  13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, //                '@' - 'O'
  7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6, //             'P' - '_'
  15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, //                '`' - 'o'
  6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28, //            'p' - 127
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, // 128-143
  24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24, // 144-159
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, // 160-175
  21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23, // 176-191
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, // 192-207
  19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, // 208-223
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, // 224-239
  26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, // 240-255
  30, //                                                             EOS
];

const EOS = 256;

/** Codes of symbols 0..256, MSB-aligned in the low `length` bits, rebuilt canonically from the lengths. */
export const HUFFMAN_CODES: readonly number[] = (() => {
  const order = HUFFMAN_CODE_LENGTHS.map((length, symbol) => ({ length, symbol }));
  order.sort((a, b) => a.length - b.length || a.symbol - b.symbol);
  const codes = new Array<number>(HUFFMAN_CODE_LENGTHS.length);
  let code = 0;
  let length = order[0]!.length;
  for (const entry of order) {
    code *= 2 ** (entry.length - length);
    length = entry.length;
    codes[entry.symbol] = code;
    code++;
  }
  return codes;
})();

const EMIT = 1 << 16;
const FAIL = 1 << 17;

/**
 * TRANSITIONS[state * 16 + nibble]: next state (bits 0-7), emitted symbol (bits 8-15) when EMIT is set, FAIL when
 * the nibble completes EOS (§5.2: "MUST be treated as a decoding error"). ACCEPTS[state]: the string may end in
 * this state, i.e. the bits since the last symbol are a prefix of EOS (all ones) of at most 7 bits.
 */
const { TRANSITIONS, ACCEPTS } = buildTables();

function buildTables(): { TRANSITIONS: Uint32Array; ACCEPTS: Uint8Array } {
  // Inner nodes are numbered from 0 (the root); a child >= 0 is an inner node, -1 - symbol a leaf.
  const zero: number[] = [0];
  const one: number[] = [0];
  const depth: number[] = [0];
  const allOnes: boolean[] = [true];
  let inner = 1;
  for (let symbol = 0; symbol <= EOS; symbol++) {
    const length = HUFFMAN_CODE_LENGTHS[symbol]!;
    const code = HUFFMAN_CODES[symbol]!;
    let node = 0;
    for (let bit = length - 1; bit >= 0; bit--) {
      const branch = Math.floor(code / 2 ** bit) % 2 === 1 ? one : zero;
      if (bit === 0) {
        branch[node] = -1 - symbol;
        break;
      }
      if (branch[node] === 0 || branch[node] === undefined) {
        branch[node] = inner;
        zero[inner] = 0;
        one[inner] = 0;
        depth[inner] = depth[node]! + 1;
        allOnes[inner] = allOnes[node]! && branch === one;
        inner++;
      }
      node = branch[node]!;
    }
  }
  if (inner !== 256) throw new Error(`HPACK Huffman table is not a complete code (${inner} inner nodes)`);
  const transitions = new Uint32Array(256 * 16);
  const accepts = new Uint8Array(256);
  for (let state = 0; state < 256; state++) {
    accepts[state] = state === 0 || (allOnes[state]! && depth[state]! <= 7) ? 1 : 0;
    for (let nibble = 0; nibble < 16; nibble++) {
      let node = state;
      let entry = 0;
      for (let bit = 3; bit >= 0; bit--) {
        const child = ((nibble >> bit) & 1) === 1 ? one[node]! : zero[node]!;
        if (child >= 0) {
          node = child;
          continue;
        }
        const symbol = -1 - child;
        if (symbol === EOS) {
          entry = FAIL;
          break;
        }
        // Codes are at least 5 bits long, so a nibble completes at most one symbol.
        entry = EMIT | (symbol << 8);
        node = 0;
      }
      transitions[state * 16 + nibble] = entry === FAIL ? FAIL : entry | node;
    }
  }
  return { TRANSITIONS: transitions, ACCEPTS: accepts };
}

let scratch = Buffer.allocUnsafe(4096);

/**
 * Decodes the Huffman-coded octets `source[start, end)` to a latin1 string (one char per octet).
 * @throws H2ConnectionError COMPRESSION_ERROR for EOS in the data, padding longer than 7 bits or not all ones.
 */
export function huffmanDecode(source: Buffer, start: number, end: number): string {
  // The shortest code is 5 bits: n octets decode to at most 8n/5 symbols.
  const capacity = Math.ceil(((end - start) * 8) / 5);
  if (capacity > scratch.length) scratch = Buffer.allocUnsafe(Math.max(capacity, scratch.length * 2));
  const out = scratch;
  let length = 0;
  let state = 0;
  for (let i = start; i < end; i++) {
    const octet = source[i]!;
    let entry = TRANSITIONS[(state << 4) | (octet >> 4)]!;
    if ((entry & FAIL) !== 0) throw huffmanError('EOS symbol in a Huffman-coded string');
    if ((entry & EMIT) !== 0) out[length++] = (entry >> 8) & 0xff;
    state = entry & 0xff;
    entry = TRANSITIONS[(state << 4) | (octet & 15)]!;
    if ((entry & FAIL) !== 0) throw huffmanError('EOS symbol in a Huffman-coded string');
    if ((entry & EMIT) !== 0) out[length++] = (entry >> 8) & 0xff;
    state = entry & 0xff;
  }
  if (ACCEPTS[state] !== 1) throw huffmanError('invalid Huffman padding (longer than 7 bits or not the EOS prefix)');
  return out.toString('latin1', 0, length);
}

/** Huffman-encodes `text` (latin1). Used by tests to build inputs; the client itself sends raw literals. */
export function huffmanEncode(text: string): Buffer {
  let bits = 0;
  for (let i = 0; i < text.length; i++) bits += HUFFMAN_CODE_LENGTHS[text.charCodeAt(i) & 0xff]!;
  const out = Buffer.alloc(Math.ceil(bits / 8));
  let position = 0;
  for (let i = 0; i < text.length; i++) {
    const symbol = text.charCodeAt(i) & 0xff;
    const length = HUFFMAN_CODE_LENGTHS[symbol]!;
    const code = HUFFMAN_CODES[symbol]!;
    for (let bit = length - 1; bit >= 0; bit--, position++) {
      if (Math.floor(code / 2 ** bit) % 2 === 1) out[position >> 3]! |= 0x80 >> (position & 7);
    }
  }
  // Pad with the most significant bits of EOS, i.e. ones (§5.2).
  for (; (position & 7) !== 0; position++) out[position >> 3]! |= 0x80 >> (position & 7);
  return out;
}

function huffmanError(message: string): H2ConnectionError {
  return new H2ConnectionError(COMPRESSION_ERROR, message);
}
