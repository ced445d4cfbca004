// Regenerates recordings/: posts every request of recordings/manifest.json, in order, to a running order service
// and writes the exact response bodies next to the requests, with status and content type in the manifest.
//
//   npm run legacy                                              # in one terminal (or any URL below)
//   node legacy-fixtures/order-service/record.mjs [http://127.0.0.1:9105]
//   node legacy-fixtures/order-service/record.mjs --start       # starts one from dist/ (after npm run build)
//
// The service is reset first (POST /_admin/reset?now=<manifest clock>), so the store is the seeded one and the
// clock is pinned: recording twice gives the same bytes.
import { readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const recordings = path.join(here, 'recordings');
const manifestFile = path.join(recordings, 'manifest.json');

function post(base, pathname, headers, body) {
  return new Promise((resolve, reject) => {
    const request = http.request(new URL(pathname, base), { method: 'POST', headers: { ...headers, 'content-length': body.length } }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode, contentType: response.headers['content-type'], body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

async function startFromDist() {
  const root = path.resolve(here, '..', '..');
  const module = pathToFileURL(path.join(root, 'dist', 'legacy-fixtures', 'order-service', 'service.js')).href;
  const { startOrderService } = await import(module);
  return startOrderService({ port: 0 });
}

const args = process.argv.slice(2);
const started = args.includes('--start') ? await startFromDist() : undefined;
const base = started?.url ?? args.find((arg) => !arg.startsWith('--')) ?? process.env.ORDER_SERVICE_URL ?? 'http://127.0.0.1:9105';

try {
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
  const reset = await post(base, `/_admin/reset?now=${encodeURIComponent(manifest.clock)}`, {}, Buffer.alloc(0));
  if (reset.status !== 204) throw new Error(`${base} did not accept the reset (status ${reset.status}): is it the order service?`);
  for (const exchange of manifest.exchanges) {
    const request = await readFile(path.join(recordings, `${exchange.name}.request.xml`));
    const response = await post(base, exchange.path, exchange.headers, request);
    await writeFile(path.join(recordings, `${exchange.name}.response.xml`), response.body);
    exchange.status = response.status;
    exchange.contentType = response.contentType;
    process.stdout.write(`${String(response.status).padEnd(4)} ${exchange.name}\n`);
  }
  await writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  process.stdout.write(`recorded ${manifest.exchanges.length} exchanges from ${base}\n`);
} finally {
  await started?.close();
}
