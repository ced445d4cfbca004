import { describe, expect, it } from 'vitest';
import { COMPRESSION_ERROR } from '../../src/grpc/client/h2/constants.js';
import { H2ConnectionError } from '../../src/grpc/client/h2/errors.js';
import { BLOCK_MALFORMED, BLOCK_TOO_LARGE, HpackDecoder, type HeaderFieldSink } from '../../src/grpc/client/h2/hpack-decoder.js';
import { integerLength, RequestHeaderEncoder, variableFieldsLength, writeInteger, writeVariableFields } from '../../src/grpc/client/h2/hpack-encoder.js';
import { HUFFMAN_CODES, huffmanDecode, huffmanEncode } from '../../src/grpc/client/h2/huffman.js';

class Fields implements HeaderFieldSink {
  readonly list: Array<[string, string]> = [];
  onHeaderField(name: string, value: string): void {
    this.list.push([name, value]);
  }
}

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

function decode(decoder: HpackDecoder, block: Buffer): { fields: Array<[string, string]>; flags: number } {
  const sink = new Fields();
  const flags = decoder.decode(block, 0, block.length, sink);
  return { fields: sink.list, flags };
}

function decodingError(run: () => unknown): H2ConnectionError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(H2ConnectionError);
    expect((error as H2ConnectionError).h2Code).toBe(COMPRESSION_ERROR);
    return error as H2ConnectionError;
  }
  throw new Error('expected a COMPRESSION_ERROR');
}

// RFC 7541 Appendix C.3 / C.4: the same three requests, literals raw and Huffman-coded.
const requests = [
  [':method', 'GET'], [':scheme', 'http'], [':path', '/'], [':authority', 'www.example.com'],
];
const requestSteps: Array<{ fields: Array<[string, string]>; table: Array<[string, string]>; size: number }> = [
  { fields: requests as Array<[string, string]>, table: [[':authority', 'www.example.com']], size: 57 },
  {
    fields: [...requests, ['cache-control', 'no-cache']] as Array<[string, string]>,
    table: [['cache-control', 'no-cache'], [':authority', 'www.example.com']],
    size: 110,
  },
  {
    fields: [[':method', 'GET'], [':scheme', 'https'], [':path', '/index.html'], [':authority', 'www.example.com'], ['custom-key', 'custom-value']],
    table: [['custom-key', 'custom-value'], ['cache-control', 'no-cache'], [':authority', 'www.example.com']],
    size: 164,
  },
];
const C3 = [
  '8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d',
  '8286 84be 5808 6e6f 2d63 6163 6865',
  '8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65',
];
const C4 = [
  '8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff',
  '8286 84be 5886 a8eb 1064 9cbf',
  '8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf',
];

// Appendix C.5 / C.6: three responses with SETTINGS_HEADER_TABLE_SIZE 256, so entries are evicted.
const date1 = 'Mon, 21 Oct 2013 20:13:21 GMT';
const date2 = 'Mon, 21 Oct 2013 20:13:22 GMT';
const cookie = 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1';
const location = 'https://www.example.com';
const responseSteps: Array<{ fields: Array<[string, string]>; table: Array<[string, string]>; size: number }> = [
  {
    fields: [[':status', '302'], ['cache-control', 'private'], ['date', date1], ['location', location]],
    table: [['location', location], ['date', date1], ['cache-control', 'private'], [':status', '302']],
    size: 222,
  },
  {
    fields: [[':status', '307'], ['cache-control', 'private'], ['date', date1], ['location', location]],
    table: [[':status', '307'], ['location', location], ['date', date1], ['cache-control', 'private']],
    size: 222,
  },
  {
    fields: [[':status', '200'], ['cache-control', 'private'], ['date', date2], ['location', location], ['content-encoding', 'gzip'], ['set-cookie', cookie]],
    table: [['set-cookie', cookie], ['content-encoding', 'gzip'], ['date', date2]],
    size: 215,
  },
];
const C5 = [
  `4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d
   546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d`,
  '4803 3330 37c1 c0bf',
  `88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f
   6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b
   2076 6572 7369 6f6e 3d31`,
];
const C6 = [
  `4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7
   8f0b 97c8 e9ae 82ae 43d3`,
  '4883 640e ffc1 c0bf',
  `88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335
   dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07`,
];

describe('HPACK decoder: RFC 7541 Appendix C', () => {
  it.each([['C.3 (raw literals)', C3], ['C.4 (Huffman)', C4]])('%s: requests on one connection', (_name, blocks) => {
    const decoder = new HpackDecoder(4_096, 65_536);
    blocks.forEach((block, i) => {
      const step = requestSteps[i]!;
      expect(decode(decoder, hex(block))).toEqual({ fields: step.fields, flags: 0 });
      expect(decoder.entries()).toEqual(step.table);
      expect(decoder.tableSize).toBe(step.size);
    });
  });

  it.each([['C.5 (raw literals)', C5], ['C.6 (Huffman)', C6]])('%s: responses with a 256-octet table and evictions', (_name, blocks) => {
    const decoder = new HpackDecoder(256, 65_536);
    blocks.forEach((block, i) => {
      const step = responseSteps[i]!;
      expect(decode(decoder, hex(block))).toEqual({ fields: step.fields, flags: 0 });
      expect(decoder.entries()).toEqual(step.table);
      expect(decoder.tableSize).toBe(step.size);
    });
  });

  it('C.2: literal without indexing, never indexed, indexed; none of them touches the table', () => {
    const decoder = new HpackDecoder(4_096, 65_536);
    expect(decode(decoder, hex('040c 2f73 616d 706c 652f 7061 7468')).fields).toEqual([[':path', '/sample/path']]);
    expect(decode(decoder, hex('1008 7061 7373 776f 7264 0673 6563 7265 74')).fields).toEqual([['password', 'secret']]);
    expect(decode(decoder, hex('82')).fields).toEqual([[':method', 'GET']]);
    expect(decoder.entries()).toEqual([]);
  });
});

describe('HPACK decoder: table size updates, limits, malformed input', () => {
  it('applies a size update at the start of a block, evicting, and refuses one above SETTINGS or after a field', () => {
    const decoder = new HpackDecoder(4_096, 65_536);
    decode(decoder, hex(C3[0]!));
    decode(decoder, hex(C3[1]!));
    expect(decoder.tableSize).toBe(110);
    expect(decode(decoder, hex('3f13 82'))).toEqual({ fields: [[':method', 'GET']], flags: 0 }); // size 50: both evicted
    expect(decoder.entries()).toEqual([]);
    decodingError(() => decode(decoder, hex('3fe2 1f'))); // 4097
    decodingError(() => decode(decoder, hex('82 20')));
    // Two updates in a row at the start are allowed (RFC 7541 §4.2: the smallest, then the final size).
    expect(decode(new HpackDecoder(4_096, 65_536), hex('20 3fe1 0f 82')).fields).toEqual([[':method', 'GET']]);
  });

  it('empties the table for an entry larger than its maximum size (§4.4), which is not an error', () => {
    const decoder = new HpackDecoder(64, 65_536);
    decode(decoder, hex('4001 6101 62')); // a: b, 34 octets
    expect(decoder.entries()).toEqual([['a', 'b']]);
    const long = 'x'.repeat(40);
    const block = Buffer.concat([hex('4001 61'), Buffer.from([long.length]), Buffer.from(long)]);
    expect(decode(decoder, block).fields).toEqual([['a', long]]);
    expect(decoder.entries()).toEqual([]);
    expect(decoder.tableSize).toBe(0);
  });

  it.each([
    ['index 0', '80'],
    ['an index beyond the static and dynamic tables', 'be'],
    ['a literal name index beyond the tables', '7f 0001 61'],
    ['an integer that overflows', 'ff ff ff ff ff ff 0f'],
    ['a truncated integer', 'ff ff'],
    ['a string longer than the block', '40 05 61'],
    ['a truncated string length', '40'],
    ['Huffman data containing EOS', `40 01 61 84 ${Buffer.from([0xff, 0xff, 0xff, 0xfc]).toString('hex')}`],
    ['Huffman padding longer than 7 bits', '40 01 61 82 1f ff'], // 'a' (00011) then 11 ones
    ['Huffman padding that is not all ones', '40 01 61 81 18'], // 'a' then 000
  ])('refuses %s with COMPRESSION_ERROR', (_name, block) => {
    decodingError(() => decode(new HpackDecoder(4_096, 65_536), hex(block)));
  });

  it('stops reporting fields past SETTINGS_MAX_HEADER_LIST_SIZE but still decodes the whole block', () => {
    const decoder = new HpackDecoder(4_096, 100);
    const { fields, flags } = decode(decoder, hex(`${C3[0]!} 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65`));
    expect(flags).toBe(BLOCK_TOO_LARGE);
    expect(fields).toEqual([[':method', 'GET'], [':scheme', 'http']]); // 42 + 43 = 85; + ':path /' (38) > 100
    expect(decoder.entries()).toEqual([['custom-key', 'custom-value'], [':authority', 'www.example.com']]);
  });

  it('flags field names and values RFC 9113 §8.2.1 forbids, also when they come back from the table', () => {
    const decoder = new HpackDecoder(4_096, 65_536);
    expect(decode(decoder, hex('4001 4101 62')).flags).toBe(BLOCK_MALFORMED); // 'A': uppercase
    expect(decode(decoder, hex('be')).flags).toBe(BLOCK_MALFORMED);
    expect(decode(decoder, hex('0001 6103 610d 62')).flags).toBe(BLOCK_MALFORMED); // CR in a value
    expect(decode(decoder, hex('0003 613a 6201 62')).flags).toBe(BLOCK_MALFORMED); // 'a:b'
    expect(decode(decoder, hex('0001 6102 6220')).flags).toBe(BLOCK_MALFORMED); // trailing SP
    expect(decode(decoder, hex('0001 6103 6209 62')).flags).toBe(0); // HTAB inside is fine
  });
});

describe('Huffman code', () => {
  it('rebuilds the codes of RFC 7541 Appendix B from the lengths', () => {
    const spot: Array<[number, number]> = [
      [0, 0x1ff8], [9, 0xffffea], [10, 0x3ffffffc], [32, 0x14], [48, 0x0], [58, 0x5c], [92, 0x7fff0], [97, 0x3],
      [127, 0xffffffc], [128, 0xfffe6], [199, 0x1ffffec], [220, 0xffffffd], [255, 0x3ffffee], [256, 0x3fffffff],
    ];
    for (const [symbol, code] of spot) expect(HUFFMAN_CODES[symbol], `symbol ${symbol}`).toBe(code);
  });

  it('round-trips every octet value', () => {
    let text = '';
    for (let i = 0; i < 256; i++) text += String.fromCharCode(i);
    const coded = huffmanEncode(text);
    expect(huffmanDecode(coded, 0, coded.length)).toBe(text);
    expect(huffmanDecode(Buffer.alloc(0), 0, 0)).toBe('');
  });
});

describe('request header encoding', () => {
  it('encodes a block our decoder (and any HPACK decoder) reads back, with metadata and grpc-timeout', () => {
    const encoder = new RequestHeaderEncoder(false, '127.0.0.1:50051', 'protogate-grpc/0.1');
    const constant = encoder.constantBlock('/pkg.Svc/Method');
    expect(encoder.constantBlock('/pkg.Svc/Method')).toBe(constant); // cached
    const metadata = { 'X-Tenant': 'acme', 'x-multi': ['a', 'b'], 'grpc-timeout': '1n', te: 'nope', 'x-long': 'v'.repeat(300) };
    const length = variableFieldsLength('150m', metadata);
    const block = Buffer.alloc(constant.length + length);
    constant.copy(block);
    expect(writeVariableFields(block, constant.length, '150m', metadata)).toBe(block.length);
    const decoded = decode(new HpackDecoder(4_096, 65_536), block);
    expect(decoded.fields).toEqual([
      [':method', 'POST'], [':scheme', 'http'], [':path', '/pkg.Svc/Method'], [':authority', '127.0.0.1:50051'],
      ['content-type', 'application/grpc'], ['te', 'trailers'], ['user-agent', 'protogate-grpc/0.1'],
      ['grpc-timeout', '150m'], ['x-tenant', 'acme'], ['x-multi', 'a'], ['x-multi', 'b'], ['x-long', 'v'.repeat(300)],
    ]);
    expect(new RequestHeaderEncoder(true, 'h', 'u').constantBlock('/')[1]).toBe(0x87); // :scheme https
  });

  it('refuses metadata that cannot be a header field', () => {
    expect(() => variableFieldsLength(undefined, { 'bad key': 'v' })).toThrow(/invalid metadata key/);
    expect(() => variableFieldsLength(undefined, { 'x-a': 'line\r\nbreak' })).toThrow(/invalid character/);
    expect(() => variableFieldsLength(undefined, { 'x-a': 'snow ☃' })).toThrow(/invalid character/);
  });

  it('writes integers with N-bit prefixes as in RFC 7541 C.1', () => {
    const out = Buffer.alloc(8);
    expect(writeInteger(out, 0, 10, 5, 0)).toBe(1);
    expect(out[0]).toBe(0b01010);
    expect(writeInteger(out, 0, 1337, 5, 0)).toBe(3);
    expect([...out.subarray(0, 3)]).toEqual([31, 154, 10]);
    expect(writeInteger(out, 0, 42, 8, 0)).toBe(1);
    expect(out[0]).toBe(42);
    expect([integerLength(30, 5), integerLength(31, 5), integerLength(1337, 5)]).toEqual([1, 2, 3]);
  });
});
