import type { GatewayConfig } from './config/load-config.js';
import type { Logging } from './observability/logger.js';
import type { CompiledRoute } from './pipeline/compiled-route.js';
import { compileRoutes } from './pipeline/compile-routes.js';
import { mergeOpenApi } from './openapi/merge-documents.js';
import type { PrefetchedWsdls } from './pipeline/soap-services.js';
import { mergeGeneratedOpenApi } from './soap/openapi/index.js';
import { createDispatcher, type Dispatcher } from './server/dispatch.js';
import { startListener, type Listener } from './server/listeners.js';
import { createHttpUpstream } from './upstreams/http/create-http-upstream.js';
import type { HttpUpstream } from './upstreams/types.js';
import { createGrpcUpstream, type GrpcUpstream } from './upstreams/grpc/grpc-upstream.js';
import { checkHealthEndpointPaths } from './health/endpoint-paths.js';
import { createHealthEndpoints } from './health/endpoints.js';
import { createHealthMonitor } from './health/health-monitor.js';
import type { CheckedUpstream } from './health/types.js';

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

/** What was read asynchronously before the (synchronous) build. */
export interface BuildOptions {
  /** http(s) WSDLs of `soap.services`, from `fetchSoapWsdls(config)`; local WSDL files are read by the build. */
  readonly wsdls?: PrefetchedWsdls;
}

/**
 * Compiles config into a gateway: every mistake is found here (ConfigError), before anything listens.
 */
export function buildGateway(config: GatewayConfig, logging: Logging, options: BuildOptions = {}): Gateway {
  const upstreams = new Map<string, HttpUpstream>();
  const grpcUpstreams = new Map<string, GrpcUpstream>();
  const checked: CheckedUpstream[] = [];
  for (const [name, upstreamConfig] of Object.entries(config.upstreams)) {
    if (upstreamConfig.protocol === 'grpc') {
      const upstream = createGrpcUpstream(name, upstreamConfig, config.baseDir);
      grpcUpstreams.set(name, upstream);
      if (upstream.health !== undefined) checked.push(upstream.health);
    } else {
      const upstream = createHttpUpstream(name, upstreamConfig, { baseDir: config.baseDir, proxyName: 'protogate' });
      upstreams.set(name, upstream);
      if (upstream.health !== undefined) checked.push(upstream.health);
    }
  }
  const { routeSets, routes, grpcOpenApi, soapOpenApi } = compileRoutes(config, upstreams, grpcUpstreams, options.wsdls);
  checkHealthEndpointPaths(config, routeSets);
  // Checks start with the listeners: `validate`, `routes` and `openapi` build a gateway that never checks anything.
  const health = createHealthMonitor(checked, logging.logger);
  const openApiDocument = (): Record<string, unknown> =>
    mergeOpenApi(mergeGeneratedOpenApi(grpcOpenApi?.(), soapOpenApi?.()), config.openapi, config.baseDir, { title: 'protogate', version: '1.0.0' });
  const dispatcher = createDispatcher({
    routeSets,
    // Built on the first request for it: `validate`, `routes` and a gateway nobody asks need not read the documents.
    openApi: config.openapiEndpoint === false ? undefined : { path: config.openapiEndpoint, body: memoize(() => JSON.stringify(openApiDocument())) },
    logger: logging.logger,
    accessLog: logging.accessLog,
    requestIdHeader: config.requestId.header,
    trustIncomingRequestId: config.requestId.trustIncoming,
    health: createHealthEndpoints({
      liveness: config.healthEndpoints.liveness === false ? undefined : config.healthEndpoints.liveness,
      readiness: config.healthEndpoints.readiness === false ? undefined : config.healthEndpoints.readiness,
      report: () => health.report(),
    }),
  });
  let listeners: Listener[] = [];
  let closing: Promise<number> | undefined;

  async function drainAndClose(drainTimeoutMs: number): Promise<number> {
    dispatcher.beginDrain();
    // Readiness now answers 503; give load balancers that poll it time to stop sending before the doors close.
    const notReadyDelayMs = config.shutdown.notReadyDelayMs;
    if (notReadyDelayMs > 0 && listeners.length > 0) await new Promise((resolve) => setTimeout(resolve, notReadyDelayMs));
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
    health.stop();
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
      health.start();
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
