import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDirectoryService, type DirectoryService } from '../../src/demo/grpc-directory-service.js';
import { json } from '../helpers/clients.js';
import { ROOT } from '../helpers/gateway-harness.js';
import { startTestGateway, targetStates, waitFor, type TestGateway } from './health-harness.js';

const TLS_DIR = 'test/fixtures/tls';
const pem = (file: string): Buffer => readFileSync(path.join(ROOT, TLS_DIR, file));
const CA = `${TLS_DIR}/ca-cert.pem`;
const CLIENT = { cert: `${TLS_DIR}/client-cert.pem`, key: `${TLS_DIR}/client-key.pem` };
const FAST_CHECKS = { intervalMs: 40, timeoutMs: 500, unhealthyThreshold: 1, healthyThreshold: 1 };

let tlsServer: DirectoryService;
let mtlsServer: DirectoryService;
const gateways: TestGateway[] = [];

beforeAll(async () => {
  const serverTls = { cert: pem('upstream-cert.pem'), key: pem('upstream-key.pem') };
  tlsServer = await startDirectoryService({ tls: serverTls });
  mtlsServer = await startDirectoryService({ tls: { ...serverTls, clientCa: pem('ca-cert.pem') } });
});

afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.close()));
  await Promise.all([tlsServer?.close(), mtlsServer?.close()]);
});

/** A gateway whose `directory` upstream is `upstream` (with short timeouts and fast health checks). */
async function gatewayFor(upstream: Record<string, unknown>): Promise<TestGateway> {
  const gateway = await startTestGateway({
    upstreams: { directory: { protocol: 'grpc', timeouts: { connectMs: 500, requestMs: 2000 }, healthCheck: FAST_CHECKS, ...upstream } },
  });
  gateways.push(gateway);
  return gateway;
}

const ADA = { id: '42', displayName: 'Ada Lovelace' };

describe('gRPC upstream over TLS', () => {
  it('https:// target with the CA that signed the server certificate: calls and health checks go over TLS', async () => {
    expect(tlsServer.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const gateway = await gatewayFor({ targets: [tlsServer.url], tls: { ca: CA } });
    const res = await gateway.get('/v1/people/42');
    expect(res.status).toBe(200);
    expect(json(res)).toMatchObject(ADA);
    await waitFor('healthy', async () => (await targetStates(gateway, 'directory'))[0] === 'healthy');
    expect((await gateway.get('/readyz')).status).toBe(200);
  });

  it('servername checks the certificate against another name: localhost is in its subjectAltName', async () => {
    const gateway = await gatewayFor({ targets: [tlsServer.url], tls: { ca: CA, servername: 'localhost' } });
    expect((await gateway.get('/v1/people/42')).status).toBe(200);
  });

  it('a certificate the gateway does not trust (system CAs only) is refused: 503 (UNAVAILABLE), and the target is unhealthy', async () => {
    const gateway = await gatewayFor({ targets: [tlsServer.url] });
    const res = await gateway.get('/v1/people/42');
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.status).toBe(503);
    expect(json(res)).toMatchObject({ type: 'urn:protogate:problem:upstream-grpc-status', grpcCode: 'UNAVAILABLE' });
    await waitFor('unhealthy', async () => (await targetStates(gateway, 'directory'))[0] === 'unhealthy');
    const ready = await gateway.get('/readyz');
    expect(ready.status).toBe(503);
    expect(json(ready)['upstreams']).toEqual([
      { name: 'directory', healthyTargets: 0, panic: true, targets: [{ index: 0, state: 'unhealthy', reason: 'UNAVAILABLE' }] },
    ]);
    expect(gateway.logs).toContainEqual(expect.objectContaining({ msg: 'upstream target unhealthy', reason: 'UNAVAILABLE' }));
  });
});

describe('gRPC upstream over mutual TLS', () => {
  it('with the client certificate and key: served, and healthy', async () => {
    const gateway = await gatewayFor({ targets: [mtlsServer.url], tls: { ca: CA, ...CLIENT } });
    const res = await gateway.get('/v1/people/42');
    expect(res.status).toBe(200);
    expect(json(res)).toMatchObject(ADA);
    await waitFor('healthy', async () => (await targetStates(gateway, 'directory'))[0] === 'healthy');
  });

  it('without a client certificate the server refuses the connection: no call reaches it', async () => {
    const before = mtlsServer.stats.calls;
    const gateway = await gatewayFor({ targets: [mtlsServer.url], tls: { ca: CA } });
    const res = await gateway.get('/v1/people/42');
    expect(res.status).toBe(503);
    expect(json(res)).toMatchObject({ type: 'urn:protogate:problem:upstream-grpc-status', grpcCode: 'UNAVAILABLE' });
    expect(mtlsServer.stats.calls).toBe(before);
    await waitFor('unhealthy', async () => (await targetStates(gateway, 'directory'))[0] === 'unhealthy');
  });
});
