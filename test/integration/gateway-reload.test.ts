import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/app.js';
import { ConfigError } from '../../src/config/config-error.js';
import { validateConfigData, type GatewayConfig } from '../../src/config/load-config.js';
import { ReloadRefused } from '../../src/reload.js';
import { json, request1 } from '../helpers/clients.js';
import { startGateway } from '../helpers/start-gateway.js';

/**
 * Config reload on a running gateway (Gateway.reload, what SIGHUP does): the new config serves every request that
 * arrives after it, requests in flight finish on the old routes and pools, and a config that does not build, or
 * that only a restart can apply, leaves the running one as it was. Real backends on port 0.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'protogate-reload-'));
const api = (paths: string[]): string =>
  ['openapi: 3.1.0', 'info: { title: reload, version: "1" }', 'paths:', ...paths.flatMap((p) => [`  /${p}:`, '    get:', `      operationId: ${p}`, "      responses: { '200': { description: ok } }"])].join('\n');
writeFileSync(path.join(dir, 'before.yaml'), api(['hello', 'slow']));
writeFileSync(path.join(dir, 'after.yaml'), api(['hello', 'slow', 'added']));

/** A backend that says who it is; /slow answers after 300 ms. */
function backend(name: string): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const answer = (): void => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ from: name, path: req.url }));
    };
    if (req.url === '/slow') setTimeout(answer, 300);
    else answer();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const urlOf = (server: http.Server): string => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

let one: http.Server;
let two: http.Server;
let gateway: Gateway;
let base: string;

const data = (apiFile: string, target: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  listeners: [{ name: 'plain', protocol: 'http1', port: 0 }],
  openapi: [{ file: path.join(dir, apiFile), upstream: 'svc' }],
  upstreams: { svc: { protocol: 'http1', targets: [target] } },
  shutdown: { drainTimeoutMs: 2000 },
  ...extra,
});
const configOf = (raw: Record<string, unknown>): GatewayConfig => validateConfigData(raw, { file: 'reload.yaml', baseDir: dir, env: {} });

beforeAll(async () => {
  [one, two] = await Promise.all([backend('one'), backend('two')]);
  ({ gateway, http1: base } = await startGateway(data('before.yaml', urlOf(one)), { file: 'reload.yaml', baseDir: dir }));
});

afterAll(async () => {
  await gateway.close(500);
  await Promise.all([one, two].map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('reload', () => {
  it('new requests take the new config; the one in flight finishes on the old upstream; the old pools retire', async () => {
    expect(json(await request1(`${base}/hello`))).toEqual({ from: 'one', path: '/hello' });
    expect((await request1(`${base}/added`)).status).toBe(404);

    const inFlight = request1(`${base}/slow`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const result = gateway.reload(configOf(data('after.yaml', urlOf(two))));
    expect(result.routes).toBe(3);
    expect(gateway.routes.map((route) => route.operationId)).toEqual(['hello', 'slow', 'added']);

    expect(json(await request1(`${base}/hello`))).toEqual({ from: 'two', path: '/hello' });
    expect(json(await request1(`${base}/added`))).toEqual({ from: 'two', path: '/added' });
    const slow = await inFlight;
    expect(slow.status).toBe(200);
    expect(json(slow)).toEqual({ from: 'one', path: '/slow' });
    expect(await result.retired).toBe(0);
  });

  it('a config that does not build is a ConfigError, and the running one keeps serving', () => {
    const broken = data('after.yaml', urlOf(one), { routes: { helo: { timeoutMs: 100 } } });
    let error: unknown;
    try {
      gateway.reload(configOf(broken));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((issue) => `${issue.pointer}: ${issue.message}`)).toEqual([
      '/routes/helo: no operation "helo" in the OpenAPI documents; did you mean "hello"?',
    ]);
    return request1(`${base}/hello`).then((res) => expect(json(res)).toEqual({ from: 'two', path: '/hello' }));
  });

  it('what only a restart applies (listeners, their limits, logging) is refused by name, and nothing changes', async () => {
    const changed = data('before.yaml', urlOf(one), {
      listeners: [{ name: 'plain', protocol: 'http1', port: 0 }, { name: 'more', protocol: 'h2c', port: 0 }],
      limits: { headersTimeoutMs: 5000 },
      logging: { level: 'debug' },
    });
    expect(() => gateway.reload(configOf(changed))).toThrow(
      new ReloadRefused('listeners, limits.headersTimeoutMs, logging changed, which only a restart applies'),
    );
    expect(json(await request1(`${base}/added`))).toEqual({ from: 'two', path: '/added' });
  });
});

describe('reload, then shutdown', () => {
  it('a shutdown right after a reload waits for the requests the old config still holds', async () => {
    const started = await startGateway(data('before.yaml', urlOf(one)), { file: 'reload.yaml', baseDir: dir });
    const origin = started.http1;
    const inFlight = request1(`${origin}/slow`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    started.gateway.reload(configOf(data('before.yaml', urlOf(two))));
    expect(started.gateway.dispatcher.inFlight).toBe(1);
    const cutOff = await started.gateway.close(2000);
    const slow = await inFlight;
    expect(cutOff).toBe(0);
    expect(json(slow)).toEqual({ from: 'one', path: '/slow' });
  });
});

describe('reload and the https listener\'s certificate', () => {
  const fixture = (name: string): string => path.join(import.meta.dirname, '../fixtures/tls', name);
  const withTls = (cert: string, key: string): Record<string, unknown> =>
    data('before.yaml', urlOf(one), {
      listeners: [
        { name: 'plain', protocol: 'http1', port: 0 },
        { name: 'secure', protocol: 'https', port: 0, tls: { cert: fixture(cert), key: fixture(key) } },
      ],
    });
  /** The issuer of the certificate a new TLS connection to `port` is served. */
  const issuerAt = (port: number): Promise<string> =>
    new Promise((resolve, reject) => {
      const socket = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] }, () => {
        resolve(String(socket.getPeerCertificate().issuer.CN));
        socket.end();
      });
      socket.on('error', reject);
    });

  it('is read again: new handshakes get the renewed certificate; a key that does not fit it changes nothing', async () => {
    const started = await startGateway(withTls('localhost-cert.pem', 'localhost-key.pem'), { file: 'reload.yaml', baseDir: dir });
    try {
      const port = Number(new URL(started.h2c).port);
      expect(await issuerAt(port)).toBe('localhost');
      let error: unknown;
      try {
        started.gateway.reload(configOf(withTls('upstream-cert.pem', 'localhost-key.pem')));
      } catch (caught) {
        error = caught;
      }
      expect((error as ConfigError).issues).toEqual([
        { file: 'reload.yaml', pointer: '/listeners/1/tls/key', message: expect.stringMatching(/^the key and certificate of listener "secure" are not a usable pair: /) },
      ]);
      expect(await issuerAt(port)).toBe('localhost');
      started.gateway.reload(configOf(withTls('upstream-cert.pem', 'upstream-key.pem')));
      expect(await issuerAt(port)).toBe('protogate test CA');
    } finally {
      await started.gateway.close(500);
    }
  });
});
