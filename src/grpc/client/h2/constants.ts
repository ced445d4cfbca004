/**
 * HTTP/2 wire constants (RFC 9113 §6, §7, §11) used by the lean gRPC client. Plain numbers, so hot paths compare
 * small integers.
 */

/** Frame types (RFC 9113 §6). */
export const FRAME_DATA = 0x0;
export const FRAME_HEADERS = 0x1;
export const FRAME_PRIORITY = 0x2;
export const FRAME_RST_STREAM = 0x3;
export const FRAME_SETTINGS = 0x4;
export const FRAME_PUSH_PROMISE = 0x5;
export const FRAME_PING = 0x6;
export const FRAME_GOAWAY = 0x7;
export const FRAME_WINDOW_UPDATE = 0x8;
export const FRAME_CONTINUATION = 0x9;

/** Frame flags. ACK shares its bit with END_STREAM; which one applies depends on the frame type. */
export const FLAG_END_STREAM = 0x1;
export const FLAG_ACK = 0x1;
export const FLAG_END_HEADERS = 0x4;
export const FLAG_PADDED = 0x8;
export const FLAG_PRIORITY = 0x20;

/** Error codes (RFC 9113 §7). */
export const NO_ERROR = 0x0;
export const PROTOCOL_ERROR = 0x1;
export const INTERNAL_ERROR = 0x2;
export const FLOW_CONTROL_ERROR = 0x3;
export const SETTINGS_TIMEOUT = 0x4;
export const STREAM_CLOSED = 0x5;
export const FRAME_SIZE_ERROR = 0x6;
export const REFUSED_STREAM = 0x7;
export const CANCEL = 0x8;
export const COMPRESSION_ERROR = 0x9;
export const CONNECT_ERROR = 0xa;
export const ENHANCE_YOUR_CALM = 0xb;
export const INADEQUATE_SECURITY = 0xc;
export const HTTP_1_1_REQUIRED = 0xd;

const ERROR_NAMES = [
  'NO_ERROR', 'PROTOCOL_ERROR', 'INTERNAL_ERROR', 'FLOW_CONTROL_ERROR', 'SETTINGS_TIMEOUT', 'STREAM_CLOSED',
  'FRAME_SIZE_ERROR', 'REFUSED_STREAM', 'CANCEL', 'COMPRESSION_ERROR', 'CONNECT_ERROR', 'ENHANCE_YOUR_CALM',
  'INADEQUATE_SECURITY', 'HTTP_1_1_REQUIRED',
];

/** The name of an error code for messages; unknown codes "MUST NOT trigger any special behavior" (§7). */
export function errorCodeName(code: number): string {
  return ERROR_NAMES[code] ?? `0x${code.toString(16)}`;
}

/** SETTINGS parameters (RFC 9113 §6.5.2). */
export const SETTINGS_HEADER_TABLE_SIZE = 0x1;
export const SETTINGS_ENABLE_PUSH = 0x2;
export const SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;
export const SETTINGS_INITIAL_WINDOW_SIZE = 0x4;
export const SETTINGS_MAX_FRAME_SIZE = 0x5;
export const SETTINGS_MAX_HEADER_LIST_SIZE = 0x6;

/** Frame header: Length (24) + Type (8) + Flags (8) + R + Stream Identifier (31). */
export const FRAME_HEADER_LENGTH = 9;
/** Initial SETTINGS_MAX_FRAME_SIZE, and the smallest value a peer may set. */
export const DEFAULT_MAX_FRAME_SIZE = 16_384;
/** Largest SETTINGS_MAX_FRAME_SIZE a peer may set: 2^24 − 1. */
export const MAX_ALLOWED_FRAME_SIZE = 16_777_215;
/** Initial flow-control window of a connection and of every stream until SETTINGS say otherwise (§6.9.2). */
export const DEFAULT_WINDOW_SIZE = 65_535;
/** Largest flow-control window: 2^31 − 1 (§6.9.1). */
export const MAX_WINDOW_SIZE = 2_147_483_647;
/** Largest stream identifier: 2^31 − 1 (§5.1.1). */
export const MAX_STREAM_ID = 2_147_483_647;
/** HPACK dynamic table size both ends start with (RFC 7541 §4.2, RFC 9113 §6.5.2). */
export const DEFAULT_HEADER_TABLE_SIZE = 4_096;

/** The client connection preface (§3.4): "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", followed by a SETTINGS frame. */
export const CONNECTION_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** Our SETTINGS_INITIAL_WINDOW_SIZE: one stream may receive this much before we grant more (RFC 9113 §6.9.2). */
export const STREAM_WINDOW = 1 << 20;
/** Our connection window, raised from 65 535 by a WINDOW_UPDATE right after the preface. */
export const CONNECTION_WINDOW = 8 << 20;
