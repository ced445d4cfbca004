import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDirectoryService, type DirectoryService } from '../../src/demo/grpc-directory-service.js';
import { GrpcStatus } from '../../src/errors/grpc-status.js';
import { clientStreamCall, createGrpcChannel, duplexCall, type GrpcChannel } from '../../src/grpc/client/index.js';
import { loadProtos } from '../../src/grpc/protos/load-protos.js';

const protoDir = path.resolve('proto');
const { root } = loadProtos([path.join(protoDir, 'demo/directory/v1/directory.proto')], { includeDirs: [protoDir] });
const ImportRequest = root.lookupType('demo.directory.v1.ImportPeopleRequest');
const ImportResponse = root.lookupType('demo.directory.v1.ImportPeopleResponse');
const GetPersonRequest = root.lookupType('demo.directory.v1.GetPersonRequest');
const Person = root.lookupType('demo.directory.v1.Person');
const SERVICE = '/demo.directory.v1.Directory';

const importMessage = (name: string): Uint8Array => ImportRequest.encode(ImportRequest.fromObject({ team: 'ops', person: { display_name: name } })).finish();
const lookupMessage = (id: string): Uint8Array => GetPersonRequest.encode(GetPersonRequest.fromObject({ id })).finish();

let service: DirectoryService;

beforeAll(async () => {
  service = await startDirectoryService({ port: 0 });
});

afterAll(async () => {
  await service.close();
});

/** A fresh channel: its first call waits for the connection, so sends before it are queued. */
async function withChannel<T>(run: (channel: GrpcChannel) => Promise<T>): Promise<T> {
  const channel = createGrpcChannel(service.url, { connectMs: 2_000 });
  try {
    return await run(channel);
  } finally {
    await channel.close();
  }
}

describe('clientStreamCall', () => {
  it('sends many messages with backpressure (send → false, onDrain) and gets the one response', async () => {
    const result = await withChannel(async (channel) => {
      const count = 3_000;
      let sent = 0;
      let waits = 0;
      const call = clientStreamCall(channel, { path: `${SERVICE}/ImportPeople`, deadlineMs: 5_000 }, () => pump());
      const name = 'n'.repeat(200);
      function pump(): void {
        while (sent < count) {
          sent++;
          if (!call.send(importMessage(name))) {
            waits++;
            return;
          }
        }
        call.end();
      }
      pump();
      const outcome = await call.result;
      expect(waits).toBeGreaterThan(0);
      return outcome;
    });
    expect([result.status, result.message]).toEqual([GrpcStatus.OK, 'OK']);
    const response = ImportResponse.toObject(ImportResponse.decode(result.responseBytes ?? new Uint8Array()));
    expect(response['imported']).toBe(3_000);
    expect(response['per_team']).toEqual({ ops: 3_000 });
  });

  it('a server that answers before the client ends settles the call at once', async () => {
    const result = await withChannel(async (channel) => {
      const call = clientStreamCall(channel, { path: `${SERVICE}/ImportPeople`, deadlineMs: 5_000 });
      call.send(importMessage('One'));
      call.send(ImportRequest.encode(ImportRequest.fromObject({ person: { email: 'x@example.com' } })).finish());
      const outcome = await call.result; // never ended by the client
      expect(call.send(importMessage('Late'))).toBe(true); // ignored after the end
      return outcome;
    });
    expect([result.status, result.message]).toEqual([GrpcStatus.INVALID_ARGUMENT, 'person 2: display_name is required']);
  });

  it('the deadline covers the whole call', async () => {
    const result = await withChannel((channel) => clientStreamCall(channel, { path: `${SERVICE}/ImportPeople`, deadlineMs: 100 }).result);
    expect(result.status).toBe(GrpcStatus.DEADLINE_EXCEEDED);
  });

  it('cancel resets the stream; the server sees it', async () => {
    const before = service.stats.cancelled;
    const result = await withChannel(async (channel) => {
      const call = clientStreamCall(channel, { path: `${SERVICE}/ImportPeople`, deadlineMs: 5_000 });
      call.send(importMessage('One'));
      const deadline = Date.now() + 2_000;
      const messages = service.stats.messages;
      while (service.stats.messages === messages && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      call.cancel();
      return call.result;
    });
    expect(result.status).toBe(GrpcStatus.CANCELLED);
    const deadline = Date.now() + 2_000;
    while (service.stats.cancelled === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(service.stats.cancelled).toBe(before + 1);
  });
});

describe('duplexCall', () => {
  it('interleaves: each response arrives while the request side is open; ends OK after end()', async () => {
    const events = await withChannel(
      (channel) =>
        new Promise<string[]>((resolve) => {
          const seen: string[] = [];
          const ids = ['42', '7'];
          const call = duplexCall(channel, { path: `${SERVICE}/LookupPeople`, metadata: { 'x-request-id': 'duplex-1' }, deadlineMs: 5_000 }, {
            onHeaders: (metadata) => seen.push(`headers ${String(metadata['x-request-id'])}`),
            onMessage(bytes) {
              seen.push(`person ${String(Person.toObject(Person.decode(bytes))['id'])}`);
              const next = ids.shift();
              if (next === undefined) call.end();
              else call.send(lookupMessage(next));
            },
            onEnd: (status, message) => {
              seen.push(`end ${status} ${message}`);
              resolve(seen);
            },
          });
          call.send(lookupMessage('1'));
        }),
    );
    expect(events).toEqual(['headers duplex-1', 'person 1', 'person 42', 'person 7', `end ${GrpcStatus.OK} OK`]);
  });

  it('a status ending the stream mid-way is reported after the messages before it', async () => {
    const events = await withChannel(
      (channel) =>
        new Promise<string[]>((resolve) => {
          const seen: string[] = [];
          const call = duplexCall(channel, { path: `${SERVICE}/LookupPeople`, deadlineMs: 5_000 }, {
            onHeaders: () => undefined,
            onMessage: (bytes) => void seen.push(`person ${String(Person.toObject(Person.decode(bytes))['id'])}`),
            onEnd: (status, message) => {
              seen.push(`end ${status} ${message}`);
              resolve(seen);
            },
          });
          call.send(lookupMessage('3'));
          call.send(lookupMessage('99'));
        }),
    );
    expect(events).toEqual(['person 3', `end ${GrpcStatus.NOT_FOUND} person "99" not found`]);
  });
});
