import { errorCodeName } from './constants.js';

/**
 * A connection error (RFC 9113 §5.4.1): the connection sends GOAWAY with `h2Code` and closes. Thrown by the frame
 * parser and the HPACK decoder, caught by the connection.
 */
export class H2ConnectionError extends Error {
  readonly code = 'PROTOGATE_H2_CONNECTION_ERROR';
  /** The RFC 9113 §7 error code the GOAWAY carries. */
  readonly h2Code: number;
  constructor(h2Code: number, message: string) {
    super(`HTTP/2 ${errorCodeName(h2Code)}: ${message}`);
    this.name = 'H2ConnectionError';
    this.h2Code = h2Code;
  }
}

/** The connection went away under a stream: closed, reset, timed out on keepalive, or failed. */
export class H2ConnectionLostError extends Error {
  readonly code = 'PROTOGATE_H2_CONNECTION_LOST';
  constructor(message: string) {
    super(message);
    this.name = 'H2ConnectionLostError';
  }
}
