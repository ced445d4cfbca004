import { pino, type Logger } from 'pino';
import { createAccessLog, type AccessLog } from './access-log.js';

export type { Logger };

export interface Logging {
  readonly logger: Logger;
  /** The per-request access log, writing to the same stream as `logger`; undefined when disabled. */
  readonly accessLog: AccessLog | undefined;
}

/** Anything log lines can be written to: a file descriptor stream (SonicBoom) or, in tests, a Writable. */
export interface LogDestination {
  write(line: string): unknown;
}

/**
 * JSON logs on stdout through pino; the access log is the same stream with `msg: "request"`, so ordering is kept
 * and a log shipper can split by field.
 *
 * Application logs are written synchronously (pino's default for stdout: nothing is lost on a crash). Access-log
 * lines are batched per event-loop turn by the access log itself, so a busy gateway makes one write per turn, not
 * one per request (an asynchronous SonicBoom measured worse here: ~16% of CPU in its write path under load).
 * `flushLogging` (called on shutdown) writes out what is pending.
 */
export function createLogging(level: string, accessLog: boolean, destination?: NodeJS.WritableStream): Logging {
  const options = { level, base: { service: SERVICE }, timestamp: pino.stdTimeFunctions.isoTime };
  const sink = destination ?? pino.destination({ dest: 1, sync: true });
  const logger = pino(options, sink);
  const enabled = accessLog && logger.isLevelEnabled('info');
  return { logger, accessLog: enabled ? createAccessLog(sink as LogDestination, SERVICE) : undefined };
}

const SERVICE = 'protogate';

/** Writes out buffered log lines (access log first, then pino's buffer). */
export function flushLogging(logging: Logging): Promise<void> {
  logging.accessLog?.flush();
  return new Promise((resolve) => logging.logger.flush(() => resolve()));
}
