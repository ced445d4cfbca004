import { Writable } from 'node:stream';
import type { Gateway } from '../../src/app.js';
import { createLogging } from '../../src/observability/logger.js';
import { json, request1, type SimpleResponse } from '../helpers/clients.js';
import { startGateway } from '../helpers/start-gateway.js';

/** A gateway on port 0 publishing the demo directory service from the upstream named `directory`. */
export interface TestGateway {
  readonly gateway: Gateway;
  /** `http://127.0.0.1:PORT` of its HTTP/1.1 listener. */
  readonly base: string;
  /** Application log lines (pino JSON), parsed. */
  readonly logs: Record<string, unknown>[];
  get(path: string, options?: Parameters<typeof request1>[1]): Promise<SimpleResponse>;
  close(): Promise<void>;
}

/**
 * Builds and starts a gateway from `data` (merged over a config publishing `demo.directory.v1.Directory` from
 * upstream `directory`, one HTTP/1.1 listener, no access log).
 */
export async function startTestGateway(data: Record<string, unknown>): Promise<TestGateway> {
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  const { gateway, http1: base } = await startGateway(
    {
      listeners: [{ name: 'plain', protocol: 'http1', port: 0 }],
      protos: { files: ['proto/demo/directory/v1/directory.proto'] },
      grpc: { services: { 'demo.directory.v1.Directory': { upstream: 'directory' } } },
      ...data,
    },
    { logging: createLogging('info', false, sink) },
  );
  return {
    gateway,
    base,
    logs,
    get: (path, options) => request1(`${base}${path}`, options),
    close: async () => {
      await gateway.close(500);
    },
  };
}

/** Polls `probe` every 20 ms until it returns true; fails after `timeoutMs` with the last value seen. */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The target states `/readyz` reports for upstream `name` (200 or 503 body alike), e.g. `['healthy', 'unhealthy']`. */
export async function targetStates(gateway: TestGateway, name: string): Promise<string[]> {
  const res = await gateway.get('/readyz');
  const upstreams = (json(res)['upstreams'] ?? []) as { name: string; targets: { state: string }[] }[];
  return upstreams.find((upstream) => upstream.name === name)?.targets.map((target) => target.state) ?? [];
}
