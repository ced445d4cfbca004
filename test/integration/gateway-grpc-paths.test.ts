import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway, type Gateway } from '../../src/app.js';
import { ConfigError } from '../../src/config/config-error.js';
import { validateConfigData } from '../../src/config/load-config.js';
import { createLogging } from '../../src/observability/logger.js';
import { json, request1, request2 } from '../helpers/clients.js';
import { ROOT } from '../helpers/gateway-harness.js';
import { PATHS_PROTO, PATHS_SERVICE, startPathsService, type PathsService } from '../helpers/paths-service.js';
import { grpcUpstream, http1AndH2c, startGateway } from '../helpers/start-gateway.js';

let gateway: Gateway;
let base: string;
let h2c: string;
let paths: PathsService;

function configData(services: Record<string, { upstream: string }>): Record<string, unknown> {
  return {
    listeners: http1AndH2c(),
    upstreams: { paths: grpcUpstream(paths.url, 2000) },
    protos: { files: [PATHS_PROTO], includeDirs: ['test/fixtures/proto'] },
    grpc: { services, responseMetadata: ['x-method'] },
  };
}

beforeAll(async () => {
  paths = await startPathsService();
  ({ gateway, http1: base, h2c } = await startGateway(configData({ [PATHS_SERVICE]: { upstream: 'paths' } })));
});

afterAll(async () => {
  await gateway.close(500);
  await paths.close();
});

/** The JSON answer of a request, with its status. */
async function bound(path: string, method = 'GET'): Promise<{ status: number; body: unknown }> {
  const res = await request1(`${base}${path}`, { method });
  return { status: res.status, body: json(res) };
}

describe('"**" in google.api.http path templates', () => {
  it('{name=files/**} binds one or several segments with their "/", and zero segments', async () => {
    expect(await bound('/v1/files/a/b/c.txt')).toEqual({ status: 200, body: { method: 'GetFileTail', name: 'files/a/b/c.txt' } });
    expect(await bound('/v1/files')).toEqual({ status: 200, body: { method: 'GetFileTail', name: 'files' } });
  });

  it('a literal beats "*", which beats "**", though the "**" rules are declared first', async () => {
    expect(await bound('/v1/files/readme')).toEqual({ status: 200, body: { method: 'GetReadme' } });
    expect(await bound('/v1/files/x')).toEqual({ status: 200, body: { method: 'GetFile', id: 'x' } });
    expect(await bound('/v1/files/x/meta')).toEqual({ status: 200, body: { method: 'GetFileMeta', id: 'x' } });
    // The more specific branch dead-ends one segment later: the "**" rule one level up takes the path.
    expect(await bound('/v1/files/x/other')).toEqual({ status: 200, body: { method: 'GetFileTail', name: 'files/x/other' } });
    expect(await bound('/v1/docs/a/b')).toEqual({ status: 200, body: { method: 'GetAny', path: 'docs/a/b' } });
    expect(await bound('/v1/docs')).toEqual({ status: 200, body: { method: 'GetAny', path: 'docs' } });
    expect(await bound('/v1')).toEqual({ status: 200, body: { method: 'GetAny' } });
  });

  it('percent-escapes: %2F stays one segment in {id}; a multi-segment value keeps reserved characters encoded', async () => {
    expect(await bound('/v1/files/a%2Fb')).toEqual({ status: 200, body: { method: 'GetFile', id: 'a/b' } });
    expect(await bound('/v1/files/a%2Fb/caf%C3%A9/%3F%20x%2f')).toEqual({ status: 200, body: { method: 'GetFileTail', name: 'files/a%2Fb/café/%3F x%2f' } });
    const invalid = await request1(`${base}/v1/files/a/%C3`);
    expect(invalid.status).toBe(404);
    expect(invalid.headers['content-type']).toBe('application/problem+json');
  });

  it('a custom verb after "**" needs at least one segment and wins over the plain "**" rule', async () => {
    expect(await bound('/v1/trash/a/b:undelete', 'POST')).toEqual({ status: 200, body: { method: 'Undelete', name: 'trash/a/b' } });
    // GET only exists on {path=**}: there the verb is part of the value.
    expect(await bound('/v1/trash/a/b:undelete')).toEqual({ status: 200, body: { method: 'GetAny', path: 'trash/a/b:undelete' } });
    expect(await bound('/v1/a:undelete/b')).toEqual({ status: 200, body: { method: 'GetAny', path: 'a:undelete/b' } });
    expect(await bound('/v1/blobs/x/y:download')).toEqual({ status: 200, body: { method: 'Download' } });
    expect(await bound('/v1/blobs/x/y')).toEqual({ status: 200, body: { method: 'GetAny', path: 'blobs/x/y' } });
    const noSegment = await request1(`${base}/v1:undelete`, { method: 'POST' });
    expect(noSegment.status).toBe(404);
    expect(json(noSegment)).toMatchObject({ type: 'urn:protogate:problem:route-not-found', status: 404, detail: 'No route matches POST /v1:undelete.' });
  });

  it('trailing slashes and empty segments are not-found', async () => {
    for (const path of ['/v1/files/', '/v1/files/a/', '/v1/files/a//b', '/v1/']) {
      const res = await request1(`${base}${path}`);
      expect([path, res.status, json(res).type]).toEqual([path, 404, 'urn:protogate:problem:route-not-found']);
    }
  });

  it('the remaining fields come from the query, over HTTP/2 too', async () => {
    expect(await bound('/v1/docs/a?q=hello%20world')).toEqual({ status: 200, body: { method: 'GetAny', path: 'docs/a', q: 'hello world' } });
    const res = await request2(h2c, '/v1/files/a/b?q=1');
    expect([res.status, json(res)]).toEqual([200, { method: 'GetFileTail', name: 'files/a/b', q: '1' }]);
    const bad = await request1(`${base}/v1/docs/a?path=x`);
    expect(bad.status).toBe(400);
    expect(json(bad).errors).toEqual([{ location: '/query/path', message: 'query parameter "path" sets path, which is bound by the path or the body' }]);
  });
});

describe('custom HTTP methods', () => {
  it('LINK is routed to its rule', async () => {
    expect(await bound('/v1/files/a/b', 'LINK')).toEqual({ status: 200, body: { method: 'LinkFile', name: 'files/a/b' } });
    const res = await request2(h2c, '/v1/files/c', { method: 'LINK' });
    expect([res.status, json(res)]).toEqual([200, { method: 'LinkFile', name: 'files/c' }]);
  });

  it('a declared HEAD rule answers HEAD instead of the GET rule, without a body', async () => {
    const res = await request1(`${base}/v1/files/a/b`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers['grpc-metadata-x-method']).toBe('HeadFile');
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body).toBe('');
    // Where no HEAD rule exists, HEAD is the GET rule.
    const viaGet = await request1(`${base}/v1/docs/a`, { method: 'HEAD' });
    expect([viaGet.status, viaGet.headers['grpc-metadata-x-method'], viaGet.body]).toEqual([200, 'GetAny', '']);
  });

  it('Allow lists them: 405 for another method, 204 for OPTIONS', async () => {
    const res = await request1(`${base}/v1/files/a/b`, { method: 'UNLINK' });
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe('GET, HEAD, LINK, OPTIONS');
    expect(json(res)).toMatchObject({ type: 'urn:protogate:problem:method-not-allowed', status: 405 });
    const options = await request1(`${base}/v1/files/a/b`, { method: 'OPTIONS' });
    expect([options.status, options.headers['allow']]).toEqual([204, 'GET, HEAD, LINK, OPTIONS']);
    const verb = await request1(`${base}/v1/x:undelete`, { method: 'OPTIONS' });
    expect(verb.headers['allow']).toBe('GET, HEAD, OPTIONS, POST');
  });

  it('a method node:http does not parse, or one in lower case, is a config error naming the rule', () => {
    let error: unknown;
    try {
      const config = validateConfigData(configData({ 'protogate.test.paths.v1.Unroutable': { upstream: 'paths' } }), { file: 'test-gateway.yaml', baseDir: ROOT, env: {} });
      buildGateway(config, createLogging('silent', false));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.map((issue) => [issue.file, issue.pointer, issue.message]);
    expect(issues).toEqual([
      [
        'test-gateway.yaml',
        '/grpc/services/protogate.test.paths.v1.Unroutable',
        expect.stringMatching(/^protogate\.test\.paths\.v1\.Unroutable\/Brew \(BREW \/v1\/coffee\): custom method "BREW" cannot reach the gateway: node:http parses only GET, PUT, POST, DELETE, PATCH, HEAD, OPTIONS, TRACE, ACL, .*UNSUBSCRIBE$/),
      ],
      [
        'test-gateway.yaml',
        '/grpc/services/protogate.test.paths.v1.Unroutable',
        'protogate.test.paths.v1.Unroutable/LowerLink (link /v1/links/{name=**}): custom method "link" is not "LINK": methods are case-sensitive (RFC 9110 §9.1); did you mean "LINK"?',
      ],
    ]);
  });
});
