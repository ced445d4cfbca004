import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDirectoryService, type DirectoryService } from '../../src/demo/grpc-directory-service.js';
import { json } from '../helpers/clients.js';
import { startTestGateway, targetStates, waitFor, type TestGateway } from './health-harness.js';

/** Fast checks so the file runs in a few seconds. */
const FAST_CHECKS = { intervalMs: 40, timeoutMs: 500, unhealthyThreshold: 2, healthyThreshold: 2 };

/** Sends `count` REST calls that become GetPerson; every one must succeed. */
async function callPeople(gateway: TestGateway, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const res = await gateway.get('/v1/people/42');
    expect(res.status).toBe(200);
  }
}

/** Calls each server received while `run` ran. */
async function callsDuring(servers: readonly DirectoryService[], run: () => Promise<void>): Promise<number[]> {
  const before = servers.map((server) => server.stats.calls);
  await run();
  return servers.map((server, index) => server.stats.calls - (before[index] ?? 0));
}

describe('round robin over two targets', () => {
  let a: DirectoryService;
  let b: DirectoryService;
  let gateway: TestGateway;

  beforeAll(async () => {
    a = await startDirectoryService({});
    b = await startDirectoryService({});
    gateway = await startTestGateway({ upstreams: { directory: { protocol: 'grpc', targets: [a.url, b.url] } } });
  });
  afterAll(async () => {
    await gateway?.close();
    await Promise.all([a.close(), b.close()]);
  });

  it('alternates between the targets, one call each in turn', async () => {
    expect(await callsDuring([a, b], () => callPeople(gateway, 10))).toEqual([5, 5]);
    expect(await callsDuring([a, b], () => callPeople(gateway, 1))).toEqual([1, 0]);
    expect(await callsDuring([a, b], () => callPeople(gateway, 1))).toEqual([0, 1]);
  });

  it('without health checks, /readyz is 200 with no upstream to report, and /healthz is 200', async () => {
    const ready = await gateway.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.headers['content-type']).toBe('application/json');
    expect(ready.headers['cache-control']).toBe('no-store');
    expect(json(ready)).toEqual({ status: 'ready', upstreams: [] });
    const live = await gateway.get('/healthz');
    expect(live.status).toBe(200);
    expect(json(live)).toEqual({ status: 'ok' });
  });
});

describe('grpc.health.v1 feeds balancing and readiness', () => {
  let a: DirectoryService;
  let b: DirectoryService;
  let gateway: TestGateway;

  beforeAll(async () => {
    a = await startDirectoryService({});
    b = await startDirectoryService({});
    gateway = await startTestGateway({
      upstreams: { directory: { protocol: 'grpc', targets: [a.url, b.url], healthCheck: FAST_CHECKS } },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await Promise.all([a.close(), b.close()]);
  });

  it('is ready once both targets answered SERVING, and balances over both', async () => {
    await waitFor('both targets healthy', async () => (await gateway.get('/readyz')).status === 200);
    const res = await gateway.get('/readyz');
    expect(json(res)).toEqual({
      status: 'ready',
      upstreams: [
        {
          name: 'directory',
          healthyTargets: 2,
          panic: false,
          targets: [
            { index: 0, state: 'healthy', reason: 'SERVING' },
            { index: 1, state: 'healthy', reason: 'SERVING' },
          ],
        },
      ],
    });
    expect(await callsDuring([a, b], () => callPeople(gateway, 10))).toEqual([5, 5]);
  });

  it('a target answering NOT_SERVING leaves rotation at once; readiness stays 200 while one is healthy', async () => {
    b.health?.set('NOT_SERVING');
    await waitFor('target 1 unhealthy', async () => (await targetStates(gateway, 'directory'))[1] === 'unhealthy');
    expect((await gateway.get('/readyz')).status).toBe(200);
    expect(await callsDuring([a, b], () => callPeople(gateway, 10))).toEqual([10, 0]);
    expect(gateway.logs).toContainEqual(
      expect.objectContaining({ level: 40, msg: 'upstream target unhealthy', upstream: 'directory', target: b.url, state: 'unhealthy', reason: 'NOT_SERVING' }),
    );
  });

  it('with no healthy target, /readyz is 503 naming the upstream and its targets, and calls spread over all (panic mode)', async () => {
    a.health?.set('NOT_SERVING');
    await waitFor('readiness 503', async () => (await gateway.get('/readyz')).status === 503);
    const res = await gateway.get('/readyz');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(json(res)).toEqual({
      type: 'urn:protogate:problem:not-ready',
      title: 'Not ready',
      status: 503,
      detail: 'No healthy target in upstream "directory".',
      instance: res.headers['x-request-id'],
      draining: false,
      down: ['directory'],
      upstreams: [
        {
          name: 'directory',
          healthyTargets: 0,
          panic: true,
          targets: [
            { index: 0, state: 'unhealthy', reason: 'NOT_SERVING' },
            { index: 1, state: 'unhealthy', reason: 'NOT_SERVING' },
          ],
        },
      ],
    });
    expect(await callsDuring([a, b], () => callPeople(gateway, 10))).toEqual([5, 5]);
    expect(gateway.logs).toContainEqual(
      expect.objectContaining({ level: 40, msg: 'too few healthy targets: balancing over all targets (panic mode)', upstream: 'directory' }),
    );
  });

  it('SERVING again brings both back after healthyThreshold checks, and readiness returns to 200', async () => {
    a.health?.set('SERVING');
    b.health?.set('SERVING');
    await waitFor('both healthy again', async () => (await targetStates(gateway, 'directory')).join() === 'healthy,healthy');
    expect((await gateway.get('/readyz')).status).toBe(200);
    expect(await callsDuring([a, b], () => callPeople(gateway, 10))).toEqual([5, 5]);
    expect(gateway.logs).toContainEqual(expect.objectContaining({ level: 30, msg: 'balancing over healthy targets again', upstream: 'directory' }));
    expect(gateway.logs).toContainEqual(
      expect.objectContaining({ level: 30, msg: 'upstream target healthy', upstream: 'directory', target: a.url, reason: 'SERVING' }),
    );
  });

  it('health checks never run per request: the health service is not called by traffic', async () => {
    // stats.calls counts Directory calls only; health checks go to grpc.health.v1, so traffic and checks are apart.
    expect(await callsDuring([a, b], () => callPeople(gateway, 4))).toEqual([2, 2]);
  });
});

describe('targets without a health service, and targets that are gone', () => {
  let withHealth: DirectoryService;
  let withoutHealth: DirectoryService;
  let gone: DirectoryService;
  let gateway: TestGateway;

  beforeAll(async () => {
    withHealth = await startDirectoryService({});
    withoutHealth = await startDirectoryService({ health: false });
    gone = await startDirectoryService({});
    await gone.close();
    gateway = await startTestGateway({
      upstreams: {
        directory: { protocol: 'grpc', targets: [withHealth.url, withoutHealth.url, gone.url], healthCheck: FAST_CHECKS, timeouts: { connectMs: 200 } },
      },
    });
    await waitFor('first checks answered', async () => !(await targetStates(gateway, 'directory')).includes('pending'));
  });
  afterAll(async () => {
    await gateway?.close();
    await Promise.all([withHealth.close(), withoutHealth.close()]);
  });

  it('UNIMPLEMENTED counts as healthy ("no health service"); a refused connection as UNAVAILABLE', async () => {
    const res = await gateway.get('/readyz');
    expect(res.status).toBe(200);
    expect(json(res)['upstreams']).toEqual([
      {
        name: 'directory',
        healthyTargets: 2,
        panic: false,
        targets: [
          { index: 0, state: 'healthy', reason: 'SERVING' },
          { index: 1, state: 'healthy', reason: 'no health service' },
          { index: 2, state: 'unhealthy', reason: 'UNAVAILABLE' },
        ],
      },
    ]);
  });

  it('calls skip the dead target, and the one without a health service stays in rotation', async () => {
    expect(await callsDuring([withHealth, withoutHealth], () => callPeople(gateway, 6))).toEqual([3, 3]);
    withHealth.health?.set('NOT_SERVING');
    await waitFor('target 0 unhealthy', async () => (await targetStates(gateway, 'directory'))[0] === 'unhealthy');
    expect(await callsDuring([withHealth, withoutHealth], () => callPeople(gateway, 4))).toEqual([0, 4]);
    expect((await gateway.get('/readyz')).status).toBe(200);
  });
});

describe('a service name in the check', () => {
  let server: DirectoryService;
  let gateway: TestGateway;

  beforeAll(async () => {
    server = await startDirectoryService({});
    gateway = await startTestGateway({
      upstreams: {
        directory: { protocol: 'grpc', targets: [server.url], healthCheck: { ...FAST_CHECKS, service: 'demo.directory.v1.Directory' } },
        other: { protocol: 'grpc', targets: [server.url], healthCheck: { ...FAST_CHECKS, service: 'no.such.Service' } },
      },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await server.close();
  });

  it('asks about that service: a known one follows its own status, an unknown one (NOT_FOUND) is unhealthy', async () => {
    await waitFor('checks answered', async () => (await targetStates(gateway, 'other'))[0] === 'unhealthy');
    const res = await gateway.get('/readyz');
    expect(res.status).toBe(503);
    const body = json(res);
    expect(body['detail']).toBe('No healthy target in upstream "other".');
    expect(body['down']).toEqual(['other']);
    expect(body['upstreams']).toEqual([
      { name: 'directory', healthyTargets: 1, panic: false, targets: [{ index: 0, state: 'healthy', reason: 'SERVING' }] },
      { name: 'other', healthyTargets: 0, panic: true, targets: [{ index: 0, state: 'unhealthy', reason: 'SERVICE_UNKNOWN' }] },
    ]);
    server.health?.set('NOT_SERVING', 'demo.directory.v1.Directory');
    await waitFor('directory unhealthy', async () => (await targetStates(gateway, 'directory'))[0] === 'unhealthy');
    expect(json(await gateway.get('/readyz'))['down']).toEqual(['directory', 'other']);
  });
});
