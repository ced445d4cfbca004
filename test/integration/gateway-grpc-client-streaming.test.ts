import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, request1, request2 } from '../helpers/clients.js';
import { eventually, startDirectoryGateway, type DirectoryGateway } from '../helpers/directory-gateway.js';
import { liveRequest1, liveRequest2 } from '../helpers/live-exchange.js';

let env: DirectoryGateway;

beforeAll(async () => {
  // ImportPeople lines may be at most 200 bytes (the route's maxBodyBytes is the per-line limit).
  env = await startDirectoryGateway({ routes: { 'demo.directory.v1.Directory.ImportPeople': { maxBodyBytes: 200 } } });
});

afterAll(async () => {
  await env.close();
});

const NDJSON = { 'content-type': 'application/x-ndjson' };
const line = (value: unknown): string => `${JSON.stringify(value)}\n`;

describe('client streaming: POST /v1/people:import (NDJSON, one Person per line)', () => {
  it('sends each line upstream as it arrives and answers the single response as JSON', async () => {
    const before = env.directory.stats.messages;
    const exchange = liveRequest1(`${env.http1}/v1/people:import?team=ops`, { headers: { ...NDJSON, 'x-request-id': 'import-1' } });
    exchange.write(line({ displayName: 'Grace Hopper', teams: ['dev'] }));
    // Streamed, not buffered: the first message is upstream while the body is still open.
    expect(await eventually(() => env.directory.stats.messages === before + 1)).toBe(true);
    // A line split across writes, CRLF line ends and a blank line are fine.
    exchange.write('{"display_name": "Alan');
    exchange.write(' Turing"}\r\n\n');
    exchange.end(JSON.stringify({ displayName: 'Barbara Liskov', teams: ['ops', 'design'] })); // last line without \n
    const settled = await exchange.done;
    expect(settled.status).toBe(200);
    expect(settled.headers['content-type']).toBe('application/json');
    expect(settled.headers['x-request-id']).toBe('import-1');
    expect(JSON.parse(settled.body.toString())).toEqual({ imported: 3, ids: ['51', '52', '53'], perTeam: { dev: 1, ops: 3, design: 1 } });
    expect(env.directory.stats.messages).toBe(before + 3);
  });

  it('over h2c too', async () => {
    const res = await request2(env.h2c, '/v1/people:import', {
      method: 'POST',
      headers: NDJSON,
      body: line({ displayName: 'Ada' }) + line({ displayName: 'Edsger', teams: ['dev'] }),
    });
    expect(res.status).toBe(200);
    expect(json(res)).toEqual({ imported: 2, ids: ['51', '52'], perTeam: { dev: 1 } });
  });

  it('an empty body is a call with no messages', async () => {
    const res = await request1(`${env.http1}/v1/people:import`, { method: 'POST', headers: NDJSON, body: '' });
    expect(res.status).toBe(200);
    expect(res.body).toBe('{}');
  });

  it('a bad line in the middle cancels the call and answers 400 naming the line and the field', async () => {
    const { stats } = env.directory;
    const [messages, cancelled] = [stats.messages, stats.cancelled];
    const exchange = liveRequest1(`${env.http1}/v1/people:import`, { headers: { ...NDJSON, 'x-request-id': 'bad-line' } });
    exchange.write(line({ displayName: 'One' }) + line({ displayName: 'Two' }));
    expect(await eventually(() => stats.messages === messages + 2)).toBe(true);
    exchange.write(`${line({ displayName: 'Three' })}{"displayName": "Four", "level": "ROCKSTAR"}\n`);
    exchange.end(line({ displayName: 'Five' }));
    const settled = await exchange.done;
    expect(settled.status).toBe(400);
    expect(settled.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(settled.body.toString())).toEqual({
      type: 'urn:protogate:problem:validation-failed',
      title: 'Request validation failed',
      status: 400,
      detail: 'Line 4 of the NDJSON body does not map onto the gRPC request message: 1 violation.',
      instance: 'bad-line',
      errors: [{ location: '/body/line/4/level', message: expect.stringContaining('ROCKSTAR') }],
      line: 4,
    });
    // The server saw the first three messages, then the cancellation; it never answered.
    expect(await eventually(() => stats.cancelled === cancelled + 1)).toBe(true);
    expect(stats.messages).toBe(messages + 3);
  });

  it('a line that is not JSON is a malformed-json problem naming the line', async () => {
    const res = await request1(`${env.http1}/v1/people:import`, {
      method: 'POST',
      headers: NDJSON,
      body: `${line({ displayName: 'One' })}{"displayName": "Two"\n`,
    });
    expect(res.status).toBe(400);
    expect(json(res)).toMatchObject({
      type: 'urn:protogate:problem:malformed-json',
      detail: expect.stringMatching(/^Line 2 of the NDJSON body is not valid JSON: /),
      line: 2,
    });
  });

  it('a line that is not an object where the field wants a message names the line', async () => {
    const res = await request1(`${env.http1}/v1/people:import`, { method: 'POST', headers: NDJSON, body: '[1, 2]\n' });
    expect(res.status).toBe(400);
    expect(json(res)).toMatchObject({ errors: [{ location: '/body/line/1', message: expect.any(String) }], line: 1 });
  });

  it('a line above the per-line limit is a 413 naming the line', async () => {
    const res = await request1(`${env.http1}/v1/people:import`, {
      method: 'POST',
      headers: NDJSON,
      body: line({ displayName: 'One' }) + line({ displayName: 'x'.repeat(300) }),
    });
    expect(res.status).toBe(413);
    expect(json(res)).toMatchObject({
      type: 'urn:protogate:problem:payload-too-large',
      detail: 'Line 2 of the NDJSON body is longer than 200 bytes.',
      line: 2,
    });
  });

  it('an upstream that fails before the body ends answers at once; the rest of the body is not waited for', async () => {
    const exchange = liveRequest1(`${env.http1}/v1/people:import`, { headers: NDJSON });
    exchange.write(line({ displayName: 'One' }) + line({ email: 'nameless@example.com' }));
    const response = await exchange.response;
    expect(response.status).toBe(400);
    expect(response.headers['connection']).toBe('close');
    exchange.end(line({ displayName: 'Three' }));
    const settled = await exchange.done;
    expect(JSON.parse(settled.body.toString())).toMatchObject({
      type: 'urn:protogate:problem:upstream-grpc-status',
      status: 400,
      grpcCode: 'INVALID_ARGUMENT',
      grpcMessage: 'person 2: display_name is required',
    });
  });

  it('a body that is not NDJSON is a 415 listing what is accepted', async () => {
    const res = await request1(`${env.http1}/v1/people:import`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ displayName: 'One' }),
    });
    expect(res.status).toBe(415);
    expect(res.headers['accept-post']).toBe('application/x-ndjson');
    expect(json(res)).toMatchObject({ type: 'urn:protogate:problem:unsupported-media-type' });
  });

  it('the client going away cancels the call upstream', async () => {
    const { stats } = env.directory;
    const [messages, cancelled] = [stats.messages, stats.cancelled];
    const exchange = liveRequest2(env.h2c, '/v1/people:import', { headers: NDJSON });
    exchange.write(line({ displayName: 'One' }));
    expect(await eventually(() => stats.messages === messages + 1)).toBe(true);
    exchange.destroy();
    expect(await eventually(() => stats.cancelled === cancelled + 1)).toBe(true);
  });
});
