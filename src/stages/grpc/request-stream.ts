/**
 * The request body of a client-streaming or bidi route, read as it arrives and handed on item by item: NDJSON
 * lines (one request message each) or, for a stream of google.api.HttpBody, raw chunks. Nothing is buffered
 * beyond the line being assembled and the items of the chunk at hand.
 */
import { GatewayError } from '../../errors/gateway-error.js';
import type { RequestContext } from '../../pipeline/context.js';
import { closeAfterAnswer } from '../request-body.js';

/** Bounds on a streamed request body. */
export interface RequestStreamLimits {
  /** Largest NDJSON line, in bytes without its line break. */
  readonly maxLineBytes: number;
  /** Largest whole body. */
  readonly maxBodyBytes: number;
}

/** What a reader reports: items in order, then exactly one of `onEnd` / `onError`, then nothing. */
export interface RequestStreamSink {
  /**
   * One item: the bytes of an NDJSON line (without `\n` or `\r\n`; blank lines are skipped) and its 1-based line
   * number, or one received chunk of a raw body and its ordinal. Return `false` to pause until `resume()`.
   */
  onItem(bytes: Buffer, line: number): boolean;
  /** The body ended and every item was handed on. */
  onEnd(): void;
  /** The body broke a limit (413 naming the line), or the client aborted it (400). */
  onError(error: GatewayError): void;
}

/** Control of a running reader. */
export interface RequestStreamReader {
  /** Hands on items again after `onItem` returned `false`. */
  resume(): void;
  /** Stops for good: no more callbacks. The unread rest of the body is discarded (and an HTTP/1.1 answer closes). */
  stop(): void;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Reads the request body of `ctx` in `mode`: `lines` splits NDJSON (a last line without `\n` counts; blank lines
 * are skipped but counted), `chunks` passes each received chunk as one item. The body read by an earlier stage
 * (`ctx.body`) is used when there is one. Callbacks never run before this function returns.
 */
export function readRequestStream(ctx: RequestContext, mode: 'lines' | 'chunks', limits: RequestStreamLimits, sink: RequestStreamSink): RequestStreamReader {
  const { req } = ctx;
  const queue: { bytes: Buffer; line: number }[] = [];
  let head = 0;
  let partial: Buffer[] = [];
  let partialBytes = 0;
  let lines = 0;
  let total = 0;
  let paused = false;
  let sourcePaused = false;
  let sourceEnded = false;
  let stopped = false;
  let listening = false;

  const cleanup = (): void => {
    if (!listening) return;
    listening = false;
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('error', onAborted);
    req.off('aborted', onAborted);
  };
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    queue.length = 0;
    if (!sourceEnded) {
      cleanup();
      closeAfterAnswer(ctx);
      // Flowing without a 'data' listener discards the rest, so that the client is never left blocked on a full
      // connection (and an HTTP/1.1 close does not turn into a reset that loses the answer).
      req.resume();
    }
  };
  const fail = (error: GatewayError): void => {
    stop();
    sink.onError(error);
  };
  const pump = (): void => {
    while (!paused && !stopped && head < queue.length) {
      const next = queue[head] as { bytes: Buffer; line: number };
      queue[head++] = EMPTY_ITEM;
      if (sink.onItem(next.bytes, next.line) === false && !stopped) paused = true;
    }
    if (stopped) return;
    if (head === queue.length) {
      queue.length = 0;
      head = 0;
    }
    if (paused) {
      if (!sourcePaused && !sourceEnded) {
        sourcePaused = true;
        req.pause();
      }
      return;
    }
    if (sourceEnded) {
      stopped = true;
      sink.onEnd();
    } else if (sourcePaused) {
      sourcePaused = false;
      req.resume();
    }
  };
  /** Queues one complete line; false (after failing) when it is too long. */
  const pushLine = (bytes: Buffer): boolean => {
    const line = bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.subarray(0, -1) : bytes;
    if (line.length > limits.maxLineBytes) {
      fail(tooLong());
      return false;
    }
    lines++;
    if (!isBlank(line)) queue.push({ bytes: line, line: lines });
    return true;
  };
  const tooLong = (): GatewayError =>
    new GatewayError('payload-too-large', `Line ${lines + 1} of the NDJSON body is longer than ${limits.maxLineBytes} bytes.`, { extensions: { line: lines + 1 } });

  function onData(chunk: Buffer): void {
    if (stopped) return;
    total += chunk.length;
    if (total > limits.maxBodyBytes) return fail(new GatewayError('payload-too-large', `The body exceeds the limit for this route of ${limits.maxBodyBytes} bytes.`));
    if (mode === 'chunks') {
      if (chunk.length > 0) queue.push({ bytes: chunk, line: ++lines });
      return pump();
    }
    let start = 0;
    for (let at = chunk.indexOf(LF); at !== -1; at = chunk.indexOf(LF, start)) {
      const piece = chunk.subarray(start, at);
      if (partialBytes + piece.length > limits.maxLineBytes + 1) return fail(tooLong()); // + 1: a trailing \r
      if (!pushLine(partial.length === 0 ? piece : Buffer.concat([...partial, piece], partialBytes + piece.length))) return;
      partial = [];
      partialBytes = 0;
      start = at + 1;
    }
    if (start < chunk.length) {
      partialBytes += chunk.length - start;
      if (partialBytes > limits.maxLineBytes + 1) return fail(tooLong());
      partial.push(chunk.subarray(start));
    }
    pump();
  }
  function onEnd(): void {
    cleanup();
    sourceEnded = true;
    if (stopped) return;
    if (partialBytes > 0) {
      if (!pushLine(Buffer.concat(partial, partialBytes))) return;
      partial = [];
      partialBytes = 0;
    }
    pump();
  }
  function onAborted(): void {
    cleanup();
    sourceEnded = true;
    fail(new GatewayError('bad-request', 'The client aborted the request body.'));
  }

  const preRead = ctx.body;
  if (preRead !== undefined || !ctx.hasBody) {
    setImmediate(() => {
      if (preRead !== undefined && preRead.length > 0) onData(preRead);
      if (!stopped) onEnd();
    });
  } else {
    listening = true;
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAborted);
    req.on('aborted', onAborted);
  }
  return {
    resume() {
      if (!paused || stopped) return;
      paused = false;
      pump();
    },
    stop,
  };
}

const EMPTY_ITEM = { bytes: Buffer.alloc(0), line: 0 };

/** A line of only spaces, tabs and carriage returns (RFC 8259 whitespace without the line feed). */
function isBlank(line: Buffer): boolean {
  for (const byte of line) if (byte !== 0x20 && byte !== 0x09 && byte !== CR) return false;
  return true;
}
