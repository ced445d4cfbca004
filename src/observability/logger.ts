import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs on stdout (pino). The access log is the same stream with `msg: "request"`; keeping one stream keeps
 * ordering and lets a log shipper split by field.
 *
 * Stdout is written asynchronously in batches of at least 4 KiB: a synchronous write per access-log line was a
 * third system call per proxied request. `flushLogger` (called on shutdown) writes out what is pending.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = { level, base: { service: 'protogate' }, timestamp: pino.stdTimeFunctions.isoTime };
  if (destination !== undefined) return pino(options, destination);
  return pino(options, pino.destination({ dest: 1, sync: false, minLength: 4096 }));
}

/** Writes out buffered log lines; safe to call with any logger. */
export function flushLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}
