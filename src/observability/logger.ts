import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs on stdout (pino). The access log is the same stream with `msg: "request"`; keeping one stream keeps
 * ordering and lets a log shipper split by field.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = { level, base: { service: 'protogate' }, timestamp: pino.stdTimeFunctions.isoTime };
  return destination === undefined ? pino(options) : pino(options, destination);
}
