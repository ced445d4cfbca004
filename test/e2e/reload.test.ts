import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, request1 } from '../helpers/clients.js';
import { ROOT } from '../helpers/gateway-harness.js';

/** `gateway start` and SIGHUP, as an operator runs them: edit the file, send the signal, read the log. */
const CLI = path.join(ROOT, 'dist/src/cli.js');
const dir = mkdtempSync(path.join(tmpdir(), 'protogate-sighup-'));
const configFile = path.join(dir, 'gateway.yaml');

const api = (paths: string[]): string =>
  ['openapi: 3.1.0', 'info: { title: t, version: "1" }', 'paths:', ...paths.flatMap((p) => [`  /${p}:`, '    get:', `      operationId: ${p}`, "      responses: { '200': { description: ok } }"])].join('\n');
const config = (apiFile: string, target: string, upstream = 'svc'): string =>
  [
    'listeners: [{ name: public, protocol: http1, host: 127.0.0.1, port: 0 }]',
    `openapi: [{ file: ${apiFile}, upstream: ${upstream} }]`,
    `upstreams: { svc: { protocol: http1, targets: ["${target}"] } }`,
    'logging: { level: info, accessLog: false }',
    '',
  ].join('\n');

let backend: http.Server;
let child: ChildProcess;
let output = '';
let base: string;

async function waitFor(text: string, from = 0): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const at = output.indexOf(text, from);
    if (at !== -1) return output.slice(output.lastIndexOf('\n', at) + 1, output.indexOf('\n', at));
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no "${text}" in the gateway's output:\n${output}`);
}

beforeAll(async () => {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-if-needed.mjs')], { cwd: ROOT, stdio: 'inherit' });
  backend = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ path: req.url }));
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  writeFileSync(path.join(dir, 'before.yaml'), api(['hello']));
  writeFileSync(path.join(dir, 'after.yaml'), api(['hello', 'added']));
  writeFileSync(configFile, config('before.yaml', `http://127.0.0.1:${(backend.address() as AddressInfo).port}`));
  child = spawn(process.execPath, [CLI, 'start', configFile], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const listening = JSON.parse(await waitFor('"msg":"listening"')) as { address: string };
  base = `http://${listening.address}`;
}, 120_000);

afterAll(async () => {
  if (child.exitCode === null) child.kill('SIGKILL');
  await new Promise((resolve) => backend.close(resolve));
});

describe('SIGHUP', () => {
  it('applies the edited file: a new route is served, the log says so', async () => {
    expect((await request1(`${base}/added`)).status).toBe(404);
    writeFileSync(configFile, config('after.yaml', `http://127.0.0.1:${(backend.address() as AddressInfo).port}`));
    const from = output.length;
    child.kill('SIGHUP');
    expect(JSON.parse(await waitFor('"msg":"reloaded"', from))).toMatchObject({ level: 30, config: 'gateway.yaml', routes: 2 });
    expect(json(await request1(`${base}/added`))).toEqual({ path: '/added' });
  });

  it('a broken file is logged with every problem and the running config keeps serving', async () => {
    writeFileSync(configFile, config('after.yaml', 'http://127.0.0.1:1', 'svcs'));
    const from = output.length;
    child.kill('SIGHUP');
    const line = JSON.parse(await waitFor('reload refused', from)) as { level: number; problems: string[]; msg: string };
    expect(line.level).toBe(50);
    expect(line.msg).toBe('reload refused: invalid configuration; the running config stays');
    expect(line.problems).toEqual(['gateway.yaml:2 /openapi/0/upstream: upstream "svcs" is not defined; expected one of: svc']);
    expect(json(await request1(`${base}/added`))).toEqual({ path: '/added' });
  });

  it('SIGTERM still drains and exits 0', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
