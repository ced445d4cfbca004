// Client CPU per unary gRPC call: our lean HTTP/2 transport (src/grpc/client/h2/) against the previous node:http2
// stream per call and against @grpc/grpc-js, with a grpc-js server in a child process (so this process's CPU is the
// client's), 50 calls in flight, 127.0.0.1, about 10 s in all.
//
//   npx tsc -p tsconfig.json && node bench/grpc-client.mjs
//
// GRPC_CLIENT_MODULE points at another build of src/grpc/client/index (e.g. `tsc --outDir /tmp/x`);
// BENCH_SECONDS sets the measured time per round (default 1.2; 2 rounds per transport, after a warm-up);
// BENCH_CONCURRENCY the calls in flight (default 50).
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';
import * as grpc from '@grpc/grpc-js';

const PATH = '/bench.users.v1.UserService/GetUser';
const identity = (bytes) => bytes;
// About the size of a GetUser request and response.
const REQUEST = Buffer.from('0a023432', 'hex');
const RESPONSE = Buffer.alloc(120, 0x61);

if (process.argv[2] === '--server') {
  const server = new grpc.Server();
  const method = {
    path: PATH, requestStream: false, responseStream: false,
    requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity,
  };
  server.addService({ GetUser: method }, { GetUser: (_call, callback) => callback(null, RESPONSE) });
  server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
    if (error) throw error;
    process.send?.({ port });
  });
  process.on('disconnect', () => process.exit(0));
} else {
  await main();
}

async function main() {
  const modulePath = process.env.GRPC_CLIENT_MODULE
    ? pathToFileURL(process.env.GRPC_CLIENT_MODULE).href
    : new URL('../dist/src/grpc/client/index.js', import.meta.url).href;
  const { createGrpcChannel, unaryCall } = await import(modulePath);
  const seconds = Number(process.env.BENCH_SECONDS ?? 1.2);
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 50);

  const child = fork(new URL(import.meta.url), ['--server'], { stdio: 'inherit' });
  const [{ port }] = await once(child, 'message');
  const target = `http://127.0.0.1:${port}`;
  const metadata = { 'x-request-id': '9b0c6d8e-1f2a-4b3c-8d4e-5f6a7b8c9d0e' };

  const lean = createGrpcChannel(target, { connectMs: 2_000 });
  const legacy = createGrpcChannel(target, { connectMs: 2_000, transport: 'node-http2' });
  const stock = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const grpcMetadata = new grpc.Metadata();
  grpcMetadata.set('x-request-id', metadata['x-request-id']);

  const viaChannel = (channel) => async () => {
    const result = await unaryCall(channel, { path: PATH, requestBytes: REQUEST, metadata, deadlineMs: 5_000 });
    if (result.status !== 0 || result.responseBytes.length !== RESPONSE.length) throw new Error(`call failed: ${result.message}`);
  };
  const viaGrpcJs = () =>
    new Promise((resolve, reject) => {
      stock.makeUnaryRequest(PATH, identity, identity, REQUEST, grpcMetadata, { deadline: Date.now() + 5_000 }, (error, response) =>
        error ? reject(error) : response.length === RESPONSE.length ? resolve() : reject(new Error('bad response')),
      );
    });
  const transports = [
    ['lean h2 (ours, raw socket)', viaChannel(lean)],
    ['node:http2 stream per call (previous)', viaChannel(legacy)],
    ['@grpc/grpc-js client', viaGrpcJs],
  ];

  // Closed loop: each of `concurrency` workers starts its next call when the previous one ends.
  async function run(callOnce, durationMs) {
    let calls = 0;
    const until = performance.now() + durationMs;
    const worker = async () => {
      while (performance.now() < until) {
        await callOnce();
        calls++;
      }
    };
    const cpu = process.cpuUsage();
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    const elapsed = performance.now() - started;
    const used = process.cpuUsage(cpu);
    return { calls, elapsed, cpuUs: used.user + used.system };
  }

  const totals = new Map(transports.map(([name]) => [name, { calls: 0, elapsed: 0, cpuUs: 0 }]));
  for (const [, callOnce] of transports) await run(callOnce, 300);
  // Rounds alternate the transports so drift on a noisy machine spreads over all of them.
  for (let round = 0; round < 2; round++) {
    for (const [name, callOnce] of transports) {
      const { calls, elapsed, cpuUs } = await run(callOnce, seconds * 1_000);
      const total = totals.get(name);
      total.calls += calls;
      total.elapsed += elapsed;
      total.cpuUs += cpuUs;
    }
  }

  console.log(`node ${process.version}, ${concurrency} calls in flight, ${2 * seconds} s per transport, client process CPU only`);
  console.log('transport                              calls/s   client CPU µs/call');
  for (const [name, { calls, elapsed, cpuUs }] of totals) {
    console.log(`${name.padEnd(38)} ${String(Math.round((calls * 1_000) / elapsed)).padStart(7)}   ${(cpuUs / calls).toFixed(1).padStart(8)}`);
  }

  stock.close();
  await Promise.all([lean.close(), legacy.close()]);
  child.disconnect();
}
