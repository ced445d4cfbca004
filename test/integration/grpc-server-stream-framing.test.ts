import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createGrpcChannel, serverStreamCall, type GrpcChannel } from '../../src/grpc/client/index.js';

/** A raw HTTP/2 server that answers with hand-cut gRPC frames, to exercise framing the grpc-js server never produces. */
let server: http2.Http2Server;
let channel: GrpcChannel;
let writes: Buffer[][] = [];

function frame(text: string): Buffer {
  const body = Buffer.from(text);
  const out = Buffer.alloc(5 + body.length);
  out.writeUInt32BE(body.length, 1);
  body.copy(out, 5);
  return out;
}

beforeAll(async () => {
  server = http2.createServer();
  server.on('stream', (stream) => {
    stream.on('data', () => undefined);
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    const chunks = writes.shift() ?? [];
    let index = 0;
    const next = (): void => {
      const chunk = chunks[index++];
      if (chunk === undefined) {
        stream.end();
        return;
      }
      stream.write(chunk);
      setTimeout(next, 10);
    };
    next();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  channel = createGrpcChannel(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { connectMs: 1000 });
});

afterAll(async () => {
  await channel.close();
  await new Promise((resolve) => server.close(resolve));
});

function collect(): Promise<{ messages: string[]; status: number }> {
  return new Promise((resolve) => {
    const messages: string[] = [];
    serverStreamCall(
      channel,
      { path: '/test.Svc/Watch', requestBytes: new Uint8Array() },
      {
        onHeaders: () => undefined,
        onMessage: (bytes) => {
          messages.push(Buffer.from(bytes).toString());
        },
        onEnd: (status) => resolve({ messages, status }),
      },
    );
  });
}

it('several messages in one DATA frame, and one message split across frames (even inside its 5-byte prefix)', async () => {
  const split = frame('third message');
  writes = [[Buffer.concat([frame('first'), frame('second')]), split.subarray(0, 3), split.subarray(3, 9), split.subarray(9), frame('')]];
  expect(await collect()).toEqual({ messages: ['first', 'second', 'third message', ''], status: 0 });
});

it('a stream cut off in the middle of a message ends INTERNAL', async () => {
  writes = [[frame('whole'), frame('cut off').subarray(0, 8)]];
  const result = await collect();
  expect(result.messages).toEqual(['whole']);
  expect(result.status).toBe(13); // INTERNAL
});
