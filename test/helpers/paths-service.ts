import * as grpc from '@grpc/grpc-js';
import { serviceDefinition, type PlainMessage } from '../../src/demo/grpc-demo-codec.js';
import { loadProtos } from '../../src/grpc/protos/load-protos.js';

/** The fixture of test/fixtures/proto/paths/v1/paths.proto, as a config names it. */
export const PATHS_PROTO = 'test/fixtures/proto/paths/v1/paths.proto';
export const PATHS_SERVICE = 'protogate.test.paths.v1.Paths';

/** A running paths service: its `http://127.0.0.1:port` origin and a way to stop it. */
export interface PathsService {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A real grpc-js server for `protogate.test.paths.v1.Paths`: every method answers `Bound` with its own name and the
 * request's fields as received, and sends its name as the `x-method` trailer (visible on HEAD answers, which have no
 * body, when the gateway forwards it with `grpc.responseMetadata`).
 */
export async function startPathsService(): Promise<PathsService> {
  const { root, issues } = loadProtos([PATHS_PROTO], { includeDirs: ['test/fixtures/proto'] });
  if (issues.length > 0) throw new Error(`cannot load ${PATHS_PROTO}: ${JSON.stringify(issues)}`);
  const service = root.lookupService(PATHS_SERVICE);
  const handlers: grpc.UntypedServiceImplementation = {};
  for (const method of service.methodsArray) {
    handlers[method.name] = (call: grpc.ServerUnaryCall<PlainMessage, PlainMessage>, callback: grpc.sendUnaryData<PlainMessage>) => {
      const trailer = new grpc.Metadata();
      trailer.set('x-method', method.name);
      callback(null, { ...call.request, method: method.name }, trailer);
    };
  }
  const server = new grpc.Server();
  server.addService(serviceDefinition(service), handlers);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error === null ? resolve(bound) : reject(error)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
