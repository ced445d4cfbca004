import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ERROR_CODES, problemType, type ErrorCode } from '../../src/errors/codes.js';

it('the README documents every error type with its status, and no other', () => {
  const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
  const documented = [...readme.matchAll(/^\| `(urn:protogate:problem:[a-z-]+)` \| (\d{3}) \|/gm)].map((match) => [match[1], Number(match[2])]);
  const registry = (Object.keys(ERROR_CODES) as ErrorCode[]).map((code) => [problemType(code), ERROR_CODES[code].status]);
  expect(documented).toEqual(registry);
});
