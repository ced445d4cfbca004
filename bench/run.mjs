// End-to-end benchmark: demo backends alone ("direct") and through the gateway (REST, mapping, gRPC and SOAP
// routes) with autocannon, then the open-loop latency the gateway adds (latency.mjs).
// Bounded (DURATION seconds per row, 127.0.0.1 only). Usage: npm run bench  [DURATION=10 CONNECTIONS=50]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { measureLatency } from './latency.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const duration = Math.min(Number(process.env.DURATION ?? 10), 120);
const connections = Number(process.env.CONNECTIONS ?? 50);
const BACKEND = 'http://127.0.0.1:9201';
const GATEWAY = 'http://127.0.0.1:9280';

function startProcess(args, readyText) {
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk) => {
      seen += chunk.toString();
      if (seen.includes(readyText)) {
        child.stdout.off('data', onData);
        child.stdout.resume();
        resolve(child);
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${seen}`)));
  });
}

function cpuOf(pid) {
  // utime + stime in clock ticks from /proc (Linux): CPU spent by the process, to compute µs per request.
  return import('node:fs').then(({ readFileSync }) => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * (1e6 / 100);
  });
}

async function load(name, url, options, pid) {
  await autocannon({ url, connections, duration: 2, ...options }); // warm-up: JIT, pools
  const cpuBefore = pid === undefined ? 0 : await cpuOf(pid);
  const result = await autocannon({ url, connections, duration, ...options });
  const cpuAfter = pid === undefined ? 0 : await cpuOf(pid);
  const ok = result.non2xx === 0 && result.errors === 0;
  return {
    name,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    usPerReq: pid === undefined ? '-' : ((cpuAfter - cpuBefore) / result.requests.total).toFixed(1),
    ok,
  };
}

const body = JSON.stringify({
  name: 'Benchmark User',
  email: 'bench@example.com',
  tags: Array.from({ length: 140 }, (_, i) => ['admin', 'ops', 'dev', 'sales'][i % 4]),
});

const backend = await startProcess(['bench/backend.mjs', 'users', '9201'], 'ready');
const inventory = await startProcess(['bench/backend.mjs', 'inventory', '9202'], 'ready');
const carts = await startProcess(['bench/backend.mjs', 'carts', '9203'], 'ready');
const directory = await startProcess(['bench/backend.mjs', 'directory', '9204'], 'ready');
const orders = await startProcess(['bench/backend.mjs', 'orders', '9205'], 'ready');
// The direct SOAP row posts the envelope a SOAP client would, recorded from the fixture (GetOrder ORD-1001).
const soapEnvelope = readFileSync(path.join(root, 'legacy-fixtures/order-service/recordings/soap11-get-order.request.xml'), 'utf8');
const soapPost = { method: 'POST', body: soapEnvelope, headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"urn:acme:orders:v1/GetOrder"' } };
const gateway = await startProcess(['dist/src/cli.js', 'start', 'bench/gateway.bench.yaml'], '"msg":"listening"');
try {
  const post = { method: 'POST', body, headers: { 'content-type': 'application/json' } };
  const rows = [
    await load('GET small JSON, direct', `${BACKEND}/users/42`, {}),
    await load('GET small JSON, gateway', `${GATEWAY}/api/users/42`, {}, gateway.pid),
    await load(`POST ${body.length} B JSON, direct`, `${BACKEND}/users`, post),
    await load(`POST ${body.length} B JSON validated, gateway`, `${GATEWAY}/api/users`, post, gateway.pid),
    await load('GET /m/api/cart: cart + batch products (2 upstreams, mapping)', `${GATEWAY}/m/api/cart`, { headers: { 'x-user-id': '7' } }, gateway.pid),
    await load('GET /v1/people/42, REST -> gRPC (google.api.http rule)', `${GATEWAY}/v1/people/42`, {}, gateway.pid),
    await load('POST GetOrder envelope, SOAP direct', 'http://127.0.0.1:9205/orders', soapPost),
    await load('GET /api/orders/ORD-1001, REST -> SOAP (mapping, GetOrder)', `${GATEWAY}/api/orders/ORD-1001`, {}, gateway.pid),
  ];
  // Rows compared with the one before them ("vs direct"); the others stand alone.
  const BASELINE_BEFORE = new Set([1, 3, 7]);
  console.log(`\n${os.cpus()[0]?.model} x${os.cpus().length}, node ${process.version}, ${new Date().toISOString()}`);
  console.log(`autocannon, ${connections} connections, ${duration} s per row (after 2 s warm-up)\n`);
  console.log('| scenario | req/s | p50 ms | p99 ms | errors | gateway CPU µs/req | vs direct |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const ratio = BASELINE_BEFORE.has(i) ? (row.rps / rows[i - 1].rps).toFixed(2) : BASELINE_BEFORE.has(i + 1) ? '1.00' : '-';
    console.log(`| ${row.name} | ${row.rps} | ${row.p50} | ${row.p99} | ${row.errors} | ${row.usPerReq} | ${ratio} |`);
  }
  const rate = Number(process.env.RATE ?? 2000);
  const direct = await measureLatency(`${BACKEND}/users/42`, { rate, seconds: duration, connections });
  const through = await measureLatency(`${GATEWAY}/api/users/42`, { rate, seconds: duration, connections });
  console.log(`\nopen-loop latency at ${rate} req/s over up to ${connections} connections, ${duration} s (ms):\n`);
  console.log('| route | p50 | p99 | errors |');
  console.log('| --- | --- | --- | --- |');
  console.log(`| GET small JSON, direct | ${direct.p50.toFixed(3)} | ${direct.p99.toFixed(3)} | ${direct.errors} |`);
  console.log(`| GET small JSON, gateway | ${through.p50.toFixed(3)} | ${through.p99.toFixed(3)} | ${through.errors} |`);
  console.log(`| added by the gateway | ${(through.p50 - direct.p50).toFixed(3)} | ${(through.p99 - direct.p99).toFixed(3)} | |`);
  if (rows.some((row) => !row.ok) || direct.errors + through.errors > 0) process.exitCode = 1;
} finally {
  const children = [gateway, backend, inventory, carts, directory, orders];
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((child) => once(child, 'exit')));
}
