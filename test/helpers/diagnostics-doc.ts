import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * An OpenAPI document publishing the demo backends' `/_test/*` endpoints under `/<prefix>/...`, with route
 * policies rewriting to them. Operation ids carry the prefix so two copies can sit side by side.
 */
export function diagnosticsApi(prefix: string): { file: string; routes: Record<string, unknown> } {
  const id = (name: string): string => `${prefix}${name[0]?.toUpperCase()}${name.slice(1)}`;
  const doc = `openapi: 3.0.3
info: { title: diagnostics, version: '1' }
servers: [{ url: /${prefix} }]
paths:
  /slow:
    get:
      operationId: ${id('slow')}
      parameters: [{ name: ms, in: query, schema: { type: integer } }]
      responses: { '200': { description: ok } }
  /reset:
    get:
      operationId: ${id('reset')}
      responses: { '200': { description: ok } }
  /upload:
    post:
      operationId: ${id('upload')}
      requestBody: { content: { application/octet-stream: {} } }
      responses: { '200': { description: ok } }
  /download:
    get:
      operationId: ${id('download')}
      parameters: [{ name: bytes, in: query, schema: { type: integer } }]
      responses: { '200': { description: ok } }
  /echo:
    get:
      operationId: ${id('echoGet')}
      responses: { '200': { description: ok } }
    delete:
      operationId: ${id('echoDelete')}
      responses: { '200': { description: ok } }
    post:
      operationId: ${id('echoPost')}
      requestBody: { content: { '*/*': {} } }
      responses: { '200': { description: ok } }
`;
  const dir = mkdtempSync(path.join(tmpdir(), 'protogate-diag-'));
  const file = path.join(dir, `${prefix}.yaml`);
  writeFileSync(file, doc);
  const routes: Record<string, unknown> = {
    [id('slow')]: { path: '/_test/slow', timeoutMs: 300 },
    [id('reset')]: { path: '/_test/reset' },
    [id('upload')]: { path: '/_test/upload', timeoutMs: 60000 },
    [id('download')]: { path: '/_test/download', timeoutMs: 60000 },
    [id('echoGet')]: { path: '/_test/echo' },
    [id('echoDelete')]: { path: '/_test/echo' },
    [id('echoPost')]: { path: '/_test/echo' },
  };
  return { file, routes };
}
