import type { GatewayConfig } from './config/load-config.js';
import type { Logging } from './observability/logger.js';
import type { CompiledRoute } from './pipeline/compiled-route.js';
import { compileRoutes } from './pipeline/compile-routes.js';
import { mergeOpenApi } from './openapi/merge-documents.js';
import { createDispatcher, type Dispatcher } from './server/dispatch.js';
import { startListener, type Listener } from './server/listeners.js';
import { createHttpUpstream } from './upstreams/http/create-http-upstream.js';
import type { HttpUpstream } from './upstreams/types.js';
import { createGrpcUpstream, type GrpcUpstream } from './upstreams/grpc/grpc-upstream.js';

/** A compiled gateway: routes, upstream pools and the dispatcher. Building it does no network I/O. */
export interface Gateway {
  readonly config: GatewayConfig;
  readonly routes: readonly CompiledRoute[];
  readonly dispatcher: Dispatcher;
  /** The merged OpenAPI 3.1 document: generated from the .proto files plus the hand-written documents. */
  openApiDocument(): Record<string, unknown>;
  /** Binds every configured listener. */
  listen(): Promise<readonly Listener[]>;
  /**
   * Graceful shutdown: stop accepting, let in-flight requests finish up to `drainTimeoutMs`, then close what is
   * left, and the upstream pools. Resolves with the number of requests cut off at the deadline.
   */
  close(drainTimeoutMs?: number): Promise<number>;
}

/**
 * Compiles config into a gateway: every mistake is found here (ConfigError), before anything listens.
 */
export function buildGateway(config: GatewayConfig, logging: Logging): Gateway {
  const upstreams = new Map<string, HttpUpstream>();
  const grpcUpstreams = new Map<string, GrpcUpstream>();
  for (const [name, upstreamConfig] of Object.entries(config.upstreams)) {
    if (upstreamConfig.protocol === 'grpc') grpcUpstreams.set(name, createGrpcUpstream(name, upstreamConfig, config.baseDir));
    else upstreams.set(name, createHttpUpstream(name, upstreamConfig, { baseDir: config.baseDir, proxyName: 'protogate' }));
  }
  const { routeSets, routes, grpcOpenApi } = compileRoutes(config, upstreams, grpcUpstreams);
  const openApiDocument = (): Record<string, unknown> =>
    mergeOpenApi(grpcOpenApi?.(), config.openapi, config.baseDir, { title: 'protogate', version: '1.0.0' });
  const dispatcher = createDispatcher({
    routeSets,
    // Built on the first request for it: `validate`, `routes` and a gateway nobody asks need not read the documents.
    openApi: config.openapiEndpoint === false ? undefined : { path: config.openapiEndpoint, body: memoize(() => JSON.stringify(openApiDocument())) },
    logger: logging.logger,
    accessLog: logging.accessLog,
    requestIdHeader: config.requestId.header,
    trustIncomingRequestId: config.requestId.trustIncoming,
  });
  let listeners: Listener[] = [];
  let closing: Promise<number> | undefined;

  async function drainAndClose(drainTimeoutMs: number): Promise<number> {
    dispatcher.beginDrain();
    for (const listener of listeners) listener.stopAccepting();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), drainTimeoutMs);
    });
    const outcome = await Promise.race([dispatcher.idle().then(() => 'idle' as const), deadline]);
    clearTimeout(timer);
    const cutOff = outcome === 'deadline' ? dispatcher.inFlight : 0;
    for (const listener of listeners) listener.destroyAll();
    await Promise.all(listeners.map((listener) => listener.closed()));
    await Promise.all([...upstreams.values(), ...grpcUpstreams.values()].map((upstream) => upstream.close()));
    return cutOff;
  }

  return {
    config,
    routes,
    openApiDocument,
    dispatcher,
    async listen() {
      const started: Listener[] = [];
      try {
        for (const listenerConfig of config.listeners) {
          started.push(await startListener(listenerConfig, config.limits, dispatcher, config.baseDir));
        }
      } catch (error) {
        for (const listener of started) listener.destroyAll();
        throw error;
      }
      listeners = started;
      return listeners;
    },
    close(drainTimeoutMs = config.shutdown.drainTimeoutMs) {
      closing ??= drainAndClose(drainTimeoutMs);
      return closing;
    },
  };
}

function memoize(compute: () => string): () => string {
  let value: string | undefined;
  return () => (value ??= compute());
}
