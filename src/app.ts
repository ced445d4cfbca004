import type { GatewayConfig } from './config/load-config.js';
import type { Logging } from './observability/logger.js';
import type { CompiledRoute } from './pipeline/compiled-route.js';
import { compileRoutes } from './pipeline/compile-routes.js';
import { mergeOpenApi } from './openapi/merge-documents.js';
import type { PrefetchedWsdls } from './pipeline/soap-services.js';
import { mergeGeneratedOpenApi } from './soap/openapi/index.js';
import { createDispatcher, type Dispatcher } from './server/dispatch.js';
import { createDispatcherSwitch } from './server/dispatcher-switch.js';
import { readListenerTls } from './server/listener-tls.js';
import { checkReloadable, ReloadRefused, type ReloadResult } from './reload.js';
import { startListener, type Listener } from './server/listeners.js';
import { createHttpUpstream } from './upstreams/http/create-http-upstream.js';
import type { HttpUpstream } from './upstreams/types.js';
import { createGrpcUpstream, type GrpcUpstream } from './upstreams/grpc/grpc-upstream.js';
import { checkHealthEndpointPaths } from './health/endpoint-paths.js';
import { createHealthEndpoints } from './health/endpoints.js';
import { createHealthMonitor, type HealthMonitor } from './health/health-monitor.js';
import type { CheckedUpstream } from './health/types.js';

/** A compiled gateway: routes, upstream pools and the dispatcher. Building it does no network I/O. */
export interface Gateway {
  /** The running config (the last one a reload applied). */
  readonly config: GatewayConfig;
  readonly routes: readonly CompiledRoute[];
  /** What the listeners call: the current config's dispatcher, and those a reload replaced until they are done. */
  readonly dispatcher: Dispatcher;
  /** The merged OpenAPI 3.1 document: generated from the .proto files plus the hand-written documents. */
  openApiDocument(): Record<string, unknown>;
  /** Binds every configured listener. */
  listen(): Promise<readonly Listener[]>;
  /**
   * Applies a new config without dropping traffic (src/reload.ts): builds it in full first (a ConfigError leaves
   * the running one untouched), then new requests use it while requests in flight finish on the old routes and
   * pools, which are closed once idle or after `shutdown.drainTimeoutMs`.
   * @throws ConfigError for a config that does not build, ReloadRefused for a change that needs a restart
   */
  reload(next: GatewayConfig, options?: BuildOptions): ReloadResult;
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
  let core = buildCore(config, logging, options);
  const dispatcher = createDispatcherSwitch(core.dispatcher);
  const retiring = new Set<Promise<void>>();
  let listeners: Listener[] = [];
  let closing: Promise<number> | undefined;

  async function drainAndClose(drainTimeoutMs: number): Promise<number> {
    dispatcher.beginDrain();
    // Readiness now answers 503; give load balancers that poll it time to stop sending before the doors close.
    const notReadyDelayMs = core.config.shutdown.notReadyDelayMs;
    if (notReadyDelayMs > 0 && listeners.length > 0) await new Promise((resolve) => setTimeout(resolve, notReadyDelayMs));
    for (const listener of listeners) listener.stopAccepting();
    const cutOff = (await idleWithin(dispatcher, drainTimeoutMs)) ? 0 : dispatcher.inFlight;
    for (const listener of listeners) listener.destroyAll();
    await Promise.all(listeners.map((listener) => listener.closed()));
    await core.close();
    await Promise.all(retiring);
    return cutOff;
  }

  return {
    get config() {
      return core.config;
    },
    get routes() {
      return core.routes;
    },
    dispatcher,
    openApiDocument: () => core.openApiDocument(),
    async listen() {
      const started: Listener[] = [];
      const tls = readListenerTls(core.config);
      try {
        for (const listenerConfig of core.config.listeners) {
          started.push(await startListener(listenerConfig, core.config.limits, dispatcher, tls.get(listenerConfig.name)));
        }
      } catch (error) {
        for (const listener of started) listener.destroyAll();
        throw error;
      }
      listeners = started;
      core.health.start();
      return listeners;
    },
    reload(next, nextOptions = {}) {
      if (closing !== undefined) throw new ReloadRefused('the gateway is shutting down');
      checkReloadable(core.config, next);
      // TLS files are read again whatever changed: a renewed certificate usually keeps its path.
      const tls = listeners.length > 0 ? readListenerTls(next) : undefined;
      const replacement = buildCore(next, logging, nextOptions);
      const previous = core;
      core = replacement;
      dispatcher.use(replacement.dispatcher);
      for (const listener of listeners) {
        const renewed = tls?.get(listener.name);
        if (renewed !== undefined) listener.useTls(renewed);
      }
      if (listeners.length > 0) replacement.health.start();
      // The old routes and pools serve what they hold, then close; a shutdown meanwhile waits for them too.
      const done = idleWithin(previous.dispatcher, previous.config.shutdown.drainTimeoutMs).then(async (idle) => {
        const cutOff = idle ? 0 : previous.dispatcher.inFlight;
        try {
          await previous.close();
        } finally {
          dispatcher.retire(previous.dispatcher);
        }
        return cutOff;
      });
      // A pool that fails to close is reported through `retired`; shutdown only waits for it.
      const tracked = done.then(noop, noop);
      retiring.add(tracked);
      void tracked.then(() => retiring.delete(tracked));
      return { routes: replacement.routes.length, retired: done };
    },
    close(drainTimeoutMs = core.config.shutdown.drainTimeoutMs) {
      closing ??= drainAndClose(drainTimeoutMs);
      return closing;
    },
  };
}

/** One config compiled: its upstream pools, routes, health checks and dispatcher. */
interface GatewayCore {
  readonly config: GatewayConfig;
  readonly routes: readonly CompiledRoute[];
  readonly dispatcher: Dispatcher;
  readonly health: HealthMonitor;
  openApiDocument(): Record<string, unknown>;
  /** Stops the health checks and closes the upstream pools. */
  close(): Promise<void>;
}

function buildCore(config: GatewayConfig, logging: Logging, options: BuildOptions): GatewayCore {
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
  const closeUpstreams = async (): Promise<void> => {
    await Promise.all([...upstreams.values(), ...grpcUpstreams.values()].map((upstream) => upstream.close()));
  };
  let compiled;
  try {
    compiled = compileRoutes(config, upstreams, grpcUpstreams, options.wsdls);
    checkHealthEndpointPaths(config, compiled.routeSets);
  } catch (error) {
    // Nothing has connected yet, but a reload must not leave idle pools of a config it refused behind.
    void closeUpstreams();
    throw error;
  }
  const { routeSets, routes, grpcOpenApi, soapOpenApi } = compiled;
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
  return {
    config,
    routes,
    dispatcher,
    health,
    openApiDocument,
    async close() {
      health.stop();
      await closeUpstreams();
    },
  };
}

/** True when `dispatcher` had no request in flight within `timeoutMs`. */
async function idleWithin(dispatcher: Dispatcher, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const idle = await Promise.race([dispatcher.idle().then(() => true), deadline]);
  clearTimeout(timer);
  return idle;
}

function noop(): void {}

function memoize(compute: () => string): () => string {
  let value: string | undefined;
  return () => (value ??= compute());
}
