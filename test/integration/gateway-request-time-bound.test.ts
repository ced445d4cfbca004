import http2 from 'node:http2';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PEOPLE, type PersonObject } from '../../src/demo/directory-data.js';
import { eventually, personJson, startDirectoryGateway, type DirectoryGateway } from '../helpers/directory-gateway.js';
import { liveRequest1, liveRequest2 } from '../helpers/live-exchange.js';

/**
 * `limits.requestTimeoutMs` bounds every request from its start (src/server/request-time-bound.ts), except the
 * body of a client-streaming or bidi route, which lives by the route's own limits. The bound is short here (600 ms;
 * node:http checks it every `headersTimeoutMs`, 300 ms), so the streams below outlive it by far.
 */
let env: DirectoryGateway;

beforeAll(async () => {
  env = await startDirectoryGateway({
    limits: { headersTimeoutMs: 300, requestTimeoutMs: 600 },
    routes: {
      'demo.directory.v1.Directory.LookupPeople': { timeoutMs: 1_000, streamIdleTimeoutMs: 500 },
      'demo.directory.v1.Directory.ImportPeople': { timeoutMs: 2_500 },
    },
  });
});

afterAll(async () => {
  await env.close();
});

const NDJSON = { 'content-type': 'application/x-ndjson' };
const ask = (id: number): string => `${JSON.stringify({ id: String(id) })}\n`;
const personById = (id: number): string => personJson(PEOPLE[id - 1] as PersonObject);
const chunk = (text: string): string => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const idleLine = `${JSON.stringify({
  error: { type: 'urn:protogate:problem:upstream-grpc-status', status: 504, grpcCode: 'DEADLINE_EXCEEDED', grpcMessage: 'no message either way for 500 ms' },
})}\n`;
const SLOW_POST = 'POST /v1/people HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 200\r\n\r\n';
const LOOKUP = 'POST /v1/people:lookup HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-ndjson\r\ntransfer-encoding: chunked\r\n\r\n';

/** A raw HTTP/1.1 connection: what the server sent so far, and when it ended the connection. */
interface RawConnection {
  write(data: string): void;
  /** Everything received so far (latin1). */
  text(): string;
  /** Resolves when the server closed the connection: ms since the connection opened. */
  readonly closed: Promise<number>;
}

function connect1(): RawConnection {
  const opened = performance.now();
  const socket = net.connect(Number(new URL(env.http1).port), '127.0.0.1');
  socket.on('error', () => undefined); // a write racing the server's close
  const chunks: Buffer[] = [];
  socket.on('data', (data: Buffer) => chunks.push(data));
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now() - opened)));
  return {
    write: (data) => void (socket.writable && socket.write(data)),
    text: () => Buffer.concat(chunks).toString('latin1'),
    closed,
  };
}

/** Converses over a bidi exchange: each id once the answer to the previous one arrived, `gapMs` apart. */
async function converse(send: (line: string) => void, received: () => string, ids: readonly number[], gapMs: number): Promise<void> {
  for (const id of ids) {
    send(ask(id));
    expect(await eventually(() => received().includes(personById(id)))).toBe(true);
    await sleep(gapMs);
  }
}

/** Writes a byte every 100 ms (bytes keep coming: the bound is on the total, not per read) until stopped. */
function trickle(write: (data: string) => void): () => void {
  write('{');
  const timer = setInterval(() => write('a'), 100);
  return () => clearInterval(timer);
}

describe('every other request keeps the whole-request bound', () => {
  it('HTTP/1.1: a POST body trickled byte by byte gets a 408 problem at the bound, and the connection closes', async () => {
    const conn = connect1();
    conn.write(SLOW_POST);
    const stop = trickle(conn.write);
    const closedAfter = await conn.closed;
    stop();
    const [head, body] = conn.text().split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 408 /);
    expect(head).toContain('connection: close');
    expect(JSON.parse(body ?? '')).toMatchObject({ type: 'urn:protogate:problem:request-timeout', status: 408 });
    expect(closedAfter).toBeGreaterThan(550);
    expect(closedAfter).toBeLessThan(1_500);
  });

  it('h2c: the same trickle gets a 408 problem and the stream is closed', async () => {
    const session = http2.connect(env.h2c);
    const started = performance.now();
    const stream = session.request({ ':method': 'POST', ':path': '/v1/people', 'content-type': 'application/json' });
    const stop = trickle((data) => void (stream.writable && stream.write(data)));
    let status = 0;
    let body = '';
    stream.on('response', (headers) => (status = Number(headers[':status'])));
    stream.on('data', (data: Buffer) => (body += data.toString()));
    await new Promise((resolve) => stream.once('close', resolve));
    stop();
    session.close();
    expect(status).toBe(408);
    expect(JSON.parse(body)).toMatchObject({ type: 'urn:protogate:problem:request-timeout', status: 408 });
    expect(performance.now() - started).toBeLessThan(1_500);
  });
});

describe('a bidi request body lives by its stream limits', () => {
  it('HTTP/1.1: outlives the bound while messages flow; its idle timeout ends it, then the connection closes', async () => {
    const conn = connect1();
    conn.write(LOOKUP);
    await converse((line) => conn.write(chunk(line)), conn.text, [1, 2, 3, 4, 5, 6], 200);
    const closedAfter = await conn.closed;
    const text = conn.text();
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(text).toContain(chunk(`${personById(6)}\n`));
    // The in-band end, the last chunk; the rest of the request body (never sent) is not waited for.
    expect(text.endsWith(`${chunk(idleLine)}0\r\n\r\n`)).toBe(true);
    // The sixth line ~1 000 ms in (well past the 600 ms bound), then 500 ms without a message either way.
    expect(closedAfter).toBeGreaterThan(1_400);
  });

  it('h2c: the same; after the complete response the stream is reset with NO_ERROR', async () => {
    const session = http2.connect(env.h2c);
    const stream = session.request({ ':method': 'POST', ':path': '/v1/people:lookup', ...NDJSON }, { endStream: false });
    let body = '';
    let ended = false;
    stream.on('data', (data: Buffer) => (body += data.toString()));
    stream.on('end', () => (ended = true));
    const closed = new Promise<void>((resolve) => stream.once('close', resolve));
    await converse((line) => stream.write(line), () => body, [1, 2, 3, 4, 5, 6], 200);
    await closed;
    session.close();
    // The request side was never ended: the server's RST_STREAM closed the stream, after END_STREAM.
    expect([ended, stream.rstCode]).toEqual([true, http2.constants.NGHTTP2_NO_ERROR]);
    expect(body.endsWith(`${personById(6)}\n${idleLine}`)).toBe(true);
  });

  it('HTTP/1.1: a bidi body that ends after the bound leaves the connection open, and the next request is bounded', async () => {
    const conn = connect1();
    conn.write(LOOKUP);
    await converse((line) => conn.write(chunk(line)), conn.text, [1, 2, 3, 4, 5], 200);
    conn.write('0\r\n\r\n');
    expect(await eventually(() => conn.text().endsWith('0\r\n\r\n'))).toBe(true);
    const first = conn.text();
    expect(first).not.toContain('error');
    conn.write(SLOW_POST);
    const started = performance.now();
    const stop = trickle(conn.write);
    await conn.closed;
    stop();
    expect(conn.text().slice(first.length)).toMatch(/^HTTP\/1\.1 408 /);
    expect(performance.now() - started).toBeGreaterThan(550);
  });
});

describe('a client-streaming upload lives by its deadline', () => {
  const importLines = (count: number): string[] => Array.from({ length: count }, (_, i) => `${JSON.stringify({ displayName: `P${i + 1}` })}\n`);

  it('HTTP/1.1 and h2c: lines for twice the bound, then the one answer', async () => {
    for (const exchange of [liveRequest1(`${env.http1}/v1/people:import`, { headers: NDJSON }), liveRequest2(env.h2c, '/v1/people:import', { headers: NDJSON })]) {
      const started = performance.now();
      for (const line of importLines(6)) {
        exchange.write(line);
        await sleep(200);
      }
      exchange.end();
      const settled = await exchange.done;
      expect(performance.now() - started).toBeGreaterThan(1_150);
      expect([settled.status, settled.complete]).toEqual([200, true]);
      expect(JSON.parse(settled.body.toString())).toMatchObject({ imported: 6, ids: ['51', '52', '53', '54', '55', '56'] });
    }
  });

  it('a stalled upload is ended by its route timeout: a 504 problem, and the connection closes', async () => {
    const started = performance.now();
    const exchange = liveRequest1(`${env.http1}/v1/people:import`, { headers: NDJSON });
    exchange.write(importLines(1)[0] ?? '');
    const settled = await exchange.done;
    expect(settled.status).toBe(504);
    expect(settled.headers['connection']).toBe('close');
    expect(JSON.parse(settled.body.toString())).toMatchObject({ type: 'urn:protogate:problem:upstream-grpc-status', grpcCode: 'DEADLINE_EXCEEDED' });
    expect(performance.now() - started).toBeGreaterThan(2_400);
  });
});
