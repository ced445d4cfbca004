/**
 * `grpc.health.v1.Health/Check` (grpc/doc/health-checking.md) with the two tiny messages coded by hand:
 * HealthCheckRequest { string service = 1; }, HealthCheckResponse { ServingStatus status = 1; }.
 */
import { GrpcStatus, grpcStatusName } from '../../errors/grpc-status.js';
import type { GrpcChannel } from './channel.js';
import { unaryCall } from './unary-call.js';

/** What a health check reports; `UNIMPLEMENTED` when the server has no health service. */
export type HealthStatus = 'SERVING' | 'NOT_SERVING' | 'UNKNOWN' | 'UNIMPLEMENTED';

/** A health check that failed for a reason other than the answers {@link HealthStatus} covers. */
export class HealthCheckError extends Error {
  readonly code = 'PROTOGATE_GRPC_HEALTH_FAILED';
  constructor(
    readonly grpcStatus: number,
    readonly grpcMessage: string,
  ) {
    super(`health check failed: ${grpcStatusName(grpcStatus)}${grpcMessage === '' ? '' : `: ${grpcMessage}`}`);
    this.name = 'HealthCheckError';
  }
}

const CHECK_PATH = '/grpc.health.v1.Health/Check';

/** ServingStatus enum values of health.proto (3, SERVICE_UNKNOWN, is only used by Watch). */
const SERVING_STATUS: readonly HealthStatus[] = ['UNKNOWN', 'SERVING', 'NOT_SERVING'];

/**
 * Asks the server's health service about `service` ('' — the default — means the server as a whole).
 * A NOT_FOUND status (health-checking.md: the service is not registered) is reported as `'UNKNOWN'`.
 * @throws HealthCheckError for any other non-OK status (UNAVAILABLE, DEADLINE_EXCEEDED, …).
 */
export async function healthCheck(
  channel: GrpcChannel,
  service = '',
  options: { deadlineMs?: number; signal?: AbortSignal } = {},
): Promise<HealthStatus> {
  const status = await checkServingStatus(channel, service, options);
  return status === 'SERVICE_UNKNOWN' ? 'UNKNOWN' : status;
}

/**
 * {@link healthCheck} that tells a service the server does not know (NOT_FOUND, reported as `'SERVICE_UNKNOWN'`,
 * the name Watch gives that case) from a known service in state UNKNOWN: a health checker wants to log which.
 * @throws HealthCheckError as healthCheck does.
 */
export async function checkServingStatus(
  channel: GrpcChannel,
  service = '',
  options: { deadlineMs?: number; signal?: AbortSignal } = {},
): Promise<HealthStatus | 'SERVICE_UNKNOWN'> {
  const result = await unaryCall(channel, {
    path: CHECK_PATH,
    requestBytes: encodeCheckRequest(service),
    deadlineMs: options.deadlineMs ?? 1_000,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  if (result.status === GrpcStatus.UNIMPLEMENTED) return 'UNIMPLEMENTED';
  if (result.status === GrpcStatus.NOT_FOUND) return 'SERVICE_UNKNOWN';
  if (result.status !== GrpcStatus.OK || result.responseBytes === undefined) {
    throw new HealthCheckError(result.status, result.message);
  }
  return SERVING_STATUS[decodeServingStatus(result.responseBytes)] ?? 'UNKNOWN';
}

/** Field 1, wire type 2 (length-delimited): tag 0x0a, varint length, UTF-8 bytes; empty when service is ''. */
export function encodeCheckRequest(service: string): Uint8Array {
  if (service === '') return new Uint8Array(0);
  const text = Buffer.from(service, 'utf8');
  const length = varint(text.length);
  const out = new Uint8Array(1 + length.length + text.length);
  out[0] = 0x0a;
  out.set(length, 1);
  out.set(text, 1 + length.length);
  return out;
}

/** Reads field 1 (varint) of HealthCheckResponse, skipping any other field; 0 (UNKNOWN) when absent. */
export function decodeServingStatus(bytes: Uint8Array): number {
  let status = 0;
  let offset = 0;
  while (offset < bytes.length) {
    const [tag, afterTag] = readVarint(bytes, offset);
    offset = afterTag;
    const wireType = tag & 7;
    if (wireType === 0) {
      const [value, next] = readVarint(bytes, offset);
      if (tag >>> 3 === 1) status = value;
      offset = next;
    } else if (wireType === 2) {
      const [length, next] = readVarint(bytes, offset);
      offset = next + length;
    } else if (wireType === 1) offset += 8;
    else if (wireType === 5) offset += 4;
    else throw new HealthCheckError(GrpcStatus.INTERNAL, `malformed HealthCheckResponse (wire type ${wireType})`);
  }
  return status;
}

function varint(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  while (rest > 0x7f) {
    out.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  out.push(rest);
  return out;
}

function readVarint(bytes: Uint8Array, start: number): [number, number] {
  let value = 0;
  let shift = 0;
  let offset = start;
  for (;;) {
    const byte = bytes[offset++];
    if (byte === undefined || shift > 28) {
      throw new HealthCheckError(GrpcStatus.INTERNAL, 'malformed HealthCheckResponse (truncated varint)');
    }
    value |= (byte & 0x7f) << shift;
    if (byte < 0x80) return [value >>> 0, offset];
    shift += 7;
  }
}
