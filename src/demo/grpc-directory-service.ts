/**
 * The demo gRPC backend: a real `@grpc/grpc-js` server (h2c, insecure credentials) implementing
 * `demo.directory.v1.Directory` from proto/demo/directory/v1/directory.proto over the data of directory-data.ts.
 * The grpc-js service definition is built by hand from the protobufjs types that `loadProtos` resolves.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import type protobuf from 'protobufjs';
import { loadProtos } from '../grpc/protos/load-protos.js';
import { serviceDefinition, type PlainMessage } from './grpc-demo-codec.js';
import { findPerson, LEVELS, levelName, PEOPLE, PEOPLE_COUNT, type PersonObject } from './directory-data.js';
import { addHealthService, type DemoHealth } from './grpc-health-service.js';
import { directoryStreamHandlers } from './grpc-directory-streams.js';

type Obj = PlainMessage;

/** Fully qualified name of the service implemented here. */
export const DIRECTORY_SERVICE = 'demo.directory.v1.Directory';

/** Largest `page_size` ListPeople accepts; above it the call fails OUT_OF_RANGE. */
export const MAX_PAGE_SIZE = 50;
const DEFAULT_PAGE_SIZE = 10;
/** People WatchPeople streams when the request's `limit` is 0. */
const DEFAULT_WATCH_LIMIT = 5;
/** Upper bound of the `x-delay-ms` request metadata (a test hook for deadlines and cancellation). */
const MAX_DELAY_MS = 10_000;

/** Counters of a running {@link startDirectoryService}. */
export interface DirectoryStats {
  /** Calls received, any method, any outcome. */
  calls: number;
  /** Calls the client cancelled (RST_STREAM, deadline) before the answer was sent. */
  cancelled: number;
  /** Request messages received by the client-streaming and bidi methods (ImportPeople, LookupPeople). */
  messages: number;
}

/** A running demo directory: its origin (`http://host:port`), counters, and a way to stop it. */
export interface DirectoryService {
  readonly url: string;
  readonly port: number;
  readonly stats: DirectoryStats;
  /** Its grpc.health.v1 service (the server and `demo.directory.v1.Directory` start SERVING); undefined with `health: false`. */
  readonly health: DemoHealth | undefined;
  /** Stops accepting calls, gives in-flight ones a second, then closes every session. */
  close(): Promise<void>;
}

/** TLS for {@link startDirectoryService}: PEM certificate and key; with `clientCa`, clients must present a certificate it signed (mTLS). */
export interface DirectoryTls {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly clientCa?: Buffer;
}

/** A non-OK answer: its status, message and optional `google.rpc.BadRequest` field violations. */
class StatusError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
    readonly violations: readonly { field: string; description: string }[] = [],
  ) {
    super(message);
  }
}

interface DirectoryProtos {
  readonly service: protobuf.Service;
  readonly status: protobuf.Type;
  readonly badRequest: protobuf.Type;
}

let loaded: DirectoryProtos | undefined;

/** The repo root: the first ancestor of this module holding `proto/demo` (works from src/ and dist/src/). */
function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'proto', 'demo'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the proto/demo directory above the demo directory service');
    dir = parent;
  }
}

/** Loads directory.proto and google/rpc/{status,error_details}.proto once, failing on any issue. */
function protos(): DirectoryProtos {
  if (loaded !== undefined) return loaded;
  const protoDir = path.join(repoRoot(), 'proto');
  const require = createRequire(import.meta.url);
  const rpcDir = path.join(path.dirname(require.resolve('google-proto-files/package.json')), 'google', 'rpc');
  const files = [
    path.join(protoDir, 'demo', 'directory', 'v1', 'directory.proto'),
    path.join(rpcDir, 'status.proto'),
    path.join(rpcDir, 'error_details.proto'),
  ];
  const { root, issues } = loadProtos(files, { includeDirs: [protoDir] });
  if (issues.length > 0) {
    throw new Error(`cannot load the directory protos: ${issues.map((issue) => `${issue.file}: ${issue.message}`).join('; ')}`);
  }
  loaded = {
    service: root.lookupService(DIRECTORY_SERVICE),
    status: root.lookupType('google.rpc.Status'),
    badRequest: root.lookupType('google.rpc.BadRequest'),
  };
  return loaded;
}

/** `grpc-status-details-bin`: a `google.rpc.Status` with one `google.rpc.BadRequest` packed into an `Any`. */
function statusDetails(error: StatusError): Buffer {
  const { status, badRequest } = protos();
  const detail = badRequest.encode(badRequest.fromObject({ field_violations: error.violations })).finish();
  const message = status.fromObject({
    code: error.code,
    message: error.message,
    details: [{ type_url: 'type.googleapis.com/google.rpc.BadRequest', value: detail }],
  });
  return Buffer.from(status.encode(message).finish());
}

function toServiceError(error: unknown): Partial<grpc.StatusObject> {
  if (!(error instanceof StatusError)) {
    return { code: grpc.status.INTERNAL, details: error instanceof Error ? error.message : String(error) };
  }
  const metadata = new grpc.Metadata();
  if (error.violations.length > 0) metadata.set('grpc-status-details-bin', statusDetails(error));
  return { code: error.code, details: error.message, metadata };
}

/** GetPerson / PromotePerson lookup: "0" (and "") are invalid with a BadRequest detail, other misses NOT_FOUND. */
function lookup(id: string): PersonObject {
  if (id === '0' || id === '') {
    throw new StatusError(grpc.status.INVALID_ARGUMENT, `invalid person id "${id}"`, [
      { field: 'id', description: `must be 1..${PEOPLE_COUNT}` },
    ]);
  }
  const person = findPerson(id);
  if (person === undefined) throw new StatusError(grpc.status.NOT_FOUND, `person "${id}" not found`);
  return person;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function num(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

type Handler = (request: Obj) => Obj;

/**
 * The methods. Nothing is stored: CreatePerson answers the new person as id "51" and PromotePerson the person
 * with its new level, so every run answers the same.
 */
const HANDLERS: Readonly<Record<string, Handler>> = {
  GetPerson: (request) => ({ ...lookup(str(request['id'])) }),

  GetMember: (request) => {
    const match = /^teams\/([^/]+)\/members\/([^/]+)$/.exec(str(request['name']));
    if (match === null) throw new StatusError(grpc.status.INVALID_ARGUMENT, 'name must be teams/{team}/members/{id}');
    const person = lookup(match[2] ?? '');
    if (!person.teams.includes(match[1] ?? '')) throw new StatusError(grpc.status.NOT_FOUND, `${str(request['name'])} not found`);
    return { ...person };
  },

  ListPeople: (request) => {
    const requested = num(request['page_size']);
    if (requested < 0) throw new StatusError(grpc.status.INVALID_ARGUMENT, 'page_size must not be negative');
    if (requested > MAX_PAGE_SIZE) {
      throw new StatusError(grpc.status.OUT_OF_RANGE, `page_size ${requested} is above the maximum of ${MAX_PAGE_SIZE}`);
    }
    const pageSize = requested === 0 ? DEFAULT_PAGE_SIZE : requested;
    const team = str(request['team']);
    const minLevel = LEVELS[levelName(request['min_level'])];
    const matches = PEOPLE.filter((person) => (team === '' || person.teams.includes(team)) && LEVELS[person.level] >= minLevel);
    return { people: matches.slice(0, pageSize), total: matches.length };
  },

  CreatePerson: (request) => {
    const person = request['person'];
    const given = typeof person === 'object' && person !== null ? (person as Obj) : {};
    if (str(given['display_name']).trim() === '') {
      throw new StatusError(grpc.status.INVALID_ARGUMENT, 'person.display_name is required', [
        { field: 'person.display_name', description: 'must not be empty' },
      ]);
    }
    return { ...given, id: String(PEOPLE_COUNT + 1) };
  },

  PromotePerson: (request) => {
    const person = lookup(str(request['id']));
    const level = levelName(request['level']);
    if (level === 'LEVEL_UNSPECIFIED') {
      throw new StatusError(grpc.status.FAILED_PRECONDITION, 'level must be JUNIOR, SENIOR or PRINCIPAL');
    }
    return { ...person, level };
  },

  Ping: (request) => {
    const now = Date.now();
    return { message: str(request['message']), at: { seconds: String(Math.floor(now / 1000)), nanos: (now % 1000) * 1_000_000 } };
  },
};

/** `x-delay-ms` request metadata (0…10 000): how long to wait before answering. */
function delayOf(metadata: grpc.Metadata): number {
  const value = metadata.get('x-delay-ms')[0];
  const ms = typeof value === 'string' && /^\d{1,5}$/.test(value) ? Number(value) : 0;
  return Math.min(ms, MAX_DELAY_MS);
}

/** Wraps a handler: counts the call, echoes `x-request-id` as initial metadata, honours `x-delay-ms`. */
function unary(handler: Handler, stats: DirectoryStats): grpc.handleUnaryCall<Obj, Obj> {
  return (call, callback) => {
    stats.calls++;
    let cancelled = false;
    call.on('cancelled', () => {
      cancelled = true;
      stats.cancelled++;
    });
    const requestId = call.metadata.get('x-request-id')[0];
    if (typeof requestId === 'string') {
      const initial = new grpc.Metadata();
      initial.set('x-request-id', requestId);
      call.sendMetadata(initial);
    }
    const answer = (): void => {
      if (cancelled) return;
      let response: Obj;
      try {
        response = handler(call.request);
      } catch (error) {
        callback(toServiceError(error));
        return;
      }
      callback(null, response);
    };
    const delay = delayOf(call.metadata);
    if (delay > 0) setTimeout(answer, delay);
    else answer();
  };
}

/**
 * WatchPeople (server streaming): up to `limit` (0 → 5) people of `team` (every team when empty), the first at
 * once and the next ones `interval_ms` apart (≤ 10 000). `fail_after` > 0 ends the stream ABORTED "watch
 * interrupted" after that many messages (or after the last match, when fewer match); `fail_after` -1 fails
 * NOT_FOUND before the first message; a negative `limit` is INVALID_ARGUMENT. Client cancellation stops it.
 */
function watchPeople(stats: DirectoryStats): grpc.handleServerStreamingCall<Obj, Obj> {
  return (call) => {
    stats.calls++;
    let timer: NodeJS.Timeout | undefined;
    let cancelled = false;
    call.on('cancelled', () => {
      cancelled = true;
      stats.cancelled++;
      if (timer !== undefined) clearTimeout(timer);
    });
    const requestId = call.metadata.get('x-request-id')[0];
    if (typeof requestId === 'string') {
      const initial = new grpc.Metadata();
      initial.set('x-request-id', requestId);
      call.sendMetadata(initial);
    }
    const fail = (error: StatusError): void => {
      // grpc-js ends a server stream with the status of an 'error' event (ServerWritableStreamImpl).
      call.emit('error', { ...toServiceError(error), name: 'StatusError', message: error.message });
    };
    const request = call.request;
    const team = str(request['team']);
    const limit = num(request['limit']);
    const failAfter = num(request['fail_after']);
    const interval = Math.min(Math.max(num(request['interval_ms']), 0), MAX_DELAY_MS);
    if (limit < 0) return fail(new StatusError(grpc.status.INVALID_ARGUMENT, 'limit must not be negative'));
    if (failAfter === -1) return fail(new StatusError(grpc.status.NOT_FOUND, `team "${team}" not found`));
    const people = PEOPLE.filter((person) => team === '' || person.teams.includes(team)).slice(0, limit === 0 ? DEFAULT_WATCH_LIMIT : limit);
    const stop = failAfter > 0 ? Math.min(failAfter, people.length) : people.length;
    let sent = 0;
    const next = (): void => {
      timer = undefined;
      if (cancelled) return;
      if (sent === stop) {
        if (failAfter > 0) fail(new StatusError(grpc.status.ABORTED, 'watch interrupted'));
        else call.end();
        return;
      }
      call.write({ ...people[sent] });
      sent++;
      if (sent < stop && interval > 0) timer = setTimeout(next, interval);
      else next();
    };
    next();
  };
}

/**
 * Starts the demo directory (`demo.directory.v1.Directory`) on `opts.host:opts.port` (127.0.0.1 and an ephemeral
 * port by default), gRPC over HTTP/2 cleartext.
 *
 * - GetPerson: people "1"…"50" (42 is Ada Lovelace); `"0"` → INVALID_ARGUMENT with a `google.rpc.BadRequest`
 *   in `grpc-status-details-bin` (field `id`, "must be 1..50"); any other unknown id → NOT_FOUND `person "<id>" not found`
 * - ListPeople: filters by `team` and `min_level`; `page_size` 0 → 10, above 50 → OUT_OF_RANGE; `total` counts
 *   all matches
 * - CreatePerson: echoes `person` with id "51"; an empty `display_name` → INVALID_ARGUMENT (with BadRequest)
 * - PromotePerson: the person with the new level; LEVEL_UNSPECIFIED → FAILED_PRECONDITION
 * - WatchPeople (server streaming): up to `limit` people of `team`, `interval_ms` apart; `fail_after` n > 0 ends
 *   ABORTED after n messages, -1 fails NOT_FOUND before the first (see {@link watchPeople})
 * - Ping: echoes `message`, `at` = now
 * - ImportPeople (client streaming), LookupPeople (bidi), ExportPeople (HttpBody stream), SetAvatar and GetAvatar
 *   (HttpBody request field / response): see grpc-directory-streams.ts
 *
 * Every call echoes request metadata `x-request-id` as initial metadata; `x-delay-ms` (≤ 10 000) delays the answer.
 * `grpc.health.v1.Health/Check` answers too (see {@link DirectoryService.health}) unless `opts.health` is false;
 * `opts.tls` serves over TLS (and mTLS with `clientCa`) instead of h2c.
 */
export async function startDirectoryService(opts: { host?: string; port?: number; health?: boolean; tls?: DirectoryTls }): Promise<DirectoryService> {
  const host = opts.host ?? '127.0.0.1';
  const { service } = protos();
  const stats: DirectoryStats = { calls: 0, cancelled: 0, messages: 0 };
  const implementation: grpc.UntypedServiceImplementation = {};
  const streamHandlers = directoryStreamHandlers(stats);
  for (const method of service.methodsArray) {
    const streamHandler = streamHandlers[method.name];
    if (streamHandler !== undefined) {
      implementation[method.name] = streamHandler;
      continue;
    }
    if (method.name === 'WatchPeople') {
      implementation[method.name] = watchPeople(stats);
      continue;
    }
    const handler = HANDLERS[method.name];
    if (handler === undefined) throw new Error(`no handler for ${DIRECTORY_SERVICE}/${method.name}`);
    implementation[method.name] = unary(handler, stats);
  }
  const server = new grpc.Server();
  server.addService(serviceDefinition(service), implementation);
  const health = opts.health === false ? undefined : addHealthService(server, [DIRECTORY_SERVICE]);
  const tls = opts.tls;
  const credentials =
    tls === undefined
      ? grpc.ServerCredentials.createInsecure()
      : grpc.ServerCredentials.createSsl(tls.clientCa ?? null, [{ cert_chain: tls.cert, private_key: tls.key }], tls.clientCa !== undefined);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${urlHost}:${opts.port ?? 0}`, credentials, (error, bound) =>
      error === null ? resolve(bound) : reject(error),
    );
  });
  return {
    url: `${tls === undefined ? 'http' : 'https'}://${urlHost}:${port}`,
    port,
    stats,
    health,
    close: () =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.forceShutdown(), 1_000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
