import type { LogDestination } from './logger.js';

/**
 * The access log: one JSON line per request, in the same shape as pino's lines (`level` 30, ISO `time`,
 * `service`, `msg: "request"`) and on the same stream, but serialised by a fixed template. pino's generic
 * serialiser cost ~5 µs per line, a tenth of a proxied request's whole CPU budget; this costs about 0.5 µs.
 */
export interface AccessLog {
  write(
    requestId: string,
    method: string,
    path: string,
    operationId: string | undefined,
    status: number,
    durationMs: number,
    upstream: string | undefined,
    bytesOut: number,
    protocol: string,
  ): void;
}

export function createAccessLog(destination: LogDestination, service: string): AccessLog {
  const head = `{"level":30,"time":"`;
  const serviceField = `","service":${JSON.stringify(service)},"msg":"request","requestId":`;
  return {
    write(requestId, method, path, operationId, status, durationMs, upstream, bytesOut, protocol) {
      // Client-controlled strings (path, method, request id) always go through JSON.stringify: no log injection.
      destination.write(
        head +
          new Date().toISOString() +
          serviceField +
          JSON.stringify(requestId) +
          ',"method":' +
          JSON.stringify(method) +
          ',"path":' +
          JSON.stringify(path) +
          (operationId === undefined ? '' : ',"operationId":' + JSON.stringify(operationId)) +
          ',"status":' +
          status +
          ',"durationMs":' +
          Math.round(durationMs * 1000) / 1000 +
          (upstream === undefined ? '' : ',"upstream":' + JSON.stringify(upstream)) +
          ',"bytesOut":' +
          bytesOut +
          ',"protocol":"' +
          protocol +
          '"}\n',
      );
    },
  };
}
