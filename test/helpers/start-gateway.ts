import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildGateway, type Gateway } from '../../src/app.js';
import { validateConfigData } from '../../src/config/load-config.js';
import { createLogging, type Logging } from '../../src/observability/logger.js';
import { ROOT } from './gateway-harness.js';

/** The listeners most gRPC tests use, both on port 0: HTTP/1.1 first, then h2c (fresh objects for each config). */
export function http1AndH2c(): Record<string, unknown>[] {
  return [
    { name: 'plain', protocol: 'http1', port: 0 },
    { name: 'h2c', protocol: 'h2c', port: 0 },
  ];
}

/** A gRPC upstream at `url`: 500 ms to connect, `requestMs` as its request timeout. */
export function grpcUpstream(url: string, requestMs: number): Record<string, unknown> {
  return { protocol: 'grpc', targets: [url], timeouts: { connectMs: 500, requestMs } };
}

/** A gateway listening (on the ports its config names); origins are `http://127.0.0.1:PORT`. */
export interface StartedGateway {
  readonly gateway: Gateway;
  /** The origin of the first listener. */
  readonly http1: string;
  /** The origin of the second listener (`http://127.0.0.1:undefined` when there is none). */
  readonly h2c: string;
}

/** Where {@link startGateway} reads the config data as coming from, and where its logs go. */
export interface StartOptions {
  /** The config file named in messages; default test-gateway.yaml. */
  readonly file?: string;
  /** What relative paths in the config resolve against; default the repository root. */
  readonly baseDir?: string;
  /** Default: silent. */
  readonly logging?: Logging;
}

/** Validates `data`, builds the gateway and starts its listeners. */
export async function startGateway(data: Record<string, unknown>, options: StartOptions = {}): Promise<StartedGateway> {
  const config = validateConfigData(data, { file: options.file ?? 'test-gateway.yaml', baseDir: options.baseDir ?? ROOT, env: {} });
  const gateway = buildGateway(config, options.logging ?? createLogging('silent', false));
  const listeners = await gateway.listen();
  return { gateway, http1: `http://127.0.0.1:${listeners[0]?.port}`, h2c: `http://127.0.0.1:${listeners[1]?.port}` };
}

/** The OpenAPI document (`api.yaml`) and mapping files (`<name>.yaml`, one per entry) of a steps test, in `dir`. */
export function writeRouteFiles(dir: string, api: string, mappings: Readonly<Record<string, readonly string[]>>): { api: string; mappings: string[] } {
  const apiFile = path.join(dir, 'api.yaml');
  writeFileSync(apiFile, api);
  const files = Object.entries(mappings).map(([name, lines]) => {
    const file = path.join(dir, `${name}.yaml`);
    writeFileSync(file, lines.join('\n') + '\n');
    return file;
  });
  return { api: apiFile, mappings: files };
}
