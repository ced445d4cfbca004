import { createHash } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upstreamSchema } from '../../src/config/schema.js';
import { startInventoryService } from '../../src/demo/inventory-service.js';
import { startUsersService, type DemoService } from '../../src/demo/users-service.js';
import { createHttpUpstream } from '../../src/upstreams/http/index.js';
import type { HttpUpstream } from '../../src/upstreams/types.js';
import { generatedBody, sampleRss, startH1Harness, type Harness } from './upstream-harness.js';

/**
 * 200 MB each way through the forwarder with backpressure. Client, gateway and backend share this process, so the
 * rss growth measured here bounds the gateway's own growth from above.
 */

const SIZE = 200 * 1024 * 1024;
const LIMIT_MB = 100;

function expectedUploadDigest(): string {
  const hash = createHash('sha256');
  const chunk = Buffer.alloc(64 * 1024, 'upload-');
  for (let left = SIZE; left > 0; left -= chunk.length) hash.update(left >= chunk.length ? chunk : chunk.subarray(0, left));
  return hash.digest('hex');
}

function upload(url: string, size = SIZE): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'PUT', agent: false, headers: { 'content-type': 'application/octet-stream' } });
    req.once('error', reject);
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }));
    });
    generatedBody(size).pipe(req);
  });
}

function download(url: string): Promise<{ status: number; bytes: number; complete: boolean }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
        });
        res.once('end', () => resolve({ status: res.statusCode ?? 0, bytes, complete: res.complete }));
        res.once('error', reject);
      })
      .once('error', reject);
  });
}

const measured: string[] = [];

describe.each([
  ['HTTP/1.1', 'http1' as const],
  ['HTTP/2', 'http2' as const],
])('%s upstream streams 200 MB each way in bounded memory', (_label, protocol) => {
  let backend: DemoService;
  let upstream: HttpUpstream;
  let gateway: Harness;

  beforeAll(async () => {
    backend = protocol === 'http1' ? await startUsersService({ port: 0 }) : await startInventoryService({ port: 0 });
    upstream = createHttpUpstream('bulk', upstreamSchema.parse({ protocol, targets: [backend.url] }), { baseDir: '.' });
    gateway = await startH1Harness(upstream, { timeoutMs: 30_000 });
    // Warm up (JIT, heap sizing, socket buffers) so the measurement shows the transfer, not first-use growth.
    await upload(`${gateway.url}/_test/upload`, 16 * 1024 * 1024);
    await download(`${gateway.url}/_test/download?bytes=${16 * 1024 * 1024}`);
  });

  afterAll(async () => {
    await gateway.close();
    await upstream.close();
    await backend.close();
    if (measured.length === 4) console.info(measured.join('\n'));
  });

  it('upload', { timeout: 30_000 }, async () => {
    const rss = sampleRss();
    const response = await upload(`${gateway.url}/_test/upload`);
    const { peakGrowthMb, baselineMb } = rss.stop();
    measured.push(`${protocol} upload: peak rss growth ${peakGrowthMb.toFixed(1)} MB over ${baselineMb.toFixed(0)} MB`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ bytes: SIZE, sha256: expectedUploadDigest() });
    expect(peakGrowthMb).toBeLessThan(LIMIT_MB);
  });

  it('download', { timeout: 30_000 }, async () => {
    const outcomesBefore = gateway.outcomes.length;
    const rss = sampleRss();
    const response = await download(`${gateway.url}/_test/download?bytes=${SIZE}`);
    const { peakGrowthMb, baselineMb } = rss.stop();
    measured.push(`${protocol} download: peak rss growth ${peakGrowthMb.toFixed(1)} MB over ${baselineMb.toFixed(0)} MB`);
    expect(response).toEqual({ status: 200, bytes: SIZE, complete: true });
    // forward() settles on the gateway response's 'finish', which may come just after the client saw the end.
    while (gateway.outcomes.length === outcomesBefore) await new Promise((r) => setTimeout(r, 10));
    expect(gateway.outcomes.at(-1)).toEqual({ status: 200, bytes: SIZE });
    expect(peakGrowthMb).toBeLessThan(LIMIT_MB);
  });
});
