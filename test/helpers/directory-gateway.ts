import { buildGateway, type Gateway } from '../../src/app.js';
import { validateConfigData } from '../../src/config/load-config.js';
import { startDirectoryService, type DirectoryService } from '../../src/demo/grpc-directory-service.js';
import { createLogging } from '../../src/observability/logger.js';
import { ROOT } from './gateway-harness.js';

/** The gateway publishing the demo directory (HTTP/1.1 and h2c listeners on port 0) in front of a real grpc-js directory. */
export interface DirectoryGateway {
  readonly gateway: Gateway;
  readonly directory: DirectoryService;
  /** `http://127.0.0.1:PORT` of the HTTP/1.1 listener. */
  readonly http1: string;
  /** `http://127.0.0.1:PORT` of the h2c listener. */
  readonly h2c: string;
  close(): Promise<void>;
}

/** Starts both; `overrides` is merged over the config data (per top-level key). */
export async function startDirectoryGateway(overrides: Record<string, unknown> = {}): Promise<DirectoryGateway> {
  const directory = await startDirectoryService({ host: '127.0.0.1', port: 0 });
  const config = validateConfigData(
    {
      listeners: [
        { name: 'plain', protocol: 'http1', port: 0 },
        { name: 'h2c', protocol: 'h2c', port: 0 },
      ],
      upstreams: {
        directory: { protocol: 'grpc', targets: [directory.url], timeouts: { connectMs: 500, requestMs: 5000 } },
      },
      protos: { files: ['proto/demo/directory/v1/directory.proto'] },
      grpc: { services: { 'demo.directory.v1.Directory': { upstream: 'directory' } } },
      ...overrides,
    },
    { file: 'test-gateway.yaml', baseDir: ROOT, env: {} },
  );
  const gateway = buildGateway(config, createLogging('silent', false));
  const listeners = await gateway.listen();
  return {
    gateway,
    directory,
    http1: `http://127.0.0.1:${listeners[0]?.port}`,
    h2c: `http://127.0.0.1:${listeners[1]?.port}`,
    async close() {
      await gateway.close(500);
      await directory.close();
    },
  };
}

/** Polls until `test()` holds (or `timeoutMs` passes); resolves with whether it held. */
export async function eventually(test: () => boolean, timeoutMs = 2_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!test() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  return test();
}
