import { afterAll, describe, expect, it } from 'vitest';
import { buildGateway } from '../../src/app.js';
import { ConfigError } from '../../src/config/config-error.js';
import { validateConfigData } from '../../src/config/load-config.js';
import { createLogging } from '../../src/observability/logger.js';
import { json, request1, request2 } from '../helpers/clients.js';
import { ROOT } from '../helpers/gateway-harness.js';
import { startTestGateway, type TestGateway } from './health-harness.js';

/** Nothing listens there: no health check is configured, so nothing connects. */
const DIRECTORY = { protocol: 'grpc', targets: ['http://127.0.0.1:9'] };
const started: TestGateway[] = [];

afterAll(async () => {
  await Promise.all(started.map((gateway) => gateway.close()));
});

async function gatewayWith(data: Record<string, unknown>): Promise<TestGateway> {
  const gateway = await startTestGateway({ upstreams: { directory: DIRECTORY }, ...data });
  started.push(gateway);
  return gateway;
}

/** The issues buildGateway reports for `data`, as `pointer: message`. */
function configIssues(data: Record<string, unknown>): string[] {
  try {
    const config = validateConfigData(
      {
        listeners: [{ port: 0 }],
        protos: { files: ['proto/demo/directory/v1/directory.proto'] },
        grpc: { services: { 'demo.directory.v1.Directory': { upstream: 'directory' } } },
        upstreams: { directory: DIRECTORY },
        ...data,
      },
      { file: 'test-gateway.yaml', baseDir: ROOT, env: {} },
    );
    void buildGateway(config, createLogging('silent', false)).close(0);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => `${issue.file} ${issue.pointer}: ${issue.message}`);
    throw error;
  }
  return [];
}

describe('/healthz and /readyz', () => {
  it('answer GET and HEAD on every listener protocol, before routing, with the request id', async () => {
    const gateway = await gatewayWith({});
    const live = await gateway.get('/healthz', { headers: { 'x-request-id': 'probe-1' } });
    expect(live.status).toBe(200);
    expect(live.headers['x-request-id']).toBe('probe-1');
    expect(live.headers['content-length']).toBe('15');
    expect(live.body).toBe('{"status":"ok"}');
    const head = await gateway.get('/readyz', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    const h2 = await startTestGateway({ upstreams: { directory: DIRECTORY }, listeners: [{ name: 'h2c', protocol: 'h2c', port: 0 }] });
    started.push(h2);
    const overH2 = await request2(h2.base, '/readyz');
    expect(overH2.status).toBe(200);
    expect(JSON.parse(overH2.body)).toEqual({ status: 'ready', upstreams: [] });
  });

  it('other methods get 405 with Allow; a query string does not matter; other paths still route', async () => {
    const gateway = await gatewayWith({});
    const post = await gateway.get('/readyz', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers['allow']).toBe('GET, HEAD');
    expect(json(post)).toMatchObject({ type: 'urn:protogate:problem:method-not-allowed', detail: 'POST is not allowed on /readyz; allowed: GET, HEAD.' });
    expect((await gateway.get('/healthz?verbose=1')).status).toBe(200);
    expect((await gateway.get('/healthz/')).status).toBe(404);
  });

  it('paths are configurable, and false turns an endpoint off', async () => {
    const gateway = await gatewayWith({ healthEndpoints: { liveness: '/-/live', readiness: false } });
    expect(json(await gateway.get('/-/live'))).toEqual({ status: 'ok' });
    const off = await gateway.get('/readyz');
    expect(off.status).toBe(404);
    expect(json(off)['type']).toBe('urn:protogate:problem:route-not-found');
    expect((await gateway.get('/healthz')).status).toBe(404);
  });

  it('draining: /readyz answers 503 (draining) for shutdown.notReadyDelayMs while the gateway still serves', async () => {
    const gateway = await startTestGateway({ upstreams: { directory: DIRECTORY }, shutdown: { notReadyDelayMs: 400 } });
    expect((await gateway.get('/readyz')).status).toBe(200);
    const closing = gateway.gateway.close(500);
    const res = await gateway.get('/readyz');
    expect(res.status).toBe(503);
    expect(res.headers['connection']).toBe('close');
    expect(json(res)).toEqual({
      type: 'urn:protogate:problem:not-ready',
      title: 'Not ready',
      status: 503,
      detail: 'The gateway is shutting down.',
      instance: res.headers['x-request-id'],
      draining: true,
      down: [],
      upstreams: [],
    });
    expect((await gateway.get('/healthz')).status).toBe(200);
    expect(await closing).toBe(0);
    await expect(request1(`${gateway.base}/healthz`)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('config', () => {
  it('a route on a health endpoint path is refused, naming the operation (and the profile)', () => {
    expect(configIssues({ healthEndpoints: { readiness: '/v1/people/42' } })).toEqual([
      'test-gateway.yaml /healthEndpoints/readiness: "/v1/people/42" is also the path of operation "demo.directory.v1.Directory.GetPerson", which could never be reached; expected another path (or false)',
    ]);
    expect(
      configIssues({
        healthEndpoints: { liveness: '/m/api/users/7' },
        openapi: [{ file: 'openapi/users.yaml', upstream: 'users' }],
        upstreams: { directory: DIRECTORY, users: { protocol: 'http1', targets: ['http://127.0.0.1:9'] } },
        profiles: { mobile: { select: { pathPrefix: '/m' }, operations: ['getUser'] } },
      }),
    ).toEqual([
      'test-gateway.yaml /healthEndpoints/liveness: "/m/api/users/7" is also the path of operation "getUser" of profile "mobile", which could never be reached; expected another path (or false)',
    ]);
  });

  it('the two endpoints and openapiEndpoint must differ', () => {
    expect(configIssues({ healthEndpoints: { liveness: '/status', readiness: '/status' }, openapiEndpoint: '/status' })).toEqual([
      'test-gateway.yaml /healthEndpoints/readiness: "/status" is also the liveness path; expected two different paths',
      'test-gateway.yaml /healthEndpoints/liveness: "/status" is also openapiEndpoint; expected another path (or false)',
      'test-gateway.yaml /healthEndpoints/readiness: "/status" is also openapiEndpoint; expected another path (or false)',
    ]);
  });

  it('healthCheck: path only for http upstreams, service only for grpc ones, thresholds positive', () => {
    expect(
      configIssues({
        upstreams: {
          directory: { ...DIRECTORY, healthCheck: { path: '/health', unhealthyThreshold: 0 } },
          users: { protocol: 'http1', targets: ['http://127.0.0.1:9'], healthCheck: { service: 'x', path: 'health' } },
        },
      }),
    ).toEqual([
      'test-gateway.yaml /upstreams/directory/healthCheck/path: only for http1/http2 upstreams; a grpc upstream is checked with grpc.health.v1 (see "service")',
      'test-gateway.yaml /upstreams/directory/healthCheck/unhealthyThreshold: Too small: expected number to be >0',
      'test-gateway.yaml /upstreams/users/healthCheck/path: expected a path like "/health" (optional query, no fragment)',
      'test-gateway.yaml /upstreams/users/healthCheck/service: only for grpc upstreams; an http upstream is checked with "path"',
    ]);
  });
});
