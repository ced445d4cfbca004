import { isDeepStrictEqual } from 'node:util';
import type { Gateway } from './app.js';
import { ConfigError, formatIssue } from './config/config-error.js';
import { loadConfig, type GatewayConfig } from './config/load-config.js';
import type { Logger } from './observability/logger.js';
import { fetchSoapWsdls } from './pipeline/soap-services.js';

/**
 * What a config reload may change: everything the routes, mappings, upstreams, SOAP services and health checks are
 * built from, and the https listeners' certificates. What the listening sockets and the process's logger were set
 * up with needs a restart, so a reload that changes it is refused as a whole rather than applied in part.
 */

/** A reload that cannot be applied to a running gateway; the running config stays. */
export class ReloadRefused extends Error {
  constructor(reason: string) {
    super(`reload refused, the running config stays: ${reason}`);
    this.name = 'ReloadRefused';
  }
}

export interface ReloadResult {
  /** Routes of the applied config. */
  readonly routes: number;
  /**
   * Settles when the replaced config's routes and pools are closed: once its requests in flight are done, or after
   * its `shutdown.drainTimeoutMs`; resolves with how many were cut off then.
   */
  readonly retired: Promise<number>;
}

/** The limits node:http and node:http2 servers are created with (src/server/listeners.ts). */
const LISTENER_LIMITS = ['maxHeaderBytes', 'headersTimeoutMs', 'requestTimeoutMs', 'keepAliveTimeoutMs'] as const;

/** @throws ReloadRefused naming every part of `next` that only a restart can apply */
export function checkReloadable(running: GatewayConfig, next: GatewayConfig): void {
  const changed: string[] = [];
  // TLS file names may change (a reload reads the files again either way); the sockets themselves may not.
  const sockets = (config: GatewayConfig): unknown[] => config.listeners.map(({ tls: _tls, ...socket }) => socket);
  if (!isDeepStrictEqual(sockets(running), sockets(next))) changed.push('listeners');
  for (const field of LISTENER_LIMITS) if (running.limits[field] !== next.limits[field]) changed.push(`limits.${field}`);
  if (!isDeepStrictEqual(running.logging, next.logging)) changed.push('logging');
  if (changed.length > 0) throw new ReloadRefused(`${changed.join(', ')} changed, which only a restart applies`);
}

/**
 * The reload a SIGHUP asks for: read and validate the config file again, fetch its http(s) WSDLs, build it in full,
 * and swap it in, logging what happened. A reload asked for while one runs is done once after it, with the file as
 * it is then. Never throws: a config that does not build is logged with every problem and the running one stays.
 */
export function createFileReloader(gateway: Gateway, configPath: string, logger: Logger): () => Promise<void> {
  let running: Promise<void> | undefined;
  let again = false;
  const once = async (): Promise<void> => {
    try {
      const next = loadConfig(configPath);
      const result = gateway.reload(next, { wsdls: await fetchSoapWsdls(next) });
      logger.info({ config: next.file, routes: result.routes }, 'reloaded');
      void result.retired.then(
        (cutOff) => logger.info({ cutOff }, 'previous config retired'),
        (error: unknown) => logger.error({ err: error }, 'closing the previous config failed'),
      );
    } catch (error) {
      if (error instanceof ConfigError) {
        logger.error({ problems: error.issues.map(formatIssue) }, 'reload refused: invalid configuration; the running config stays');
      } else if (error instanceof ReloadRefused) {
        logger.error(error.message);
      } else {
        logger.error({ err: error }, 'reload failed; the running config stays');
      }
    }
  };
  return function reload(): Promise<void> {
    if (running !== undefined) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await once();
      } while (again);
      running = undefined;
    })();
    return running;
  };
}
