import { createRequire } from 'node:module';
import path from 'node:path';
import type protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import {
  decodeStatusDetails, GrpcStatus, grpcStatusName, httpStatusFromGrpc, retryAfterSeconds,
} from '../../src/errors/grpc-status.js';
import { loadProtos } from '../../src/grpc/protos/load-protos.js';

// Test-side copy of the google/rpc types, loaded independently of the module under test, to build the bytes.
const require = createRequire(import.meta.url);
const rpcDir = path.join(path.dirname(require.resolve('google-proto-files/package.json')), 'google', 'rpc');
const { root } = loadProtos([path.join(rpcDir, 'status.proto'), path.join(rpcDir, 'error_details.proto')], { includeDirs: [] });

function any(typeName: string, value: Record<string, unknown>, prefix = 'type.googleapis.com/'): { type_url: string; value: Uint8Array } {
  const type = root.lookupType(typeName);
  return { type_url: `${prefix}${typeName}`, value: type.encode(type.fromObject(value)).finish() };
}

function statusBin(code: number, message: string, details: { type_url: string; value: Uint8Array }[]): Buffer {
  const type: protobuf.Type = root.lookupType('google.rpc.Status');
  return Buffer.from(type.encode(type.fromObject({ code, message, details })).finish());
}

describe('gRPC status → HTTP status (the issue table)', () => {
  const table: [string, number, number][] = [
    ['OK', 0, 200], ['CANCELLED', 1, 499], ['UNKNOWN', 2, 500], ['INVALID_ARGUMENT', 3, 400],
    ['DEADLINE_EXCEEDED', 4, 504], ['NOT_FOUND', 5, 404], ['ALREADY_EXISTS', 6, 409], ['PERMISSION_DENIED', 7, 403],
    ['UNAUTHENTICATED', 16, 401], ['RESOURCE_EXHAUSTED', 8, 429], ['FAILED_PRECONDITION', 9, 400], ['ABORTED', 10, 409],
    ['OUT_OF_RANGE', 11, 400], ['UNIMPLEMENTED', 12, 501], ['INTERNAL', 13, 500], ['UNAVAILABLE', 14, 503],
    ['DATA_LOSS', 15, 500],
  ];

  it.each(table)('%s (%i) → %i', (name, code, http) => {
    expect(GrpcStatus[name as keyof typeof GrpcStatus]).toBe(code);
    expect(grpcStatusName(code)).toBe(name);
    expect(httpStatusFromGrpc(code)).toBe(http);
  });

  it('covers all 17 codes exactly once', () => {
    expect(new Set(table.map(([, code]) => code)).size).toBe(17);
    expect(Object.keys(GrpcStatus)).toHaveLength(17);
  });

  it('treats codes it does not know as UNKNOWN (500)', () => {
    for (const code of [-1, 17, 99, 1.5]) {
      expect(grpcStatusName(code)).toBe('UNKNOWN');
      expect(httpStatusFromGrpc(code)).toBe(500);
    }
  });
});

describe('decodeStatusDetails', () => {
  const T = 'type.googleapis.com/google.rpc.';

  it('decodes code and message, with no details', () => {
    expect(decodeStatusDetails(statusBin(5, 'no such book', []))).toEqual({ code: 5, message: 'no such book', details: [] });
  });

  it('BadRequest: field violations in proto3 JSON', () => {
    const bin = statusBin(3, 'bad', [
      any('google.rpc.BadRequest', {
        field_violations: [
          { field: 'book.title', description: 'must not be empty', reason: 'EMPTY' },
          { field: 'page_size', description: 'must be positive' },
        ],
      }),
    ]);
    expect(decodeStatusDetails(bin).details).toEqual([
      {
        '@type': `${T}BadRequest`,
        fieldViolations: [
          { field: 'book.title', description: 'must not be empty', reason: 'EMPTY' },
          { field: 'page_size', description: 'must be positive' },
        ],
      },
    ]);
  });

  it('ErrorInfo with its metadata map', () => {
    const bin = statusBin(7, 'denied', [any('google.rpc.ErrorInfo', { reason: 'API_DISABLED', domain: 'example.com', metadata: { service: 'books' } })]);
    expect(decodeStatusDetails(bin).details).toEqual([
      { '@type': `${T}ErrorInfo`, reason: 'API_DISABLED', domain: 'example.com', metadata: { service: 'books' } },
    ]);
  });

  it('RetryInfo: the delay as a JSON Duration, and Retry-After rounded up', () => {
    const bin = statusBin(8, 'slow down', [any('google.rpc.RetryInfo', { retry_delay: { seconds: 2, nanos: 500_000_000 } })]);
    const { details } = decodeStatusDetails(bin);
    expect(details).toEqual([{ '@type': `${T}RetryInfo`, retryDelay: '2.500s' }]);
    expect(retryAfterSeconds(details)).toBe(3);
    expect(retryAfterSeconds([{ '@type': `${T}RetryInfo`, retryDelay: '7s' }])).toBe(7);
    expect(retryAfterSeconds([{ '@type': `${T}RetryInfo`, retryDelay: '-1s' }])).toBe(0);
    expect(retryAfterSeconds([{ '@type': `${T}RetryInfo` }])).toBeUndefined();
    expect(retryAfterSeconds([{ '@type': `${T}ErrorInfo`, reason: 'x' }])).toBeUndefined();
    expect(retryAfterSeconds([])).toBeUndefined();
  });

  it('ResourceInfo', () => {
    const bin = statusBin(5, 'missing', [
      any('google.rpc.ResourceInfo', { resource_type: 'book', resource_name: 'shelves/1/books/2', owner: 'u:1', description: 'gone' }),
    ]);
    expect(decodeStatusDetails(bin).details).toEqual([
      { '@type': `${T}ResourceInfo`, resourceType: 'book', resourceName: 'shelves/1/books/2', owner: 'u:1', description: 'gone' },
    ]);
  });

  it('PreconditionFailure', () => {
    const bin = statusBin(9, 'tos', [
      any('google.rpc.PreconditionFailure', { violations: [{ type: 'TOS', subject: 'google.com/cloud', description: 'not accepted' }] }),
    ]);
    expect(decodeStatusDetails(bin).details).toEqual([
      { '@type': `${T}PreconditionFailure`, violations: [{ type: 'TOS', subject: 'google.com/cloud', description: 'not accepted' }] },
    ]);
  });

  it('QuotaFailure (int64 quota_value as a string)', () => {
    const bin = statusBin(8, 'quota', [
      any('google.rpc.QuotaFailure', { violations: [{ subject: 'clientip:1.2.3.4', description: 'daily limit', quota_value: 100 }] }),
    ]);
    expect(decodeStatusDetails(bin).details).toEqual([
      { '@type': `${T}QuotaFailure`, violations: [{ subject: 'clientip:1.2.3.4', description: 'daily limit', quotaValue: '100' }] },
    ]);
  });

  it('Help and LocalizedMessage', () => {
    const bin = statusBin(3, 'x', [
      any('google.rpc.Help', { links: [{ description: 'docs', url: 'https://example.com/docs' }] }),
      any('google.rpc.LocalizedMessage', { locale: 'fr-FR', message: 'Requête invalide' }),
    ]);
    expect(decodeStatusDetails(bin).details).toEqual([
      { '@type': `${T}Help`, links: [{ description: 'docs', url: 'https://example.com/docs' }] },
      { '@type': `${T}LocalizedMessage`, locale: 'fr-FR', message: 'Requête invalide' },
    ]);
  });

  it('drops DebugInfo (stack traces never reach clients) and keeps the order of the rest', () => {
    const bin = statusBin(13, 'boom', [
      any('google.rpc.ErrorInfo', { reason: 'A' }),
      any('google.rpc.DebugInfo', { stack_entries: ['at secret (/srv/app.js:1:1)'], detail: 'internal' }),
      any('google.rpc.ErrorInfo', { reason: 'B' }),
    ]);
    expect(decodeStatusDetails(bin).details).toEqual([
      { '@type': `${T}ErrorInfo`, reason: 'A' },
      { '@type': `${T}ErrorInfo`, reason: 'B' },
    ]);
  });

  it('reduces unknown types, RequestInfo and undecodable details to their @type', () => {
    const bin = statusBin(2, 'x', [
      { type_url: 'type.googleapis.com/acme.v1.Secret', value: Buffer.from('0a03616263', 'hex') },
      any('google.rpc.RequestInfo', { request_id: 'r1', serving_data: 'encrypted stack' }),
      { type_url: `${T}BadRequest`, value: Buffer.from([0x0a, 0xff]) },
    ]);
    expect(decodeStatusDetails(bin).details).toEqual([
      { '@type': 'type.googleapis.com/acme.v1.Secret' },
      { '@type': `${T}RequestInfo` },
      { '@type': `${T}BadRequest` },
    ]);
  });

  it('resolves the type by the last segment of any type URL host', () => {
    const bin = statusBin(3, 'x', [any('google.rpc.ErrorInfo', { reason: 'R' }, 'example.com/types/')]);
    expect(decodeStatusDetails(bin).details).toEqual([{ '@type': 'example.com/types/google.rpc.ErrorInfo', reason: 'R' }]);
  });

  it('throws on bytes that are not a protobuf message (truncated varint)', () => {
    expect(() => decodeStatusDetails(Buffer.from([0x08, 0x80]))).toThrow();
  });
});
