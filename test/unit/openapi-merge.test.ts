import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeOpenApi } from '../../src/openapi/merge-documents.js';

// The merged document (gateway openapi, GET /openapi.json) must show each path where routing serves it.
describe('mergeOpenApi', () => {
  it('puts a document\'s paths under its first server\'s base path, server variables at their defaults', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'merge-'));
    writeFileSync(
      path.join(dir, 'api.yaml'),
      [
        'openapi: 3.1.0',
        'info: { title: t, version: "1" }',
        'servers:',
        '  - url: "https://{region}.example.com/{base}/"',
        '    variables: { region: { default: eu }, base: { default: v2, enum: [v2, v3] } }',
        'paths:',
        '  /items/{id}: { get: { operationId: getItem, parameters: [{ name: id, in: path, required: true, schema: { type: string } }], responses: { "200": { description: ok } } } }',
      ].join('\n'),
    );
    writeFileSync(path.join(dir, 'plain.yaml'), 'openapi: 3.1.0\ninfo: { title: p, version: "1" }\npaths:\n  /ping: { get: { responses: { "200": { description: ok } } } }\n');
    const merged = mergeOpenApi(undefined, [{ file: 'api.yaml' }, { file: 'plain.yaml' }], dir, { title: 'g', version: '1' });
    expect(Object.keys(merged.paths as object)).toEqual(['/v2/items/{id}', '/ping']);
  });
});
