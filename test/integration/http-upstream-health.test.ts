import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInventoryService } from '../../src/demo/inventory-service.js';
import type { DemoService } from '../../src/demo/demo-http.js';
import { json } from '../helpers/clients.js';
import { startTestGateway, targetStates, waitFor, type TestGateway } from './health-harness.js';

const FAST_CHECKS = { intervalMs: 40, timeoutMs: 500, unhealthyThreshold: 2, healthyThreshold: 2 };

/** An HTTP/1.1 backend whose `/health` answers `healthStatus`; every other path is a user, counted in `calls`. */
interface Backend {
  readonly url: string;
  healthStatus: number;
  calls: number;
  readonly healthRequests: http.IncomingHttpHeaders[];
  close(): Promise<void>;
}

async function startBackend(): Promise<Backend> {
  const server = http.createServer((req, res) => {
    if (req.url === '/health') {
      backend.healthRequests.push(req.headers);
      res.writeHead(backend.healthStatus, { 'content-type': 'text/plain' }).end('health');
      return;
    }
    backend.calls++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: '42', name: 'Ada' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const backend: Backend = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    healthStatus: 200,
    calls: 0,
    healthRequests: [],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return backend;
}

async function callsDuring(backends: readonly Backend[], gateway: TestGateway, count: number): Promise<number[]> {
  const before = backends.map((backend) => backend.calls);
  for (let i = 0; i < count; i++) expect((await gateway.get('/api/users/42')).status).toBe(200);
  return backends.map((backend, index) => backend.calls - (before[index] ?? 0));
}

let a: Backend;
let b: Backend;
let live: Backend;
let inventory: DemoService;
let gateway: TestGateway;

beforeAll(async () => {
  [a, b, live] = await Promise.all([startBackend(), startBackend(), startBackend()]);
  inventory = await startInventoryService({ host: '127.0.0.1', port: 0 });
  gateway = await startTestGateway({
    protos: { files: [] },
    grpc: { services: {} },
    openapi: [
      { file: 'openapi/users.yaml', upstream: 'users' },
      { file: 'openapi/inventory.yaml', upstream: 'inventory' },
    ],
    upstreams: {
      users: { protocol: 'http1', targets: [a.url, b.url], healthCheck: { ...FAST_CHECKS, path: '/health' } },
      inventory: { protocol: 'http2', targets: [inventory.url], healthCheck: { ...FAST_CHECKS, path: '/health' } },
      plain: { protocol: 'http1', targets: [live.url, 'http://127.0.0.1:9'], healthCheck: FAST_CHECKS, timeouts: { connectMs: 200 } },
    },
  });
  await waitFor('first checks', async () => (await targetStates(gateway, 'users')).join() === 'healthy,healthy');
});

afterAll(async () => {
  await gateway?.close();
  await Promise.all([a?.close(), b?.close(), live?.close(), inventory?.close()]);
});

describe('HTTP upstream health checks', () => {
  it('GET path over HTTP/1.1 and HTTP/2 (2xx is healthy); without a path, a connection is the check', async () => {
    await waitFor('plain checked', async () => !(await targetStates(gateway, 'plain')).includes('pending'));
    const res = await gateway.get('/readyz');
    expect(res.status).toBe(200);
    expect(json(res)['upstreams']).toEqual([
      {
        name: 'users',
        healthyTargets: 2,
        panic: false,
        targets: [
          { index: 0, state: 'healthy', reason: 'HTTP 200' },
          { index: 1, state: 'healthy', reason: 'HTTP 200' },
        ],
      },
      { name: 'inventory', healthyTargets: 1, panic: false, targets: [{ index: 0, state: 'healthy', reason: 'HTTP 200' }] },
      {
        name: 'plain',
        healthyTargets: 1,
        panic: false,
        targets: [
          { index: 0, state: 'healthy', reason: 'connected' },
          { index: 1, state: 'unhealthy', reason: 'unreachable' },
        ],
      },
    ]);
    expect(live.healthRequests).toEqual([]);
    expect(a.healthRequests[0]).toMatchObject({ 'user-agent': 'protogate-health-check', host: a.url.slice('http://'.length) });
  });

  it('balances round robin over healthy targets; a 503 takes a target out at once', async () => {
    expect(await callsDuring([a, b], gateway, 10)).toEqual([5, 5]);
    b.healthStatus = 503;
    await waitFor('b unhealthy', async () => (await targetStates(gateway, 'users'))[1] === 'unhealthy');
    expect(await callsDuring([a, b], gateway, 6)).toEqual([6, 0]);
    expect(gateway.logs).toContainEqual(
      expect.objectContaining({ msg: 'upstream target unhealthy', upstream: 'users', target: b.url, reason: 'HTTP 503' }),
    );
  });

  it('another status counts against unhealthyThreshold; with no healthy target /readyz is 503 and calls go to all', async () => {
    a.healthStatus = 500;
    await waitFor('readiness 503', async () => (await gateway.get('/readyz')).status === 503);
    const body = json(await gateway.get('/readyz'));
    expect(body['down']).toEqual(['users']);
    expect((body['upstreams'] as unknown[])[0]).toEqual({
      name: 'users',
      healthyTargets: 0,
      panic: true,
      targets: [
        { index: 0, state: 'unhealthy', reason: 'HTTP 500' },
        { index: 1, state: 'unhealthy', reason: 'HTTP 503' },
      ],
    });
    expect(await callsDuring([a, b], gateway, 4)).toEqual([2, 2]);
  });

  it('2xx again brings them back', async () => {
    a.healthStatus = 200;
    b.healthStatus = 204;
    await waitFor('both healthy', async () => (await targetStates(gateway, 'users')).join() === 'healthy,healthy');
    expect((await gateway.get('/readyz')).status).toBe(200);
    expect(await callsDuring([a, b], gateway, 4)).toEqual([2, 2]);
  });
});
