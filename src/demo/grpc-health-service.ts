/**
 * `grpc.health.v1.Health/Check` for the demo gRPC servers (grpc/doc/health-checking.md), so the gateway's health
 * checks have something real to ask. The two messages are declared here with protobufjs rather than loaded from a
 * file: the gateway itself never needs health.proto.
 */
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { serviceDefinition, type PlainMessage } from './grpc-demo-codec.js';

/** The statuses a demo server can be switched to. */
export type DemoServingStatus = 'SERVING' | 'NOT_SERVING';

/** The health of a running demo server: what Check answers, per service name. */
export interface DemoHealth {
  /** Sets what Check answers for `service` ('' — the default — is the server as a whole). */
  set(status: DemoServingStatus, service?: string): void;
}

let healthService: protobuf.Service | undefined;

function lookupHealthService(): protobuf.Service {
  healthService ??= protobuf.Root.fromJSON({
    nested: {
      grpc: {
        nested: {
          health: {
            nested: {
              v1: {
                nested: {
                  HealthCheckRequest: { fields: { service: { type: 'string', id: 1 } } },
                  HealthCheckResponse: {
                    fields: { status: { type: 'ServingStatus', id: 1 } },
                    nested: { ServingStatus: { values: { UNKNOWN: 0, SERVING: 1, NOT_SERVING: 2, SERVICE_UNKNOWN: 3 } } },
                  },
                  Health: { methods: { Check: { requestType: 'HealthCheckRequest', responseType: 'HealthCheckResponse', comment: 'The health of the server ("") or of one service.' } } },
                },
              },
            },
          },
        },
      },
    },
  }).lookupService('grpc.health.v1.Health');
  return healthService;
}

/**
 * Adds the health service to `server`: the server as a whole ('') and each of `services` start SERVING; Check for
 * any other name fails NOT_FOUND, as health-checking.md asks.
 */
export function addHealthService(server: grpc.Server, services: readonly string[]): DemoHealth {
  const statuses = new Map<string, DemoServingStatus>([['', 'SERVING'], ...services.map((name) => [name, 'SERVING'] as const)]);
  const check: grpc.handleUnaryCall<PlainMessage, PlainMessage> = (call, callback) => {
    const service = typeof call.request['service'] === 'string' ? call.request['service'] : '';
    const status = statuses.get(service);
    if (status === undefined) callback({ code: grpc.status.NOT_FOUND, details: `unknown service "${service}"` });
    else callback(null, { status });
  };
  server.addService(serviceDefinition(lookupHealthService()), { Check: check });
  return {
    set(status, service = '') {
      statuses.set(service, status);
    },
  };
}
