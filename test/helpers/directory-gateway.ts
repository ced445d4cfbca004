import type { Gateway } from '../../src/app.js';
import type { PersonObject } from '../../src/demo/directory-data.js';
import { startDirectoryService, type DirectoryService } from '../../src/demo/grpc-directory-service.js';
import { grpcUpstream, http1AndH2c, startGateway } from './start-gateway.js';

/** The gateway publishing the demo directory (HTTP/1.1 and h2c listeners on port 0) in front of a real grpc-js directory. */
export interface DirectoryGateway {
  readonly gateway: Gateway;
  readonly directory: DirectoryService;
  /** `http://127.0.0.1:PORT` of the HTTP/1.1 listener. */
  readonly http1: string;
  /** `http://127.0.0.1:PORT` of the h2c listener. */
  readonly h2c: string;
  close(): Promise<void>;
}

/**
 * Starts both; `overrides` is merged over the config data (per top-level key). Given as a function it sees the
 * directory, e.g. to list its upstream beside others.
 */
export async function startDirectoryGateway(
  overrides: Record<string, unknown> | ((directory: DirectoryService) => Record<string, unknown>) = {},
): Promise<DirectoryGateway> {
  const directory = await startDirectoryService({ host: '127.0.0.1', port: 0 });
  const { gateway, http1, h2c } = await startGateway({
    listeners: http1AndH2c(),
    upstreams: { directory: grpcUpstream(directory.url, 5000) },
    protos: { files: ['proto/demo/directory/v1/directory.proto'] },
    grpc: { services: { 'demo.directory.v1.Directory': { upstream: 'directory' } } },
    ...(typeof overrides === 'function' ? overrides(directory) : overrides),
  });
  return {
    gateway,
    directory,
    http1,
    h2c,
    async close() {
      await gateway.close(500);
      await directory.close();
    },
  };
}

/** Polls until `test()` holds (or `timeoutMs` passes); resolves with whether it held. */
export async function eventually(test: () => boolean, timeoutMs = 2_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!test() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  return test();
}

/** A demo person in the proto3 JSON mapping, keys in field order (as the gateway writes them). */
export function personJson(person: PersonObject): string {
  const joinedAt = new Date(Number(person.joined_at.seconds) * 1000).toISOString().replace('.000Z', 'Z');
  return JSON.stringify({
    id: person.id,
    displayName: person.display_name,
    email: person.email,
    level: person.level,
    teams: person.teams,
    employeeNumber: person.employee_number,
    joinedAt,
  });
}

/**
 * Person 42 of the demo directory as the gateway answers it, written out rather than derived from the data: int64
 * above 2^53 as an exact string, the enum by name, the Timestamp in RFC 3339.
 */
export const ADA = {
  id: '42',
  displayName: 'Ada Lovelace',
  email: 'ada@example.com',
  level: 'SENIOR',
  teams: ['ops', 'dev'],
  employeeNumber: '9007199254740993',
  joinedAt: '2020-01-02T03:04:05Z',
};
