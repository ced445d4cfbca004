import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/gateway-harness.js';

const run = promisify(execFile);
const CLI = path.join(ROOT, 'dist/src/cli.js');

beforeAll(() => {
  // The real entry point, as `npm start` runs it.
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-if-needed.mjs')], { cwd: ROOT, stdio: 'inherit' });
}, 120_000);

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('gateway validate / routes / config-schema', () => {
  it('validate: ok for the bundled config', async () => {
    const result = await cli(['validate', 'gateway.yaml']);
    expect(result).toEqual({ code: 0, stdout: 'gateway.yaml: ok (41 routes)\n', stderr: '' });
  });

  it('validate: exit 1 with every problem listed, file:line and pointer', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'protogate-cli-'));
    const file = path.join(dir, 'broken.yaml');
    writeFileSync(
      file,
      [
        'openapi:',
        `  - file: ${path.join(ROOT, 'openapi/users.yaml')}`,
        '    upstream: users',
        'upstreams:',
        '  users:',
        '    protocol: http1',
        '    targets: [http://127.0.0.1:1]',
        'routes:',
        '  getUsr: {}',
        '  getUser:',
        '    path: /users/{userId}',
        '',
      ].join('\n'),
    );
    const result = await cli(['validate', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'invalid configuration (2 problems):\n' +
        `  - ${file} /routes/getUsr: no operation "getUsr" in the OpenAPI documents; did you mean "getUser"?\n` +
        `  - ${file} /routes/getUser/path: {userId} is not a path parameter of /api/users/{id}; expected one of: id\n`,
    );
  });

  it('validate and start: an https listener whose key does not fit its certificate is a config error (exit 1)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'protogate-cli-'));
    const file = path.join(dir, 'tls.yaml');
    const tls = (name: string): string => path.join(ROOT, 'test/fixtures/tls', name);
    writeFileSync(
      file,
      [
        `listeners: [{ name: secure, protocol: https, port: 0, tls: { cert: ${tls('localhost-cert.pem')}, key: ${tls('upstream-key.pem')} } }]`,
        `openapi: [{ file: ${path.join(ROOT, 'openapi/users.yaml')}, upstream: users }]`,
        'upstreams: { users: { protocol: http1, targets: [http://127.0.0.1:1] } }',
        '',
      ].join('\n'),
    );
    for (const command of ['validate', 'start']) {
      const result = await cli([command, file]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        new RegExp(`^invalid configuration \\(1 problem\\):\\n  - ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} /listeners/0/tls/key: the key and certificate of listener "secure" are not a usable pair: .+\\n$`),
      );
    }
  });

  it('routes: prints the compiled route table', async () => {
    const result = await cli(['routes', 'gateway.yaml']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^PROFILE\s+METHOD\s+PATH\s+OPERATION\s+UPSTREAM\s+STAGES$/);
    expect(lines).toContainEqual(
      expect.stringMatching(/^\(default\)\s+GET\s+\/api\/items\/\{sku\}\s+getItem\s+inventory\s+read-body → validate-request → forward-http2$/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^\(default\)\s+POST\s+\/api\/users\s+createUser\s+users\s+read-body → validate-request → forward-http1$/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^mobile\s+GET\s+\/api\/cart\s+getCart\s+mapping:mappings\/cart-mobile\.yaml\s+read-body → validate-request → run-mapping$/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^web\s+GET\s+\/api\/cart\s+getCart\s+mapping:mappings\/cart\.yaml\s+/));
    expect(lines.filter((line) => line.startsWith('mobile '))).toHaveLength(3);
    expect(lines).toContainEqual(
      expect.stringMatching(/^\(default\)\s+POST\s+\/v1\/people\/\{id\}:promote\s+demo\.directory\.v1\.Directory\.PromotePerson\s+directory\s+read-body → transcode-grpc$/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^\(default\)\s+POST\s+\/orders\/soap12\/CancelOrder\s+orders12\.CancelOrder\s+legacy-orders\s+read-body → transcode-soap$/));
    expect(lines.at(-1)).toBe('41 routes');
  });

  it('config-schema: a JSON Schema generated from the zod schema', async () => {
    const result = await cli(['config-schema']);
    const schema = JSON.parse(result.stdout) as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['listeners', 'upstreams', 'openapi', 'routes', 'limits']));
    expect(schema.required).toEqual(['upstreams']);
  });

  it('unknown command: usage on stderr, exit 2', async () => {
    const result = await cli(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^unknown command "frobnicate"\n\nusage: gateway <command>/);
  });
});

describe('npm start: the demo as a newcomer sees it', () => {
  let child: ChildProcess;
  let output = '';

  beforeAll(async () => {
    child = spawn(process.execPath, [CLI, 'start', 'gateway.yaml', '--demo'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 15_000;
    while (!output.includes('Ctrl-C drains') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    if (!output.includes('Ctrl-C drains')) throw new Error(`gateway did not start:\n${output}`);
  }, 30_000);

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('every printed curl example works and answers what its comment says', async () => {
    const examples = output
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith('curl '));
    expect(examples.length).toBeGreaterThanOrEqual(8);
    for (const example of examples) {
      const [command, comment] = example.split(/\s+#\s+/) as [string, string | undefined];
      const { stdout } = await run('bash', ['-c', `${command} -sS -o /dev/null -w '%{http_code}'`], { cwd: ROOT });
      const expected = comment?.match(/^(\d{3})\b/)?.[1];
      if (expected !== undefined) expect(`${command} → ${stdout}`).toBe(`${command} → ${expected}`);
      else expect(`${command} → ${stdout}`).toMatch(/ → 20[01]$/);
    }
  }, 30_000);

  it('SIGTERM drains and exits 0', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('"msg":"stopped"');
  });
});
