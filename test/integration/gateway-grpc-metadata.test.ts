import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/app.js';
import { validateConfigData } from '../../src/config/load-config.js';
import { startDirectoryService } from '../../src/demo/grpc-directory-service.js';
import {
  callDeadline, compileMetadataRules, parseGrpcTimeout, requestMetadata, responseMetadataHeaders, type MetadataConfig,
} from '../../src/grpc/metadata-rules.js';
import { json, request1, request2 } from '../helpers/clients.js';
import { ROOT } from '../helpers/gateway-harness.js';
import { grpcUpstream, http1AndH2c, startGateway } from '../helpers/start-gateway.js';

let directory: Awaited<ReturnType<typeof startDirectoryService>>;
/** Forwards x-delay-ms and x-tenant, returns x-request-id; route timeout 150 ms. */
let configured: { gateway: Gateway; base: string; h2c: string };
/** The defaults (no forwarded headers, no response metadata); route timeout 2 s. */
let defaults: { gateway: Gateway; base: string; h2c: string };

function gatewayConfig(requestMs: number, grpc: Record<string, unknown>): Record<string, unknown> {
  return {
    listeners: http1AndH2c(),
    upstreams: { directory: grpcUpstream(directory.url, requestMs) },
    protos: { files: ['proto/demo/directory/v1/directory.proto'] },
    grpc: { services: { 'demo.directory.v1.Directory': { upstream: 'directory' } }, ...grpc },
  };
}

async function start(requestMs: number, grpc: Record<string, unknown>): Promise<{ gateway: Gateway; base: string; h2c: string }> {
  const { gateway, http1, h2c } = await startGateway(gatewayConfig(requestMs, grpc));
  return { gateway, base: http1, h2c };
}

beforeAll(async () => {
  directory = await startDirectoryService({ host: '127.0.0.1', port: 0 });
  configured = await start(150, { forwardHeaders: ['x-delay-ms', 'x-tenant'], responseMetadata: ['x-request-id'] });
  defaults = await start(2000, {});
});

afterAll(async () => {
  await configured.gateway.close(500);
  await defaults.gateway.close(500);
  await directory.close();
});

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await run();
  return { value, ms: performance.now() - started };
}

describe('request headers → gRPC metadata', () => {
  it('a listed header reaches the server: x-delay-ms 300 against a 150 ms route timeout → 504', async () => {
    const res = await request1(`${configured.base}/v1/people/42`, { headers: { 'x-delay-ms': '300', 'x-tenant': 'acme' } });
    expect(res.status).toBe(504);
    expect(json(res).grpcCode).toBe('DEADLINE_EXCEEDED');
  });

  it('a short delay stays within the route timeout', async () => {
    const res = await request1(`${configured.base}/v1/people/42`, { headers: { 'x-delay-ms': '20' } });
    expect(res.status).toBe(200);
  });

  it('an unlisted header is not forwarded (the defaults forward nothing): x-delay-ms 300 is ignored', async () => {
    const { value: res, ms } = await timed(() => request1(`${defaults.base}/v1/people/42`, { headers: { 'x-delay-ms': '300' } }));
    expect(res.status).toBe(200);
    expect(ms).toBeLessThan(280);
  });

  it('the Grpc-Metadata-<name> prefix convention forwards <name>, with no configuration', async () => {
    const { value: res, ms } = await timed(() =>
      request1(`${defaults.base}/v1/people/42`, { headers: { 'Grpc-Metadata-x-delay-ms': '300' } }),
    );
    expect(res.status).toBe(200);
    expect(ms).toBeGreaterThanOrEqual(290);
  });
});

describe('response metadata → Grpc-Metadata-* headers', () => {
  it('an allowed key comes back on success, over HTTP/1.1 and HTTP/2', async () => {
    const res = await request1(`${configured.base}/v1/people/42`, { headers: { 'x-request-id': 'meta-1' } });
    expect(res.status).toBe(200);
    expect(res.headers['grpc-metadata-x-request-id']).toBe('meta-1');
    const res2 = await request2(configured.h2c, '/v1/people/42', { headers: { 'x-request-id': 'meta-2' } });
    expect(res2.headers['grpc-metadata-x-request-id']).toBe('meta-2');
  });

  it('and on an error problem', async () => {
    const res = await request1(`${configured.base}/v1/people/77`, { headers: { 'x-request-id': 'meta-404' } });
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.headers['grpc-metadata-x-request-id']).toBe('meta-404');
  });

  it('an unlisted key does not come back', async () => {
    const res = await request1(`${defaults.base}/v1/people/42`, { headers: { 'x-request-id': 'meta-3' } });
    expect(res.status).toBe(200);
    expect(Object.keys(res.headers).filter((name) => name.startsWith('grpc-metadata-'))).toEqual([]);
  });
});

describe('deadlines', () => {
  it('a shorter client grpc-timeout becomes the deadline: 100m against a 2 s route timeout → 504 in < 250 ms', async () => {
    const { value: res, ms } = await timed(() =>
      request1(`${defaults.base}/v1/people/42`, { headers: { 'grpc-timeout': '100m', 'grpc-metadata-x-delay-ms': '300' } }),
    );
    expect(res.status).toBe(504);
    expect(json(res).grpcCode).toBe('DEADLINE_EXCEEDED');
    expect(ms).toBeLessThan(250);
  });

  it('a well-formed grpc-timeout that leaves time is harmless', async () => {
    const res = await request1(`${defaults.base}/v1/people/42`, { headers: { 'grpc-timeout': '5S' } });
    expect(res.status).toBe(200);
  });

  it('a longer grpc-timeout does not extend the route timeout: 10S against 150 ms → 504', async () => {
    const { value: res, ms } = await timed(() =>
      request1(`${configured.base}/v1/people/42`, { headers: { 'grpc-timeout': '10S', 'x-delay-ms': '300' } }),
    );
    expect(res.status).toBe(504);
    expect(ms).toBeLessThan(290);
  });

  it.each(['abc', '10', '1.5S', '123456789m', '10s', '-1S'])('a malformed grpc-timeout %j → 400 at /header/grpc-timeout', async (value) => {
    const calls = directory.stats.calls;
    const res = await request1(`${configured.base}/v1/people/42`, { headers: { 'grpc-timeout': value } });
    expect(res.status).toBe(400);
    expect(json(res)).toMatchObject({
      type: 'urn:protogate:problem:validation-failed',
      errors: [{ location: '/header/grpc-timeout', message: expect.stringContaining('grpc-timeout') }],
    });
    expect(directory.stats.calls).toBe(calls);
  });
});

const rules = (config: Partial<MetadataConfig> = {}) =>
  compileMetadataRules({ forwardHeaders: [], forwardAuthorization: false, responseMetadata: [], ...config });

describe('requestMetadata', () => {
  it('forwards authorization only with forwardAuthorization, under its name or the prefix', () => {
    const headers = { authorization: 'Bearer t', 'x-tenant': 'acme' };
    expect(requestMetadata(headers, rules({ forwardHeaders: ['x-tenant'] }), 'x-request-id', 'r1')).toEqual({ 'x-tenant': 'acme', 'x-request-id': 'r1' });
    expect(requestMetadata({ 'grpc-metadata-authorization': 'Bearer t' }, rules(), 'x-request-id', 'r1')).toEqual({ 'x-request-id': 'r1' });
    expect(requestMetadata(headers, rules({ forwardAuthorization: true }), 'x-request-id', 'r1')).toEqual({ authorization: 'Bearer t', 'x-request-id': 'r1' });
  });

  it('drops pseudo-headers, hop-by-hop and framing fields, reserved grpc- names and invalid values; keeps the request id', () => {
    const headers = {
      ':path': '/v1/people/42', host: 'gw', connection: 'keep-alive, x-hop', 'x-hop': 'h', 'content-length': '2',
      'grpc-metadata-grpc-timeout': '1S', 'grpc-metadata-te': 'trailers', 'grpc-metadata-x-request-id': 'spoofed',
      'grpc-metadata-x-blob-bin': 'AAEC', 'grpc-metadata-x-bad-bin': 'not base64!', 'grpc-metadata-x-caf': 'caf\u00e9',
      'grpc-metadata-x-ok': 'ok',
    };
    const metadata = requestMetadata(headers, rules({ forwardHeaders: ['x-hop', 'host', 'content-length'] }), 'x-request-id', 'real');
    expect({ ...metadata }).toEqual({ 'x-blob-bin': 'AAEC', 'x-ok': 'ok', 'x-request-id': 'real' });
  });

  it('a listed header and its prefixed form both arrive, as two values', () => {
    expect({ ...requestMetadata({ 'x-tenant': 'a', 'grpc-metadata-x-tenant': 'b' }, rules({ forwardHeaders: ['X-Tenant'] }), 'x-id', 'r') })
      .toEqual({ 'x-tenant': ['a', 'b'], 'x-id': 'r' });
  });
});

describe('responseMetadataHeaders', () => {
  const headers = { 'x-request-id': 'r1', 'x-debug': ['a', 'b'] };
  const trailers = { 'x-cost-bin': ['AAE=', 'AgM='], 'x-request-id': 'r2' };

  it('keeps only the allow list; nothing when the list is empty', () => {
    expect(responseMetadataHeaders(headers, trailers, rules())).toBeUndefined();
    expect(responseMetadataHeaders(headers, trailers, rules({ responseMetadata: ['X-Request-Id'] }))).toEqual({ 'Grpc-Metadata-x-request-id': 'r1, r2' });
  });

  it('"*" allows all, headers and trailers, -bin values as base64 joined with ","', () => {
    expect(responseMetadataHeaders(headers, trailers, rules({ responseMetadata: ['*'] }))).toEqual({
      'Grpc-Metadata-x-request-id': 'r1, r2',
      'Grpc-Metadata-x-debug': 'a, b',
      'Grpc-Metadata-x-cost-bin': 'AAE=,AgM=',
    });
  });
});

describe('grpc-timeout parsing and the deadline', () => {
  it('every unit of the spec', () => {
    expect([parseGrpcTimeout('2H'), parseGrpcTimeout('3M'), parseGrpcTimeout('4S'), parseGrpcTimeout('5m')]).toEqual([7_200_000, 180_000, 4_000, 5]);
    expect(parseGrpcTimeout('1500u')).toBeCloseTo(1.5);
    expect(parseGrpcTimeout('2000000n')).toBeCloseTo(2);
    expect(parseGrpcTimeout('99999999m')).toBe(99_999_999);
    expect(parseGrpcTimeout('100ms')).toBeUndefined();
  });

  it('capped at the route timeout, reduced by the time already spent, never negative', () => {
    expect(callDeadline(150, undefined, 5)).toEqual({ ok: true, deadlineMs: 150 });
    expect(callDeadline(150, '10S', 5)).toEqual({ ok: true, deadlineMs: 150 });
    expect(callDeadline(150, '100m', 5)).toEqual({ ok: true, deadlineMs: 95 });
    expect(callDeadline(150, '1m', 5)).toEqual({ ok: true, deadlineMs: 0 });
    expect(callDeadline(150, ['1S', '2S'], 0).ok).toBe(false);
  });
});

describe('config', () => {
  it.each(['authorization', 'Host', 'content-type', 'te', 'grpc-timeout', 'connection'])('forwardHeaders may not list %s', (name) => {
    expect(() => validateConfigData(gatewayConfig(150, { forwardHeaders: [name] }), { file: 'test-gateway.yaml', baseDir: ROOT, env: {} })).toThrow(
      /forwardHeaders/,
    );
  });
});
