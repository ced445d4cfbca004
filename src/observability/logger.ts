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
 * Stdout is written asynchronously in batches of at least 4 KiB: a synchronous write per access-log line was a
 * third system call per proxied request. `flushLogger` (called on shutdown) writes out what is pending.
 */
export function createLogging(level: string, accessLog: boolean, destination?: NodeJS.WritableStream): Logging {
  const options = { level, base: { service: SERVICE }, timestamp: pino.stdTimeFunctions.isoTime };
  const sink = destination ?? pino.destination({ dest: 1, sync: false, minLength: 4096 });
  const logger = pino(options, sink);
  const enabled = accessLog && logger.isLevelEnabled('info');
  return { logger, accessLog: enabled ? createAccessLog(sink as LogDestination, SERVICE) : undefined };
}

/** A logger alone (CLI commands that serve no traffic). */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return createLogging(level, false, destination).logger;
}

const SERVICE = 'protogate';

/** Writes out buffered log lines; safe to call with any logger. */
export function flushLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}
