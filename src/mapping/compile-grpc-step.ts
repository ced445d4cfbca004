import type protobuf from 'protobufjs';
import { GatewayError } from '../errors/gateway-error.js';
import { GrpcStatus, httpStatusFromGrpc, type GrpcStatusName } from '../errors/grpc-status.js';
import type { GrpcMetadata, UnaryResult } from '../grpc/client/index.js';
import { createJsonCodec, type JsonCodec } from '../grpc/json/index.js';
import { didYouMean } from '../errors/did-you-mean.js';
import {
  arrayOf,
  BOOLEAN,
  NULL,
  NUMBER,
  objectOf,
  STRING,
  unionOf,
  type Scope,
  type Shape,
} from '../transform/index.js';
import type { GrpcUpstream } from '../upstreams/grpc/grpc-upstream.js';
import type { GrpcMethodRef } from './grpc-method.js';
import { inputShape } from './grpc-shapes.js';
import { expressionScope, type MappingCompiler } from './mapping-compiler.js';
import type { MappingStep } from './mapping-schema.js';
import { compileStatuses, createStepCompilation, mappingFault, replacementResult, stepBase, type StepInput } from './step-common.js';
import { stepGrpcMessageError, stepGrpcStatusError } from './step-errors.js';
import type { CompiledGrpcStep, StepCallContext, StepResult, StepScope } from './step-types.js';
import { pointerTokens } from './template-site.js';

/** What {@link compileGrpcStep} needs besides the step's own declaration. */
export interface GrpcStepInput extends StepInput<MappingStep & { readonly grpc: string }> {
  readonly upstream: GrpcUpstream;
  readonly method: GrpcMethodRef;
}

/**
 * Metadata a step may not set: reserved by gRPC (`grpc-*`; PROTOCOL-HTTP2 "Reserved Headers"), owned by the
 * client (content-type, te, user-agent), or HTTP/2 connection fields (RFC 9113 §8.2.2), which the client drops.
 */
const RESERVED_METADATA = new Set(['content-type', 'te', 'user-agent', 'host', 'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);
/** PROTOCOL-HTTP2 ASCII-Value (%x20-%x7E); `-bin` values are base64, padded or not. */
const ASCII_VALUE = /^[\x20-\x7e]*$/;
const BINARY_VALUE = /^[A-Za-z0-9+/=]*$/;
/** A metadata value: scalars are sent as text, an array as several values of one key. */
const METADATA_VALUE: Shape = unionOf(STRING, NUMBER, BOOLEAN, NULL, arrayOf(unionOf(STRING, NUMBER, BOOLEAN)));
const STATUS_NAMES = Object.keys(GrpcStatus).filter((name) => name !== 'OK');

/**
 * Compiles a step that calls a unary gRPC method. `message` (a template, checked against the input message the way
 * the proto3 JSON codec reads it) is encoded with the codec; `metadata` templates give request metadata; the result
 * is the output message in proto3 JSON form (status 200, headers = response metadata). `statuses` lists gRPC status
 * names that count as success, each with the body to use (e.g. NOT_FOUND → an empty list); the result's status is
 * then the HTTP status of the gRPC table. Problems go to the compiler's issues; undefined then.
 */
export function compileGrpcStep(input: GrpcStepInput, compiler: MappingCompiler): CompiledGrpcStep | undefined {
  const { name, step, method, upstream } = input;
  const { requestType, responseType } = method;
  const c = createStepCompilation(input, compiler);
  const requestLabel = `the request message of step "${name}" (${requestType.fullName.slice(1)})`;
  const message = step.message === undefined ? undefined : c.template(['message'], step.message, requestLabel, inputShape(requestType));

  for (const key of Object.keys(step.metadata ?? {})) {
    if (key.startsWith('grpc-') || RESERVED_METADATA.has(key)) {
      c.issue(['metadata', key], `metadata "${key}" is reserved (grpc-*, content-type, te, user-agent and connection fields are set by the gateway)`);
    }
  }
  const metadataTarget = objectOf([], [], METADATA_VALUE);
  const metadata = step.metadata === undefined ? undefined : c.template(['metadata'], step.metadata, `the metadata of step "${name}"`, metadataTarget);

  // gRPC statuses that count as success, each with the result to use instead of a message.
  const accepted = compileStatuses<number>(c, step.statuses, (status) => {
    const code = Object.hasOwn(GrpcStatus, status) ? GrpcStatus[status as GrpcStatusName] : undefined;
    if (code !== undefined && code !== GrpcStatus.OK) return code;
    const guess = /^\d+$/.test(status) ? undefined : didYouMean(status, STATUS_NAMES);
    const hint = guess !== undefined ? `did you mean "${guess}"?` : `a grpc step lists gRPC status names: ${STATUS_NAMES.join(', ')}`;
    c.issue(['statuses', status], `"${status}" is not a gRPC status that can count as success; ${hint}`);
    return undefined;
  });
  if (c.failed) return undefined;

  const requestCodec = createJsonCodec(requestType);
  const responseCodec = createJsonCodec(responseType);
  const faults = createFaultReporter(compiler, step, c.at, requestLabel);
  const compiled: CompiledGrpcStep = {
    protocol: 'grpc',
    ...stepBase(input),
    upstream,
    start(stepScope: StepScope, call: StepCallContext): Promise<StepResult> {
      const scope = expressionScope(stepScope);
      const requestBytes = encodeRequest(requestType, requestCodec, message?.evaluate(scope) ?? {}, faults);
      return upstream
        .unary({
          path: method.path,
          requestBytes,
          metadata: requestMetadata(metadata?.evaluate(scope), call, faults),
          deadlineMs: call.timeoutMs,
          canceller: call.canceller,
        })
        .then((result) => settle(result, scope));
    },
  };

  function settle(result: UnaryResult, scope: Scope): StepResult {
    const headers = mergeMetadata(result.headers, result.trailers);
    if (result.status === GrpcStatus.OK) {
      let body: unknown;
      try {
        body = responseCodec.toJson(responseType.decode(result.responseBytes ?? new Uint8Array(0)));
      } catch (error) {
        throw stepGrpcMessageError(compiled, responseType.fullName.slice(1), error);
      }
      return { status: 200, headers, body };
    }
    const replacement = accepted.get(result.status);
    if (replacement !== undefined) return replacementResult(compiled, replacement, httpStatusFromGrpc(result.status), headers, scope);
    // The executor words every timeout alike ("timed out after N ms"), whoever noticed the deadline first.
    if (result.status === GrpcStatus.DEADLINE_EXCEEDED) throw new GatewayError('upstream-timeout', result.message);
    throw stepGrpcStatusError(compiled, result.status, result.message, result.statusDetails);
  }
  return Object.freeze(compiled);
}

/** Builds mapping-failed problems naming the file, line and expression a runtime value came from. */
interface FaultReporter {
  /** For the message: `pointer` is where the codec found the problem, in the message's JSON. */
  message(pointer: string, reason: string): GatewayError;
  /** For a metadata value. */
  metadata(key: string, reason: string): GatewayError;
}

function createFaultReporter(compiler: MappingCompiler, step: MappingStep, at: readonly string[], requestLabel: string): FaultReporter {
  return {
    message(pointer, reason) {
      const rest = `does not fit ${requestLabel}: ${pointer === '' ? '(root)' : pointer}: ${reason}.`;
      return mappingFault(compiler, step.message, [...at, 'message'], pointerTokens(pointer), rest);
    },
    metadata(key, reason) {
      return mappingFault(compiler, step.metadata, [...at, 'metadata'], [key], `is not a value for metadata "${key}": ${reason}.`);
    },
  };
}

/** The request message's bytes from its proto3 JSON form; a value the codec refuses is a mapping fault. */
function encodeRequest(type: protobuf.Type, codec: JsonCodec, json: unknown, faults: FaultReporter): Uint8Array {
  const decoded = codec.fromJson(json);
  if (!decoded.ok) {
    const first = decoded.errors[0];
    const rest = decoded.errors.length > 1 ? ` (and ${decoded.errors.length - 1} more)` : '';
    throw faults.message(first?.path ?? '', `${first?.message ?? 'not a valid message'}${rest}`);
  }
  return type.encode(type.fromObject(decoded.value)).finish();
}

/** Request metadata from the evaluated template, plus the request id (last, so a template cannot replace it). */
function requestMetadata(values: unknown, call: StepCallContext, faults: FaultReporter): GrpcMetadata {
  const out = Object.create(null) as GrpcMetadata;
  if (values !== null && typeof values === 'object') {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined || value === null) continue;
      const texts = (Array.isArray(value) ? (value as unknown[]) : [value]).filter((item) => item !== undefined && item !== null).map(String);
      for (const text of texts) {
        if (!(key.endsWith('-bin') ? BINARY_VALUE : ASCII_VALUE).test(text)) {
          throw faults.metadata(key, key.endsWith('-bin') ? 'a -bin value must be base64' : 'not printable ASCII');
        }
      }
      if (texts.length > 0) out[key] = texts.length === 1 ? (texts[0] as string) : texts;
    }
  }
  out[call.requestIdHeader.toLowerCase()] = call.requestId;
  return out;
}

/** Header metadata, then trailer metadata under names the headers did not use. */
function mergeMetadata(headers: GrpcMetadata, trailers: GrpcMetadata): Readonly<Record<string, string | string[]>> {
  let merged: GrpcMetadata | undefined;
  for (const key in trailers) {
    if (headers[key] !== undefined) continue;
    merged ??= Object.assign(Object.create(null) as GrpcMetadata, headers);
    merged[key] = trailers[key] as string | string[];
  }
  return merged ?? headers;
}
