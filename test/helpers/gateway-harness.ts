import { Writable } from 'node:stream';
import path from 'node:path';
import { buildGateway, type Gateway } from '../../src/app.js';
import { validateConfigData } from '../../src/config/load-config.js';
import { startCartService } from '../../src/demo/cart-service.js';
import { startInventoryService } from '../../src/demo/inventory-service.js';
import { startUsersService } from '../../src/demo/users-service.js';
import { createLogging } from '../../src/observability/logger.js';
import type { Listener } from '../../src/server/listeners.js';
import { diagnosticsApi } from './diagnostics-doc.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const TLS = {
  cert: path.join(ROOT, 'test/fixtures/tls/localhost-cert.pem'),
  key: path.join(ROOT, 'test/fixtures/tls/localhost-key.pem'),
};

export interface Harness {
  readonly gateway: Gateway;
  readonly listeners: readonly Listener[];
  /** `http://127.0.0.1:PORT` of the HTTP/1.1 listener. */
  readonly http1: string;
  readonly h2c: string;
  readonly https: string;
  /** Access log lines written so far, parsed. */
  readonly logs: Record<string, unknown>[];
  readonly usersUrl: string;
  readonly inventoryUrl: string;
  close(): Promise<void>;
}

/**
 * The demo gateway on port 0 with three listeners (HTTP/1.1, h2c, TLS with ALPN), in front of the real demo
 * backends, also on port 0. `overrides` is merged over the config data (shallowly, per top-level key).
 */
export async function startHarness(
  overrides: Record<string, unknown> = {},
  options: { diagnostics?: boolean; upstreams?: Record<string, unknown> } = {},
): Promise<Harness> {
  const users = await startUsersService({ host: '127.0.0.1', port: 0 });
  const inventory = await startInventoryService({ host: '127.0.0.1', port: 0 });
  const carts = await startCartService({ host: '127.0.0.1', port: 0 });
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  const data = {
    listeners: [
      { name: 'plain', protocol: 'http1', port: 0 },
      { name: 'h2c', protocol: 'h2c', port: 0 },
      { name: 'tls', protocol: 'https', port: 0, tls: TLS },
    ],
    openapi: [
      { file: 'openapi/users.yaml', upstream: 'users' },
      { file: 'openapi/inventory.yaml', upstream: 'inventory' },
      { file: 'openapi/shop.yaml' },
    ] as { file: string; upstream?: string }[],
    mappings: ['mappings/cart.yaml', 'mappings/cart-mobile.yaml'],
    profiles: {
      mobile: { select: { header: { name: 'x-client', value: 'mobile' }, pathPrefix: '/m' }, operations: ['getCart', 'getUser', 'getItem'] },
      web: { select: { header: { name: 'x-client', value: 'web' } } },
    } as Record<string, unknown>,
    upstreams: {
      users: { protocol: 'http1', targets: [users.url], timeouts: { connectMs: 500, requestMs: 2000 } },
      inventory: { protocol: 'http2', targets: [inventory.url], timeouts: { connectMs: 500, requestMs: 2000 } },
      carts: { protocol: 'http1', targets: [carts.url], timeouts: { connectMs: 500, requestMs: 2000 } },
    } as Record<string, unknown>,
    routes: {
      uploadAvatar: { path: '/_test/upload', timeoutMs: 60000 },
      getUser: { headers: { add: { 'x-gateway-route': 'getUser' }, remove: ['cookie'] } },
    },
    ...overrides,
  };
  if (options.upstreams !== undefined) Object.assign(data.upstreams, options.upstreams);
  if (options.diagnostics === true) {
    // /h1/* and /h2/* reach the backends' /_test/* endpoints over HTTP/1.1 and HTTP/2; /dead/* an unreachable upstream.
    const h1 = diagnosticsApi('h1');
    const h2 = diagnosticsApi('h2');
    const dead = diagnosticsApi('dead');
    data.openapi.push({ file: h1.file, upstream: 'users' }, { file: h2.file, upstream: 'inventory' }, { file: dead.file, upstream: 'dead' });
    Object.assign(data.upstreams, {
      dead: { protocol: 'http1', targets: ['http://127.0.0.1:9'], timeouts: { connectMs: 500, requestMs: 1000 } },
    });
    Object.assign(data.routes, h1.routes, h2.routes, dead.routes);
  }
  const config = validateConfigData(data, { file: 'test-gateway.yaml', baseDir: ROOT, env: {} });
  const gateway = buildGateway(config, createLogging('info', true, sink));
  const listeners = await gateway.listen();
  const urlOf = (protocol: string): string => {
    const listener = listeners.find((item) => item.protocol === protocol);
    const scheme = protocol === 'https' ? 'https' : 'http';
    return listener === undefined ? '' : `${scheme}://127.0.0.1:${listener.port}`;
  };
  return {
    gateway,
    listeners,
    http1: urlOf('http1'),
    h2c: urlOf('h2c'),
    https: urlOf('https'),
    logs,
    usersUrl: users.url,
    inventoryUrl: inventory.url,
    async close() {
      await gateway.close(1000);
      await Promise.all([users.close(), inventory.close(), carts.close()]);
    },
  };
}
