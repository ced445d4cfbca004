import protobuf from 'protobufjs';
import { didYouMean } from '../errors/did-you-mean.js';
import { listed } from './step-common.js';

/** A unary method a gRPC step may call, resolved at load. */
export interface GrpcMethodRef {
  /** `/package.Service/Method`, the HTTP/2 `:path` of the call. */
  readonly path: string;
  readonly requestType: protobuf.Type;
  readonly responseType: protobuf.Type;
}

/**
 * Resolves `package.Service/Method` (a step's `grpc:`) in the loaded protos. Any method may be called, with or
 * without a google.api.http rule, as long as it is unary: a step's result is one message.
 * @returns the method, or why it cannot be called (with the nearest name, or what exists instead)
 */
export function resolveGrpcMethod(root: protobuf.Root, reference: string): GrpcMethodRef | { readonly problem: string } {
  const slash = reference.indexOf('/');
  const serviceName = reference.slice(0, slash);
  const methodName = reference.slice(slash + 1);
  const services = servicesOf(root);
  const service = services.get(serviceName);
  if (service === undefined) {
    const names = [...services.keys()];
    const guess = didYouMean(serviceName, names);
    const rest =
      guess !== undefined ? `; did you mean "${guess}/${methodName}"?` : names.length === 0 ? ' (they declare no services)' : `; the services are: ${listed(names)}`;
    return { problem: `no service "${serviceName}" in the .proto files of gateway.yaml's protos.files${rest}` };
  }
  const method = service.methods[methodName];
  if (method === undefined) {
    const names = Object.keys(service.methods);
    const guess = didYouMean(methodName, names);
    const rest = guess !== undefined ? `; did you mean "${serviceName}/${guess}"?` : `; its methods are: ${listed(names)}`;
    return { problem: `service ${serviceName} has no method "${methodName}"${rest}` };
  }
  if (method.requestStream === true || method.responseStream === true) {
    const kind = method.requestStream === true ? (method.responseStream === true ? 'bidirectional-streaming' : 'client-streaming') : 'server-streaming';
    return { problem: `${reference} is ${kind}: a step calls unary methods only (its result is one message)` };
  }
  method.resolve();
  const { resolvedRequestType, resolvedResponseType } = method;
  if (resolvedRequestType === null || resolvedResponseType === null) {
    return { problem: `${reference}: its request or response type does not resolve` };
  }
  return { path: `/${reference}`, requestType: resolvedRequestType, responseType: resolvedResponseType };
}

/** Every service of the root by full name (no leading dot), in declaration order. */
function servicesOf(root: protobuf.Root): Map<string, protobuf.Service> {
  const out = new Map<string, protobuf.Service>();
  const visit = (namespace: protobuf.NamespaceBase): void => {
    for (const nested of namespace.nestedArray) {
      if (nested instanceof protobuf.Service) out.set(nested.fullName.slice(1), nested);
      if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) visit(nested);
    }
  };
  visit(root);
  return out;
}
