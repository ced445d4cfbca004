import { H1ParseError, type H1ParseReason } from './errors.js';
import { createFieldMap, NO_FIELDS, parseFieldLines, type ResponseHeaders } from './fields.js';
import { chunkedLast, parseContentLength, parseStatusLine, persistent } from './framing.js';

/** What the parser reports, synchronously from `execute`, `finish` or `resume`. */
export interface ResponseParserSink {
  /** A 1xx interim response (100, 102, 103…), already skipped; the final response follows. */
  onInterim?(status: number, headers: ResponseHeaders): void;
  /** The final response head. `keepAlive` of the parser is already known here. */
  onHead(status: number, headers: ResponseHeaders): void;
  /** Body bytes, de-chunked; usually a `subarray` of the input (the parser never copies body bytes). */
  onBody(chunk: Buffer): void;
  /** The response is complete; `trailers` is {@link NO_FIELDS} (frozen) when there are none. */
  onEnd(trailers: ResponseHeaders): void;
  /**
   * The response is malformed; nothing else is reported for it. Also called once AFTER `onEnd` when bytes follow a
   * complete response (`reason` 'unexpected-data'): the response stands, the connection must be closed.
   */
  onError(error: H1ParseError): void;
}

/** Options of {@link ResponseParser}. */
export interface ResponseParserOptions {
  /** Largest header section (and trailer section), terminating empty line included. Default 64 KiB. */
  readonly maxHeaderBytes?: number;
}

const CR = 13;
const LF = 10;
const SEMICOLON = 59;
const HTAB = 9;
const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');
/** Longest chunk-size line we accept (digits plus extensions); extensions are discarded anyway. */
const MAX_CHUNK_LINE = 4096;

const S_IDLE = 0;
const S_HEAD = 1;
const S_IDENTITY = 2;
const S_CHUNK_SIZE = 3;
const S_CHUNK_EXT = 4;
const S_CHUNK_SIZE_LF = 5;
const S_CHUNK_DATA = 6;
const S_CHUNK_DATA_CR = 7;
const S_CHUNK_DATA_LF = 8;
const S_TRAILERS = 9;
const S_UNTIL_CLOSE = 10;
const S_DONE = 11;
const S_STOPPED = 12;

const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[65 + i] = HEX[97 + i] = 10 + i;

/**
 * An incremental HTTP/1.1 response parser (RFC 9112), fed Buffers as they arrive; a response may be split at any
 * byte. One parser serves one connection, one response at a time: {@link start} before each request. We never
 * pipeline, so bytes after a complete response are an error. Input buffers may be retained (zero-copy), so callers
 * must not reuse them.
 */
export class ResponseParser {
  readonly #maxHeaderBytes: number;
  #sink: ResponseParserSink | null = null;
  #state = S_IDLE;
  #expectBody = true;
  /** A partial head or trailer section. */
  #pending: Buffer | null = null;
  /** Input not yet processed because the consumer paused. */
  #held: Buffer | null = null;
  #eofHeld = false;
  #paused = false;
  #executing = false;
  #remaining = 0;
  #chunkSize = 0;
  #lineBytes = 0;
  #keepAlive = false;

  constructor(options: ResponseParserOptions = {}) {
    this.#maxHeaderBytes = options.maxHeaderBytes ?? 65_536;
  }

  /** May the connection carry another request once this response is complete? Known from `onHead` on. */
  get keepAlive(): boolean {
    return this.#keepAlive;
  }

  /** Prepares for the response to a new request. `expectBody` is false for a response to HEAD (RFC 9112 §6.3 ¶1). */
  start(sink: ResponseParserSink, expectBody: boolean): void {
    this.#sink = sink;
    this.#expectBody = expectBody;
    this.#state = S_HEAD;
    this.#pending = this.#held = null;
    this.#eofHeld = this.#paused = this.#keepAlive = false;
  }

  /** Parses the next bytes of the connection. */
  execute(data: Buffer): void {
    const state = this.#state;
    if (state === S_STOPPED || data.length === 0) return;
    if (this.#paused && state !== S_DONE) {
      this.#held = this.#held === null ? data : Buffer.concat([this.#held, data]);
      return;
    }
    this.#run(data);
  }

  /** The peer closed its side (EOF): ends a close-delimited body (RFC 9112 §6.3 ¶8), otherwise an error. */
  finish(): void {
    const state = this.#state;
    if (state === S_IDLE || state === S_DONE || state === S_STOPPED) return;
    if (this.#held !== null) {
      this.#eofHeld = true;
      return;
    }
    if (state === S_UNTIL_CLOSE) this.#complete(NO_FIELDS);
    else this.#fail('incomplete-response');
  }

  /** Stops reporting body chunks after the current one until {@link resume}; later input is held. */
  pause(): void {
    if (this.#state !== S_STOPPED) this.#paused = true;
  }

  /** Processes held input (synchronously), unless called from inside a sink callback. */
  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    if (this.#executing) return;
    const held = this.#held;
    if (held !== null) {
      this.#held = null;
      this.#run(held);
    }
    if (this.#eofHeld && this.#held === null && !this.#paused) {
      this.#eofHeld = false;
      this.finish();
    }
  }

  /** Abandons the current response: nothing more is reported until the next {@link start}. */
  stop(): void {
    this.#state = S_STOPPED;
    this.#pending = this.#held = null;
    this.#paused = this.#eofHeld = false;
  }

  #run(data: Buffer): void {
    this.#executing = true;
    try {
      this.#loop(data);
    } finally {
      this.#executing = false;
    }
  }

  #loop(data: Buffer): void {
    const length = data.length;
    let offset = 0;
    while (offset < length) {
      const state = this.#state;
      switch (state) {
        case S_HEAD:
          offset = this.#head(data, offset);
          break;
        case S_IDENTITY:
        case S_CHUNK_DATA:
        case S_UNTIL_CLOSE: {
          const available = length - offset;
          const remaining = state === S_UNTIL_CLOSE ? available : this.#remaining;
          const n = available < remaining ? available : remaining;
          this.#remaining = remaining - n;
          const chunk = n === length ? data : data.subarray(offset, offset + n);
          offset += n;
          (this.#sink as ResponseParserSink).onBody(chunk);
          if (this.#remaining !== 0 || this.#state !== state || state === S_UNTIL_CLOSE) break;
          if (state === S_IDENTITY) this.#complete(NO_FIELDS);
          else this.#state = S_CHUNK_DATA_CR;
          break;
        }
        case S_CHUNK_SIZE: {
          // chunk-size = 1*HEXDIG (RFC 9112 §7.1); then ";" extensions or CRLF, nothing else (no whitespace).
          let i = offset;
          let size = this.#chunkSize;
          for (; i < length; i++) {
            const v = HEX[data[i] as number] as number;
            if (v < 0) break;
            size = size * 16 + v;
            // Sizes above 2^53 - 1 lose precision: reject rather than miscount (a smuggling vector).
            if (size > Number.MAX_SAFE_INTEGER) return void this.#fail('chunk-size-overflow');
          }
          this.#lineBytes += i - offset;
          this.#chunkSize = size;
          if (this.#lineBytes > MAX_CHUNK_LINE) return void this.#fail('bad-chunk-size');
          if (i === length) return;
          const c = data[i];
          if (this.#lineBytes === 0) return void this.#fail('bad-chunk-size'); // no digit at all
          if (c === SEMICOLON) this.#state = S_CHUNK_EXT;
          else if (c === CR) this.#state = S_CHUNK_SIZE_LF;
          else return void this.#fail('bad-chunk-size');
          offset = i + 1;
          break;
        }
        case S_CHUNK_EXT: {
          // chunk-ext (RFC 9112 §7.1.1) is ignored, but may not hide a CTL (a bare LF would desync other parsers).
          let i = offset;
          for (; i < length; i++) {
            const c = data[i] as number;
            if (c === CR) break;
            if ((c < 32 && c !== HTAB) || c === 127) return void this.#fail('bad-chunk-extension');
          }
          this.#lineBytes += i - offset;
          if (this.#lineBytes > MAX_CHUNK_LINE) return void this.#fail('bad-chunk-extension');
          if (i === length) return;
          this.#state = S_CHUNK_SIZE_LF;
          offset = i + 1;
          break;
        }
        case S_CHUNK_SIZE_LF:
          if (data[offset] !== LF) return void this.#fail('bad-chunk-size');
          offset++;
          this.#lineBytes = 0;
          if (this.#chunkSize === 0) {
            this.#state = S_TRAILERS; // last-chunk: the trailer section follows (RFC 9112 §7.1.2)
          } else {
            this.#remaining = this.#chunkSize;
            this.#chunkSize = 0;
            this.#state = S_CHUNK_DATA;
          }
          break;
        case S_CHUNK_DATA_CR:
          if (data[offset] !== CR) return void this.#fail('missing-chunk-crlf');
          offset++;
          this.#state = S_CHUNK_DATA_LF;
          break;
        case S_CHUNK_DATA_LF:
          if (data[offset] !== LF) return void this.#fail('missing-chunk-crlf');
          offset++;
          this.#state = S_CHUNK_SIZE;
          break;
        case S_TRAILERS:
          offset = this.#trailers(data, offset);
          break;
        case S_DONE:
        case S_IDLE:
          // We never pipeline: anything after a complete response is a desync (RFC 9112 §9.3.2); close.
          return void this.#fail('unexpected-data');
        default:
          return;
      }
      if (this.#paused && offset < length && this.#state !== S_DONE && this.#state !== S_STOPPED) {
        this.#held = data.subarray(offset);
        return;
      }
    }
  }

  /**
   * Collects a header or trailer section that ends with CRLFCRLF (an empty line), across inputs.
   * @returns [buffer, start, end of the section before CRLFCRLF, offset in `data` after it], or undefined when
   * more input is needed or the section is too large (then the parser failed)
   */
  #section(data: Buffer, offset: number, tooLarge: H1ParseReason): [Buffer, number, number, number] | undefined {
    const pending = this.#pending;
    let buf = data;
    let start = offset;
    let base = 0;
    let from = offset;
    if (pending !== null) {
      buf = Buffer.concat([pending, offset === 0 ? data : data.subarray(offset)]);
      start = 0;
      base = pending.length;
      from = base > 3 ? base - 3 : 0;
    }
    if (this.#state === S_TRAILERS && buf.length - start >= 2 && buf[start] === CR && buf[start + 1] === LF) {
      this.#pending = null;
      return [buf, start, start, offset + 2 - base]; // no trailer fields
    }
    const end = buf.indexOf(CRLFCRLF, from);
    if (end === -1 ? buf.length - start > this.#maxHeaderBytes : end + 4 - start > this.#maxHeaderBytes) {
      this.#fail(tooLarge);
      return undefined;
    }
    if (end === -1) {
      this.#pending = start === 0 ? buf : buf.subarray(start);
      return undefined;
    }
    this.#pending = null;
    return [buf, start, end, offset + end + 4 - start - base];
  }

  #head(data: Buffer, offset: number): number {
    const section = this.#section(data, offset, 'headers-too-large');
    if (section === undefined) return Infinity;
    const [buf, start, end, next] = section;
    const text = buf.toString('latin1', start, end);
    let eol = text.indexOf('\r\n');
    if (eol === -1) eol = text.length;
    const status = parseStatusLine(text, eol);
    if (status < 0) return this.#fail('bad-status-line');
    const http10 = text.charCodeAt(7) === 48;
    const headers = createFieldMap();
    const invalid = parseFieldLines(text, eol + 2, headers);
    if (invalid !== undefined) return this.#fail(invalid);
    const sink = this.#sink as ResponseParserSink;
    if (status < 200) {
      // We never ask to upgrade (Upgrade is hop-by-hop and removed), so a 101 is a protocol error (RFC 9110 §15.2.2).
      if (status === 101) return this.#fail('unexpected-upgrade');
      sink.onInterim?.(status, headers); // 1xx: skip, the final response follows (RFC 9110 §15.2)
      return this.#state === S_STOPPED ? Infinity : next;
    }
    return this.#framing(status, http10, headers, next);
  }

  /** Message body length, RFC 9112 §6.3, rules in order. */
  #framing(status: number, http10: boolean, headers: ResponseHeaders, next: number): number {
    const cl = headers['content-length'] as string | undefined;
    let length = -1;
    if (cl !== undefined) {
      length = parseContentLength(cl);
      if (length < 0) return this.#fail(length === -2 ? 'conflicting-content-length' : 'bad-content-length');
      // Identical repeated values may be replaced by one (RFC 9110 §8.6); relay exactly one.
      if (cl.length !== 1 && cl.indexOf(',') !== -1) headers['content-length'] = String(length);
    }
    const connection = headers.connection as string | undefined;
    // RFC 9112 §9.3: HTTP/1.1 persists unless "close"; HTTP/1.0 only with "keep-alive".
    let keepAlive = connection === undefined ? !http10 : persistent(connection, http10);
    let state = S_DONE;
    const te = headers['transfer-encoding'] as string | undefined;
    if (!this.#expectBody || status === 204 || status === 304) {
      // §6.3 ¶1: HEAD, 1xx, 204 and 304 responses end with the header section, whatever the fields say.
    } else if (te !== undefined) {
      // §6.1: Transfer-Encoding in HTTP/1.0 means faulty framing; §6.3 ¶3: with Content-Length it "ought to be
      // handled as an error" (a smuggling / splitting attempt). We reject both.
      if (http10) return this.#fail('transfer-encoding-in-http10');
      if (cl !== undefined) return this.#fail('transfer-encoding-with-content-length');
      const chunked = chunkedLast(te);
      if (chunked < 0) return this.#fail('bad-transfer-encoding');
      // §6.3 ¶4: chunked last → chunked; otherwise the body runs until the server closes.
      state = chunked === 1 ? S_CHUNK_SIZE : S_UNTIL_CLOSE;
    } else if (length > 0) {
      state = S_IDENTITY; // §6.3 ¶6
    } else if (length < 0) {
      state = S_UNTIL_CLOSE; // §6.3 ¶8
    }
    if (state === S_UNTIL_CLOSE) keepAlive = false;
    this.#keepAlive = keepAlive;
    this.#remaining = length;
    this.#chunkSize = this.#lineBytes = 0;
    this.#state = state === S_DONE ? S_HEAD : state;
    (this.#sink as ResponseParserSink).onHead(status, headers);
    if (this.#state === S_STOPPED) return Infinity;
    if (state === S_DONE) this.#complete(NO_FIELDS);
    return next;
  }

  #trailers(data: Buffer, offset: number): number {
    const section = this.#section(data, offset, 'trailers-too-large');
    if (section === undefined) return Infinity;
    const [buf, start, end, next] = section;
    let trailers = NO_FIELDS;
    if (end > start) {
      trailers = createFieldMap();
      const invalid = parseFieldLines(buf.toString('latin1', start, end), 0, trailers);
      if (invalid !== undefined) return this.#fail(invalid);
    }
    this.#complete(trailers);
    return next;
  }

  #complete(trailers: ResponseHeaders): void {
    this.#state = S_DONE;
    (this.#sink as ResponseParserSink).onEnd(trailers);
  }

  /** Reports `reason` once and stops; returns Infinity so the caller's loop ends. */
  #fail(reason: H1ParseReason): number {
    this.#state = S_STOPPED;
    this.#pending = this.#held = null;
    this.#keepAlive = false;
    this.#sink?.onError(new H1ParseError(reason));
    return Infinity;
  }
}
