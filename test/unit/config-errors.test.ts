import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, formatIssue } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';

const dir = mkdtempSync(path.join(tmpdir(), 'protogate-config-'));
writeFileSync(path.join(dir, 'api.yaml'), 'openapi: 3.0.3\ninfo: {title: t, version: "1"}\npaths: {}\n');

/** Writes a config file and returns every issue the loader reports, formatted as the CLI prints them. */
function issuesOf(yaml: string, env: Record<string, string> = {}): string[] {
  const file = path.join(dir, 'gateway.yaml');
  writeFileSync(file, yaml);
  try {
    loadConfig(file, { env });
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => formatIssue(issue).replace(file, 'gateway.yaml'));
    throw error;
  }
  return [];
}

const minimal = `openapi:
  - file: api.yaml
    upstream: users
upstreams:
  users:
    protocol: http1
    targets: [http://127.0.0.1:9001]
`;

describe('config errors name the file, the line, the pointer and what was expected', () => {
  it('accepts a minimal config and fills defaults', () => {
    const file = path.join(dir, 'ok.yaml');
    writeFileSync(file, minimal);
    const config = loadConfig(file, { env: {} });
    expect(config.listeners).toEqual([{ name: 'public', protocol: 'http1', host: '127.0.0.1', port: 8080 }]);
    expect(config.limits.maxBodyBytes).toBe(1_048_576);
    expect(config.upstreams.users?.timeouts).toEqual({ connectMs: 2000, requestMs: 15000 });
    expect(Object.isFrozen(config.upstreams.users?.targets)).toBe(true);
  });

  const table: [string, string, string[], Record<string, string>?][] = [
    ['missing file', '', ['gateway.yaml /upstreams: is required (expected record)']],
    [
      'YAML syntax error',
      'openapi: [\n',
      ['gateway.yaml:2: YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]'],
    ],
    [
      'unknown field and wrong type, both listed',
      minimal + 'limits:\n  maxBodyBytes: "1mb"\n  maxBody: 5\n',
      [
        'gateway.yaml:9 /limits/maxBodyBytes: Invalid input: expected number, received string',
        'gateway.yaml:10 /limits/maxBody: unknown field "maxBody"',
      ],
    ],
    [
      'nothing to serve',
      'upstreams:\n  users:\n    protocol: http1\n    targets: [http://127.0.0.1:9001]\n',
      ['gateway.yaml:1 /openapi: no routes to serve: list OpenAPI documents here, gRPC services under grpc.services, or SOAP services under soap.services'],
    ],
    [
      'bad enum',
      minimal.replace('protocol: http1', 'protocol: soap'),
      ['gateway.yaml:6 /upstreams/users/protocol: Invalid option: expected one of "http1"|"http2"|"grpc"'],
    ],
    [
      'target with a path',
      minimal.replace('http://127.0.0.1:9001', 'http://127.0.0.1:9001/v1'),
      ['gateway.yaml:7 /upstreams/users/targets/0: expected an origin like "http://127.0.0.1:9001" or "https://orders.internal:8443" (no path)'],
    ],
    [
      'unknown upstream referenced from openapi and routes',
      minimal.replace('upstream: users', 'upstream: user') + 'routes:\n  getUser:\n    upstream: inventory\n',
      [
        'gateway.yaml:3 /openapi/0/upstream: upstream "user" is not defined; expected one of: users',
        'gateway.yaml:10 /routes/getUser/upstream: upstream "inventory" is not defined; expected one of: users',
      ],
    ],
    [
      'missing files',
      minimal.replace('file: api.yaml', 'file: nope.yaml') + 'mappings: [m/cart.yaml]\n',
      ['gateway.yaml:2 /openapi/0/file: OpenAPI document "nope.yaml" not found', 'gateway.yaml:8 /mappings/0: mapping file "m/cart.yaml" not found'],
    ],
    [
      'https listener without tls',
      minimal + 'listeners:\n  - protocol: https\n    port: 8443\n',
      ['gateway.yaml:9 /listeners/0/tls: required when protocol is "https" (cert and key files)'],
    ],
    [
      'two listeners on one port',
      minimal + 'listeners:\n  - port: 8080\n  - name: again\n    port: 8080\n',
      ['gateway.yaml:11 /listeners/1/port: 127.0.0.1:8080 is already used by listeners/0'],
    ],
    [
      'unset environment variable',
      minimal.replace('http://127.0.0.1:9001', '"${USERS_URL}"'),
      ['gateway.yaml:7 /upstreams/users/targets/0: environment variable USERS_URL is not set'],
    ],
    [
      'bad header name in a route policy',
      minimal + 'routes:\n  getUser:\n    headers:\n      remove: ["bad header"]\n',
      ['gateway.yaml:11 /routes/getUser/headers/remove/0: expected an HTTP header name'],
    ],
  ];

  it.each(table)('%s', (_name, yaml, expected, env) => {
    expect(issuesOf(yaml, env)).toEqual(expected);
  });

  it('substitutes ${ENV} and keeps $${ literal', () => {
    const file = path.join(dir, 'env.yaml');
    writeFileSync(file, minimal.replace('http://127.0.0.1:9001', '"${USERS_URL}"') + 'routes:\n  getUser:\n    headers:\n      add: { x-literal: "$${NOT_ENV}" }\n');
    const config = loadConfig(file, { env: { USERS_URL: 'http://10.0.0.1:80' } });
    expect(config.upstreams.users?.targets).toEqual(['http://10.0.0.1:80']);
    expect(config.routes.getUser?.headers?.add).toEqual({ 'x-literal': '${NOT_ENV}' });
  });
});
