import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PEOPLE, type PersonObject } from '../../src/demo/directory-data.js';
import { json, request1 } from '../helpers/clients.js';
import { eventually, personJson, startDirectoryGateway, type DirectoryGateway } from '../helpers/directory-gateway.js';
import { liveRequest1, liveRequest2, type LiveExchange } from '../helpers/live-exchange.js';

let env: DirectoryGateway;

beforeAll(async () => {
  env = await startDirectoryGateway();
});

afterAll(async () => {
  await env.close();
});

/** A demo person by id, in the proto3 JSON mapping. */
const personById = (id: string): string => personJson(PEOPLE[Number(id) - 1] as PersonObject);

const NDJSON = { 'content-type': 'application/x-ndjson' };
const ask = (id: string): string => `${JSON.stringify({ id })}\n`;

/** Sends each id only once the answer to the previous one arrived: the response runs while the request is open. */
async function converse(exchange: LiveExchange, ids: readonly string[], framing: (person: string) => string): Promise<void> {
  let expected = '';
  for (const id of ids) {
    exchange.write(ask(id));
    expected += framing(personById(id));
    const want = expected;
    await exchange.waitForBody((body) => body === want);
  }
}

describe('bidi streaming: POST /v1/people:lookup', () => {
  it('NDJSON over HTTP/1.1: each answer arrives before the next line is sent', async () => {
    const exchange = liveRequest1(`${env.http1}/v1/people:lookup`, { headers: { ...NDJSON, 'x-request-id': 'bidi-1' } });
    await converse(exchange, ['42', '7', '13'], (person) => `${person}\n`);
    const { status, headers } = await exchange.response;
    expect(status).toBe(200);
    expect(headers['content-type']).toBe('application/x-ndjson');
    expect(headers['x-request-id']).toBe('bidi-1');
    exchange.end();
    const settled = await exchange.done;
    expect(settled.complete).toBe(true);
    expect(settled.body.toString()).toBe(['42', '7', '13'].map((id) => `${personById(id)}\n`).join(''));
  });

  it('NDJSON over h2c, interleaved the same way', async () => {
    const exchange = liveRequest2(env.h2c, '/v1/people:lookup', { headers: NDJSON });
    await converse(exchange, ['1', '2'], (person) => `${person}\n`);
    exchange.end();
    const settled = await exchange.done;
    expect([settled.status, settled.complete]).toEqual([200, true]);
    expect(settled.body.toString()).toBe(`${personById('1')}\n${personById('2')}\n`);
  });

  it('SSE with a mid-stream upstream error: the error is an `error` event and the stream ends cleanly', async () => {
    const exchange = liveRequest1(`${env.http1}/v1/people:lookup`, { headers: { ...NDJSON, accept: 'text/event-stream' } });
    await converse(exchange, ['42'], (person) => `data: ${person}\n\n`);
    exchange.write(ask('77'));
    const settled = await exchange.done;
    expect(settled.headers['content-type']).toBe('text/event-stream');
    expect(settled.complete).toBe(true);
    const error = { type: 'urn:protogate:problem:upstream-grpc-status', status: 404, grpcCode: 'NOT_FOUND', grpcMessage: 'person "77" not found' };
    expect(settled.body.toString()).toBe(`data: ${personById('42')}\n\nevent: error\ndata: ${JSON.stringify(error)}\n\n`);
  });

  it('NDJSON with a mid-stream upstream error over h2c: an error line, then the end', async () => {
    const exchange = liveRequest2(env.h2c, '/v1/people:lookup', { headers: NDJSON });
    await converse(exchange, ['42'], (person) => `${person}\n`);
    exchange.write(ask('0'));
    const settled = await exchange.done;
    expect(settled.complete).toBe(true);
    const error = { type: 'urn:protogate:problem:upstream-grpc-status', status: 400, grpcCode: 'INVALID_ARGUMENT', grpcMessage: 'invalid person id "0"' };
    expect(settled.body.toString()).toBe(`${personById('42')}\n${JSON.stringify({ error })}\n`);
  });

  it('an upstream error before the first message is a problem with its real status', async () => {
    const res = await request1(`${env.http1}/v1/people:lookup`, { method: 'POST', headers: { ...NDJSON, 'x-request-id': 'bidi-404' }, body: ask('77') + ask('42') });
    expect(res.status).toBe(404);
    expect(json(res)).toEqual({
      type: 'urn:protogate:problem:upstream-grpc-status',
      title: 'Upstream gRPC error',
      status: 404,
      detail: 'upstream "directory" answered NOT_FOUND: person "77" not found',
      instance: 'bidi-404',
      grpcCode: 'NOT_FOUND',
      grpcMessage: 'person "77" not found',
    });
  });

  it('a bad line after the first answer is reported in-band and cancels the call', async () => {
    const { stats } = env.directory;
    const cancelled = stats.cancelled;
    const exchange = liveRequest1(`${env.http1}/v1/people:lookup`, { headers: NDJSON });
    await converse(exchange, ['42'], (person) => `${person}\n`);
    exchange.write('{"id": "43", "nickname": "x"}\n');
    const settled = await exchange.done;
    expect(settled.complete).toBe(true);
    const lines = settled.body.toString().split('\n');
    expect(lines[0]).toBe(personById('42'));
    expect(JSON.parse(lines[1] ?? '')).toEqual({
      error: {
        type: 'urn:protogate:problem:validation-failed',
        status: 400,
        detail: 'Line 2 of the NDJSON body does not map onto the gRPC request message: 1 violation.',
        errors: [{ location: '/body/line/2/nickname', message: expect.any(String) }],
        line: 2,
      },
    });
    expect(lines.slice(2)).toEqual(['']);
    expect(await eventually(() => stats.cancelled === cancelled + 1)).toBe(true);
  });

  it('a bad line before any answer is a 400 problem', async () => {
    const res = await request1(`${env.http1}/v1/people:lookup`, { method: 'POST', headers: NDJSON, body: 'not json\n' });
    expect(res.status).toBe(400);
    expect(json(res)).toMatchObject({ type: 'urn:protogate:problem:malformed-json', line: 1 });
  });

  it('the client going away cancels the call upstream', async () => {
    const { stats } = env.directory;
    const cancelled = stats.cancelled;
    const exchange = liveRequest1(`${env.http1}/v1/people:lookup`, { headers: NDJSON });
    await converse(exchange, ['42'], (person) => `${person}\n`);
    exchange.destroy();
    expect(await eventually(() => stats.cancelled === cancelled + 1)).toBe(true);
  });

  it('an ending client ends the call: OK without a message is a 200 with an empty body', async () => {
    const res = await request1(`${env.http1}/v1/people:lookup`, { method: 'POST', headers: NDJSON, body: '' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-ndjson');
    expect(res.body).toBe('');
  });
});
