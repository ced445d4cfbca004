import { describe, expect, it } from 'vitest';
import type { H1ParseError } from '../../src/upstreams/http/h1/errors.js';
import type { ResponseHeaders } from '../../src/upstreams/http/h1/fields.js';
import { ResponseParser, type ResponseParserSink } from '../../src/upstreams/http/h1/response-parser.js';

type Event =
  | ['interim', number, Record<string, unknown>]
  | ['head', number, Record<string, unknown>, boolean]
  | ['body', string]
  | ['end', Record<string, unknown>, boolean]
  | ['error', string];

interface Options {
  readonly head?: boolean;
  readonly eof?: boolean;
  readonly maxHeaderBytes?: number;
}

/** Feeds `chunks` to a fresh parser and records what it reports; consecutive body chunks are merged. */
function run(chunks: readonly Buffer[], options: Options = {}): Event[] {
  const events: Event[] = [];
  const parser = new ResponseParser(options.maxHeaderBytes === undefined ? {} : { maxHeaderBytes: options.maxHeaderBytes });
  const sink: ResponseParserSink = {
    onInterim: (status, headers) => events.push(['interim', status, { ...headers }]),
    onHead: (status, headers) => events.push(['head', status, { ...headers }, parser.keepAlive]),
    onBody: (chunk) => {
      const last = events[events.length - 1];
      if (last?.[0] === 'body') last[1] += chunk.toString('latin1');
      else events.push(['body', chunk.toString('latin1')]);
    },
    onEnd: (trailers: ResponseHeaders) => events.push(['end', { ...trailers }, parser.keepAlive]),
    onError: (error: H1ParseError) => events.push(['error', error.reason]),
  };
  parser.start(sink, options.head !== true);
  for (const chunk of chunks) parser.execute(chunk);
  if (options.eof === true) parser.finish();
  return events;
}

/** Every way of delivering `text`: whole, byte by byte, and split in two at every offset; all must agree. */
function parseAllWays(text: string, options: Options = {}): Event[] {
  const bytes = Buffer.from(text, 'latin1');
  const whole = run([bytes], options);
  const single: Buffer[] = [];
  for (let i = 0; i < bytes.length; i++) single.push(bytes.subarray(i, i + 1));
  expect(run(single, options), 'byte by byte').toEqual(whole);
  for (let i = 1; i < bytes.length; i++) {
    expect(run([bytes.subarray(0, i), bytes.subarray(i)], options), `split at ${i}`).toEqual(whole);
  }
  return whole;
}

describe('h1 response parser: framing (RFC 9112 §6.3)', () => {
  it('content-length: exact body, HTTP/1.1 persists', () => {
    expect(parseAllWays('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello')).toEqual([
      ['head', 200, { 'content-type': 'text/plain', 'content-length': '5' }, true],
      ['body', 'hello'],
      ['end', {}, true],
    ]);
  });

  it('content-length: 0 ends with the head', () => {
    expect(parseAllWays('HTTP/1.1 201 Created\r\ncontent-length: 0\r\n\r\n')).toEqual([
      ['head', 201, { 'content-length': '0' }, true],
      ['end', {}, true],
    ]);
  });

  it('a response to HEAD has no body, whatever its content-length says', () => {
    expect(parseAllWays('HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n', { head: true })).toEqual([
      ['head', 200, { 'content-length': '5' }, true],
      ['end', {}, true],
    ]);
  });

  it('204 and 304 have no body, even with framing fields', () => {
    expect(parseAllWays('HTTP/1.1 204 No Content\r\ntransfer-encoding: chunked\r\n\r\n')).toEqual([
      ['head', 204, { 'transfer-encoding': 'chunked' }, true],
      ['end', {}, true],
    ]);
    expect(parseAllWays('HTTP/1.1 304 Not Modified\r\ncontent-length: 10\r\n\r\n')).toEqual([
      ['head', 304, { 'content-length': '10' }, true],
      ['end', {}, true],
    ]);
  });

  it('1xx interim responses are reported and skipped', () => {
    const text =
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n' +
      'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok';
    expect(parseAllWays(text)).toEqual([
      ['interim', 100, {}],
      ['interim', 103, { link: '</a.css>; rel=preload' }],
      ['head', 200, { 'content-length': '2' }, true],
      ['body', 'ok'],
      ['end', {}, true],
    ]);
  });

  it('chunked with extensions and trailers', () => {
    const text =
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=val;x="q s"\r\nhello\r\n6\r\n world\r\n' +
      '0\r\nX-Checksum: abc\r\nSet-Cookie: a=1\r\n\r\n';
    expect(parseAllWays(text)).toEqual([
      ['head', 200, { 'transfer-encoding': 'chunked' }, true],
      ['body', 'hello world'],
      ['end', { 'x-checksum': 'abc', 'set-cookie': ['a=1'] }, true],
    ]);
  });

  it('chunked: hex sizes in either case, no trailers, leading zeros', () => {
    const text = 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nA\r\n0123456789\r\n0001a\r\nabcdefghijklmnopqrstuvwxyz\r\n000\r\n\r\n';
    expect(parseAllWays(text)).toEqual([
      ['head', 200, { 'transfer-encoding': 'chunked' }, true],
      ['body', '0123456789abcdefghijklmnopqrstuvwxyz'],
      ['end', {}, true],
    ]);
  });

  it('chunked as the final coding of several', () => {
    const text = 'HTTP/1.1 200 OK\r\ntransfer-encoding: gzip\r\nTransfer-Encoding: CHUNKED\r\n\r\n2\r\nxy\r\n0\r\n\r\n';
    expect(parseAllWays(text)).toEqual([
      ['head', 200, { 'transfer-encoding': 'gzip, CHUNKED' }, true],
      ['body', 'xy'],
      ['end', {}, true],
    ]);
  });

  it('transfer-encoding without chunked last: read until close, connection not reusable', () => {
    const text = 'HTTP/1.1 200 OK\r\ntransfer-encoding: gzip\r\n\r\nsome bytes';
    expect(parseAllWays(text, { eof: true })).toEqual([
      ['head', 200, { 'transfer-encoding': 'gzip' }, false],
      ['body', 'some bytes'],
      ['end', {}, false],
    ]);
  });

  it('neither content-length nor transfer-encoding: read until close', () => {
    expect(parseAllWays('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil the end', { eof: true })).toEqual([
      ['head', 200, { 'content-type': 'text/plain' }, false],
      ['body', 'until the end'],
      ['end', {}, false],
    ]);
    expect(parseAllWays('HTTP/1.0 200 OK\r\n\r\n', { eof: true })).toEqual([
      ['head', 200, {}, false],
      ['end', {}, false],
    ]);
  });

  it('persistence: HTTP/1.1 unless close, HTTP/1.0 only with keep-alive (RFC 9112 §9.3)', () => {
    expect(parseAllWays('HTTP/1.1 200 OK\r\nConnection: Close\r\ncontent-length: 1\r\n\r\nx')).toEqual([
      ['head', 200, { connection: 'Close', 'content-length': '1' }, false],
      ['body', 'x'],
      ['end', {}, false],
    ]);
    expect(parseAllWays('HTTP/1.0 200 OK\r\ncontent-length: 1\r\n\r\nx')[2]).toEqual(['end', {}, false]);
    expect(parseAllWays('HTTP/1.0 200 OK\r\nconnection: Keep-Alive\r\ncontent-length: 1\r\n\r\nx')[2]).toEqual(['end', {}, true]);
    expect(parseAllWays('HTTP/1.1 200 OK\r\nconnection: keep-alive, close\r\ncontent-length: 1\r\n\r\nx')[2]).toEqual(['end', {}, false]);
  });

  it('field names are lower-cased, OWS trimmed, repeats combined; set-cookie stays a list', () => {
    const text =
      'HTTP/1.1 404 \r\nX-Multi:  a \r\nx-multi:b\r\nSet-Cookie: a=1\r\nset-cookie: b=2; Path=/\r\n' +
      '__proto__: p\r\nconstructor: c\r\nContent-Length: 3, 3\r\nContent-Length: 3\r\nX-Empty:\r\n\r\nabc';
    expect(parseAllWays(text)).toEqual([
      [
        'head',
        404,
        {
          'x-multi': 'a, b',
          'set-cookie': ['a=1', 'b=2; Path=/'],
          ['__proto__']: 'p',
          constructor: 'c',
          'content-length': '3',
          'x-empty': '',
        },
        true,
      ],
      ['body', 'abc'],
      ['end', {}, true],
    ]);
  });

  it('status line without reason phrase, with an empty one, and obs-text in the reason', () => {
    expect(parseAllWays('HTTP/1.1 599\r\ncontent-length: 0\r\n\r\n')[0]).toEqual(['head', 599, { 'content-length': '0' }, true]);
    expect(parseAllWays('HTTP/1.1 200 \r\ncontent-length: 0\r\n\r\n')[0]).toEqual(['head', 200, { 'content-length': '0' }, true]);
    expect(parseAllWays('HTTP/1.1 200 \xe9t\xe9\r\ncontent-length: 0\r\n\r\n')[0]).toEqual(['head', 200, { 'content-length': '0' }, true]);
  });
});

describe('h1 response parser: malformed responses', () => {
  const head = 'HTTP/1.1 200 OK\r\n';
  const chunked = `${head}transfer-encoding: chunked\r\n\r\n`;
  const cases: [string, string, string][] = [
    ['HTTP/2.0 version', 'HTTP/2.0 200 OK\r\ncontent-length: 0\r\n\r\n', 'bad-status-line'],
    ['two-digit status', 'HTTP/1.1 20 OK\r\ncontent-length: 0\r\n\r\n', 'bad-status-line'],
    ['four-digit status', 'HTTP/1.1 2000 OK\r\ncontent-length: 0\r\n\r\n', 'bad-status-line'],
    ['status below 100', 'HTTP/1.1 099 Odd\r\ncontent-length: 0\r\n\r\n', 'bad-status-line'],
    ['not HTTP', 'ICY 200 OK\r\ncontent-length: 0\r\n\r\n', 'bad-status-line'],
    ['leading empty line', '\r\nHTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n', 'bad-status-line'],
    ['bare LF line ends', 'HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n', 'bad-status-line'],
    ['unrequested 101', 'HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\n\r\n', 'unexpected-upgrade'],
    ['space before colon', `${head}Content-Length : 0\r\n\r\n`, 'bad-header-name'],
    ['no colon', `${head}content-length 0\r\n\r\n`, 'bad-header-name'],
    ['empty name', `${head}: x\r\ncontent-length: 0\r\n\r\n`, 'bad-header-name'],
    ['NUL in value', `${head}x-a: a\0b\r\ncontent-length: 0\r\n\r\n`, 'bad-header-value'],
    ['bare CR in value', `${head}x-a: a\rb\r\ncontent-length: 0\r\n\r\n`, 'bad-header-value'],
    ['bare LF in value', `${head}x-a: a\nx-b: b\r\ncontent-length: 0\r\n\r\n`, 'bad-header-value'],
    ['obs-fold', `${head}x-a: 1\r\n  continued\r\ncontent-length: 0\r\n\r\n`, 'obs-fold'],
    ['non-digit content-length', `${head}content-length: 1a\r\n\r\n`, 'bad-content-length'],
    ['signed content-length', `${head}content-length: +5\r\n\r\n`, 'bad-content-length'],
    ['empty content-length', `${head}content-length: \r\n\r\n`, 'bad-content-length'],
    ['content-length with inner space', `${head}content-length: 5 5\r\n\r\n`, 'bad-content-length'],
    ['content-length above 2^53', `${head}content-length: 9007199254740993\r\n\r\n`, 'bad-content-length'],
    ['differing content-length lines', `${head}content-length: 5\r\ncontent-length: 6\r\n\r\nhello`, 'conflicting-content-length'],
    ['differing content-length list', `${head}content-length: 5, 6\r\n\r\nhello`, 'conflicting-content-length'],
    ['transfer-encoding and content-length', `${head}content-length: 5\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n`, 'transfer-encoding-with-content-length'],
    ['transfer-encoding in HTTP/1.0', 'HTTP/1.0 200 OK\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n', 'transfer-encoding-in-http10'],
    ['chunked twice', `${head}transfer-encoding: chunked, chunked\r\n\r\n0\r\n\r\n`, 'bad-transfer-encoding'],
    ['empty transfer-encoding', `${head}transfer-encoding: ,\r\n\r\n`, 'bad-transfer-encoding'],
    ['chunk size zz', `${chunked}zz\r\n`, 'bad-chunk-size'],
    ['negative chunk size', `${chunked}-1\r\n`, 'bad-chunk-size'],
    ['space before chunk size', `${chunked} 5\r\nhello\r\n0\r\n\r\n`, 'bad-chunk-size'],
    ['space after chunk size', `${chunked}5 \r\nhello\r\n0\r\n\r\n`, 'bad-chunk-size'],
    ['chunk size without LF', `${chunked}5\rhello\r\n0\r\n\r\n`, 'bad-chunk-size'],
    ['chunk size 0x prefix', `${chunked}0x5\r\nhello\r\n0\r\n\r\n`, 'bad-chunk-size'],
    ['chunk size = 2^53', `${chunked}20000000000000\r\n`, 'chunk-size-overflow'],
    ['chunk size of 17 hex digits', `${chunked}fffffffffffffffff\r\n`, 'chunk-size-overflow'],
    ['bare LF in chunk extension', `${chunked}5;a\nb\r\nhello\r\n0\r\n\r\n`, 'bad-chunk-extension'],
    ['chunk data longer than its size', `${chunked}5\r\nhelloX\r\n0\r\n\r\n`, 'missing-chunk-crlf'],
    ['chunk data without CRLF', `${chunked}5\r\nhello0\r\n\r\n`, 'missing-chunk-crlf'],
    ['chunk data followed by LF only', `${chunked}5\r\nhello\n0\r\n\r\n`, 'missing-chunk-crlf'],
    ['invalid trailer', `${chunked}0\r\nbad trailer: x\r\n\r\n`, 'bad-header-name'],
    ['obs-fold in trailers', `${chunked}0\r\nx-t: 1\r\n 2\r\n\r\n`, 'obs-fold'],
  ];

  for (const [name, text, reason] of cases) {
    it(`${name} → ${reason}`, () => {
      const events = parseAllWays(text);
      expect(events[events.length - 1]).toEqual(['error', reason]);
      expect(events.filter((event) => event[0] === 'error' || event[0] === 'end')).toHaveLength(1);
    });
  }

  it('chunk size 2^53 - 1 is accepted (then waits for data)', () => {
    expect(parseAllWays(`${chunked}1fffffffffffff\r\nabc`)).toEqual([
      ['head', 200, { 'transfer-encoding': 'chunked' }, true],
      ['body', 'abc'],
    ]);
  });

  it('bytes after a complete response: the response stands, then an error (close the socket)', () => {
    const text = `${head}content-length: 2\r\n\r\nokHTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n`;
    expect(parseAllWays(text)).toEqual([
      ['head', 200, { 'content-length': '2' }, true],
      ['body', 'ok'],
      ['end', {}, true],
      ['error', 'unexpected-data'],
    ]);
    expect(parseAllWays('HTTP/1.1 204 No Content\r\n\r\n\r\n').slice(1)).toEqual([
      ['end', {}, true],
      ['error', 'unexpected-data'],
    ]);
  });

  it('header section larger than the limit (default 64 KiB)', () => {
    const big = `${head}x-big: ${'a'.repeat(70_000)}\r\ncontent-length: 0\r\n\r\n`;
    expect(run([Buffer.from(big)])).toEqual([['error', 'headers-too-large']]);
    // Never terminated: the limit bounds the buffered bytes too.
    const chunks = Array.from({ length: 80 }, () => Buffer.from(`x-a: ${'b'.repeat(1_000)}\r\n`));
    expect(run([Buffer.from(head), ...chunks])).toEqual([['error', 'headers-too-large']]);
    const small = `${head}x-a: ${'a'.repeat(100)}\r\ncontent-length: 0\r\n\r\n`;
    expect(parseAllWays(small, { maxHeaderBytes: 100 })).toEqual([['error', 'headers-too-large']]);
    expect(parseAllWays(small, { maxHeaderBytes: small.length })[0]?.[0]).toBe('head');
  });

  it('trailer section larger than the limit', () => {
    const text = `${chunked}0\r\nx-t: ${'t'.repeat(200)}\r\n\r\n`;
    expect(parseAllWays(text, { maxHeaderBytes: 150 }).slice(1)).toEqual([['error', 'trailers-too-large']]);
  });

  it('EOF before the end of a framed body', () => {
    expect(parseAllWays(`${head}content-length: 10\r\n\r\nhello`, { eof: true }).slice(1)).toEqual([
      ['body', 'hello'],
      ['error', 'incomplete-response'],
    ]);
    expect(parseAllWays(`${chunked}5\r\nhello\r\n`, { eof: true }).slice(1)).toEqual([
      ['body', 'hello'],
      ['error', 'incomplete-response'],
    ]);
    expect(parseAllWays('HTTP/1.1 200 OK\r\ncontent-le', { eof: true })).toEqual([['error', 'incomplete-response']]);
  });
});

describe('h1 response parser: pause and reuse', () => {
  it('pause holds the rest of a chunked input; resume delivers it', () => {
    const parser = new ResponseParser();
    const events: string[] = [];
    let pauseNext = true;
    parser.start(
      {
        onHead: (status) => events.push(`head ${status}`),
        onBody: (chunk) => {
          events.push(`body ${chunk.toString()}`);
          if (pauseNext) parser.pause();
        },
        onEnd: () => events.push('end'),
        onError: (error) => events.push(`error ${error.reason}`),
      },
      true,
    );
    parser.execute(Buffer.from('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\na\r\n1\r\nb\r\n1\r\nc\r\n0\r\n\r\n'));
    expect(events).toEqual(['head 200', 'body a']);
    parser.resume();
    expect(events).toEqual(['head 200', 'body a', 'body b']);
    pauseNext = false;
    parser.resume();
    expect(events).toEqual(['head 200', 'body a', 'body b', 'body c', 'end']);
  });

  it('one parser serves consecutive responses after start()', () => {
    const parser = new ResponseParser();
    const events: string[] = [];
    const sink: ResponseParserSink = {
      onHead: (status) => events.push(`head ${status}`),
      onBody: (chunk) => events.push(`body ${chunk.toString()}`),
      onEnd: () => events.push('end'),
      onError: (error) => events.push(`error ${error.reason}`),
    };
    for (const status of [200, 404]) {
      parser.start(sink, true);
      parser.execute(Buffer.from(`HTTP/1.1 ${status} X\r\ncontent-length: 1\r\n\r\n${status === 200 ? 'a' : 'b'}`));
    }
    expect(events).toEqual(['head 200', 'body a', 'end', 'head 404', 'body b', 'end']);
  });

  it('a single-read body is the input buffer itself or a subarray of it (zero-copy)', () => {
    const input = Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello');
    let body: Buffer | undefined;
    const parser = new ResponseParser();
    parser.start({ onHead() {}, onBody: (chunk) => (body = chunk), onEnd() {}, onError() {} }, true);
    parser.execute(input);
    expect(body?.buffer).toBe(input.buffer);
    expect(body?.byteOffset).toBe(input.byteOffset + input.length - 5);
  });
});
