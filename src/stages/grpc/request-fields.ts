/**
 * The parts of a gRPC request message that come from the URL (path variables and query parameters), and how they
 * combine with what the body gives, per google/api/http.proto.
 */
import { GatewayError, type Violation } from '../../errors/gateway-error.js';
import { isRecord } from '../../openapi/json-pointer.js';
import { matchPathTemplate } from '../../grpc/http-rules/match-path-template.js';
import { bindQueryParameters } from '../../grpc/http-rules/query-parameters.js';
import type { RequestContext } from '../../pipeline/context.js';
import type { GrpcRoute } from '../transcode-grpc.js';

/** The request fields a URL sets, in the proto3 JSON form the codec decodes. */
export interface UrlFields {
  /** Field path (`book.name`) and text of each path variable. */
  readonly path: readonly { readonly fieldPath: string; readonly value: string }[];
  /** Fields set by query parameters (never one the path or the body binds), or undefined without a query. */
  readonly query: Record<string, unknown> | undefined;
}

/**
 * Binds the path variables and query parameters of the request.
 * @throws GatewayError `validation-failed` naming each path variable or query parameter that cannot bind.
 */
export function urlFields(ctx: RequestContext, grpc: GrpcRoute): UrlFields {
  const path: { fieldPath: string; value: string }[] = [];
  if (grpc.bindByTemplate) {
    // http.proto: multi-segment values keep reserved characters (e.g. %2F) encoded; the router decodes fully.
    const matched = matchPathTemplate(grpc.binding.template, ctx.rawPath);
    if (!matched.matched) {
      const location = 'fieldPath' in matched ? `/path/${matched.fieldPath}` : '/path';
      throw invalid([{ location, message: 'error' in matched ? matched.error : 'does not match the method\'s path template' }]);
    }
    for (const { fieldPath, value } of matched.bindings) path.push({ fieldPath, value });
  } else {
    for (const [param, fieldPath] of grpc.paramFields) path.push({ fieldPath, value: ctx.params[param] ?? '' });
  }
  if (ctx.rawQuery === '') return { path, query: undefined };
  const bound = bindQueryParameters(ctx.rawQuery, grpc.requestType, grpc.queryExcluded);
  const problems = grpc.ignoreUnknownQuery ? bound.issues.filter((issue) => issue.fieldPath !== undefined) : bound.issues;
  if (problems.length > 0) {
    throw invalid(problems.map((issue) => ({ location: `/query/${issue.parameter}`, message: issue.message })));
  }
  return { path, query: bound.value };
}

/**
 * Completes a request message whose body part is in `request`: path variables are set over it (http.proto: a field
 * bound by the path wins over the body), then the query fields are merged in. Mutates and returns `request`.
 */
export function withUrlFields(request: Record<string, unknown>, fields: UrlFields): Record<string, unknown> {
  for (const { fieldPath, value } of fields.path) setPath(request, fieldPath, value);
  if (fields.query !== undefined) mergeInto(request, fields.query);
  return request;
}

/** A `validation-failed` problem for a request that does not map onto the gRPC request message. */
export function invalid(violations: Violation[], extensions?: Record<string, unknown>, where = 'The request'): GatewayError {
  const count = violations.length;
  return new GatewayError('validation-failed', `${where} does not map onto the gRPC request message: ${count} ${count === 1 ? 'violation' : 'violations'}.`, {
    violations,
    ...(extensions === undefined ? {} : { extensions }),
  });
}

function setPath(target: Record<string, unknown>, fieldPath: string, value: unknown): void {
  const names = fieldPath.split('.');
  let node = target;
  for (let index = 0; index < names.length - 1; index++) {
    const name = names[index] as string;
    const next = node[name];
    node = (node[name] = isRecord(next) ? { ...next } : {}) as Record<string, unknown>;
  }
  node[names[names.length - 1] as string] = value;
}

function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (isRecord(existing) && isRecord(value)) {
      const merged = { ...existing };
      mergeInto(merged, value);
      target[key] = merged;
    } else {
      target[key] = value;
    }
  }
}
